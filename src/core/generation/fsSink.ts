import type * as fsSync from 'node:fs';
import * as path from 'node:path';
import type { ParsedFile } from './fileParser';
import { ASYNC_IO, ioFor, keepOf, type FileKeep, type FsIo } from '../fsIo';
import { checkLanding, checkRealLocation } from './pathGuard';
import {
  skippedByCancel,
  type FileSink,
  type OverwritePolicy,
  type OverwriteQuestion,
  type Settlement,
  type WriteOutcome,
} from './sink';
import { release, sweepStaleTemps, tempFor } from '../tempFiles';

/**
 * Writes files under `root` on disk. Each file is written to a temporary name beside its target
 * and moved into place, so a crash or a full disk never leaves half a file under the real name.
 * A new file is linked into place, which fails if another program created it meanwhile: the
 * overwrite policy then decides about it as about any existing file.
 */
export class FsSink implements FileSink {
  /** File system calls run on libuv's thread pool: several files in flight hide their latency. */
  readonly concurrency = 8;
  /** Paths this sink wrote, so a file the model repeats replaces its own earlier version. */
  private readonly written = new Set<string>();
  private readonly deferred = new Map<string, { file: ParsedFile; order: number }>();
  /** Writes run several at once: the question lists files in the order they arrived. */
  private arrived = 0;
  /** Files that did not exist before this run, removed again if the person discards it. */
  private readonly created: string[] = [];
  /**
   * Folders (relative) this sink has made sure exist and lead nowhere outside the root, each with
   * where it really is (relative to the real root): a folder reached through a link still has each
   * of its files checked where it lands (d -> .docker: d/readme.txt yes, d/config.json no).
   */
  private readonly verified = new Map<string, string>();
  private rootReady: Promise<void> | undefined;

  constructor(
    readonly root: string,
    private readonly overwrite: OverwritePolicy = 'never',
    private readonly ask?: OverwriteQuestion,
  ) {}

  async write(file: ParsedFile): Promise<WriteOutcome> {
    const order = this.arrived++;
    // Small files are written synchronously (see fsIo.ts): they land before the next chunk is read.
    const io = ioFor(file.content);
    await (this.rootReady ??= prepareRoot(this.root, io));
    const target = path.join(this.root, file.path);
    const existing = await io.lstat(target);
    // A folder already checked in this run needs no new walk, unless the name itself is a link.
    const dir = path.posix.dirname(file.path);
    const realDir = this.verified.get(dir);
    const where =
      realDir === undefined || existing?.isSymbolicLink()
        ? await checkRealLocation(this.root, file.path, io)
        : checkLanding(file.path, path.posix.join(realDir, path.posix.basename(file.path)));
    if (!where.ok) return { status: 'rejected', reason: where.reason };
    return this.place(file, target, io, existing, order);
  }

  private async place(
    file: ParsedFile,
    target: string,
    io: FsIo,
    existing: fsSync.Stats | undefined,
    order: number,
  ): Promise<WriteOutcome> {
    if (existing?.isDirectory()) return { status: 'rejected', reason: 'a folder has that name' };
    if (existing && !this.written.has(file.path)) {
      if (this.overwrite === 'ask' && this.ask) {
        this.deferred.set(file.path, { file, order });
        return { status: 'deferred' };
      }
      if (this.overwrite !== 'always')
        return { status: 'skipped', reason: 'exists, and the overwrite policy is never' };
    }
    try {
      await this.put(file, target, io, existing);
    } catch (err) {
      if (existing || (err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Created by someone else after the first look: decided again, as an existing file.
      const now = await io.lstat(target);
      if (!now) throw err;
      return this.place(file, target, io, now, order);
    }
    if (!existing) this.created.push(target);
    return { status: existing ? 'overwritten' : 'created' };
  }

  async settle(options: { cancelled?: boolean } = {}): Promise<Settlement> {
    const files = [...this.deferred.values()].sort((a, b) => a.order - b.order).map((d) => d.file);
    this.deferred.clear();
    if (files.length === 0 || !this.ask) return { files: [], discarded: false };
    if (options.cancelled) return skippedByCancel(files);
    const answer = await this.ask(files.map((f) => f.path));
    if (answer === 'cancel') return skippedByCancel(files);
    if (answer === 'discard') await Promise.all(this.created.map((f) => ASYNC_IO.remove(f)));
    if (answer !== 'overwrite') {
      const reason = answer === 'discard' ? 'generation discarded' : 'exists, and you chose to skip existing files';
      return {
        files: files.map((file) => ({ file, outcome: { status: 'skipped', reason } })),
        discarded: answer === 'discard',
      };
    }
    const settled = [];
    for (const file of files) {
      // Checked again: the folder may have changed while the question was open.
      const where = await checkRealLocation(this.root, file.path);
      if (!where.ok) settled.push({ file, outcome: { status: 'rejected' as const, reason: where.reason } });
      else {
        const target = path.join(this.root, file.path);
        const io = ioFor(file.content);
        try {
          await this.put(file, target, io, await io.lstat(target));
        } catch (err) {
          throw Object.assign(
            new Error(`${file.path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err }),
            { code: (err as NodeJS.ErrnoException).code },
          );
        }
        settled.push({ file, outcome: { status: 'overwritten' as const } });
      }
    }
    return { files: settled, discarded: false };
  }

  private async put(file: ParsedFile, target: string, io: FsIo, existing: fsSync.Stats | undefined): Promise<void> {
    const parent = path.posix.dirname(file.path);
    if (!this.verified.has(parent)) {
      await io.mkdirp(path.dirname(target));
      // The parent may have been created through a symlink planted by an earlier file: check again.
      const again = await checkRealLocation(this.root, file.path, io);
      if (!again.ok) throw Object.assign(new Error(again.reason), { code: 'EGUARD' });
      this.verified.set(parent, path.posix.dirname(again.realRel));
      await sweepStaleTemps(path.dirname(target));
    }
    await atomicWrite(target, file.content, io, {
      exclusive: !existing,
      keep: existing?.isFile() ? keepOf(existing) : undefined,
    });
    this.written.add(file.path);
  }
}

async function prepareRoot(root: string, io: FsIo): Promise<void> {
  try {
    await io.mkdirp(root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR')
      throw Object.assign(new Error(`${root} is not a folder`), { code: 'ENOTDIR' });
    throw err;
  }
}

export interface AtomicWriteOptions {
  /** Fail with EEXIST rather than replace a file that exists by the time it is moved into place. */
  exclusive?: boolean;
  /** The mode (and owner) to give the new file: the replaced file's. */
  keep?: FileKeep;
}

/** Hard links unsupported here (some network and FAT file systems): fall back to a checked rename. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/** Writes to a temporary name beside the target, then moves it into place. */
export async function atomicWrite(
  target: string,
  content: string | Uint8Array,
  io: FsIo = ioFor(content),
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = tempFor(target);
  let moved = false;
  try {
    await io.writeNew(temp, content, options.keep);
    if (options.exclusive) moved = await linkOrRename(temp, target, io);
    else {
      await io.rename(temp, target);
      moved = true;
    }
  } finally {
    // After a link (or a failure) the temporary name is still there.
    if (!moved) await io.remove(temp);
    release(temp);
  }
}

/** True when the temporary was renamed into place, false when linked (its name remains). */
async function linkOrRename(temp: string, target: string, io: FsIo): Promise<boolean> {
  try {
    await io.link(temp, target);
    return false;
  } catch (err) {
    if (!NO_LINKS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    if (await io.lstat(target)) throw Object.assign(new Error(`${target} exists`), { code: 'EEXIST' });
    await io.rename(temp, target);
    return true;
  }
}
