import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { ParsedFile } from './fileParser';
import { ASYNC_IO, ioFor, type FsIo } from './fsIo';
import { checkRealLocation } from './pathGuard';
import type { FileSink, OverwritePolicy, OverwriteQuestion, Settlement, WriteOutcome } from './sink';

/**
 * Writes files under `root` on disk. Each file is written to a temporary name beside its target
 * and renamed into place, so a crash or a full disk never leaves half a file under the real name.
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
  /** Folders (relative) this sink has made sure exist and lead nowhere outside the root. */
  private readonly verified = new Set<string>();
  private rootReady = false;

  constructor(
    readonly root: string,
    private readonly overwrite: OverwritePolicy = 'never',
    private readonly ask?: OverwriteQuestion,
  ) {}

  async write(file: ParsedFile): Promise<WriteOutcome> {
    const order = this.arrived++;
    // Small files are written synchronously (see fsIo.ts): they land before the next chunk is read.
    const io = ioFor(file.content);
    if (!this.rootReady) {
      await io.mkdirp(this.root);
      this.rootReady = true;
    }
    const target = path.join(this.root, file.path);
    const existing = await io.lstat(target);
    // A folder already checked in this run needs no new walk, unless the name itself is a link.
    if (!this.verified.has(path.posix.dirname(file.path)) || existing?.isSymbolicLink()) {
      const where = await checkRealLocation(this.root, file.path, io);
      if (!where.ok) return { status: 'rejected', reason: where.reason };
    }
    if (existing?.isDirectory()) return { status: 'rejected', reason: 'a folder has that name' };
    if (existing && !this.written.has(file.path)) {
      if (this.overwrite === 'ask' && this.ask) {
        this.deferred.set(file.path, { file, order });
        return { status: 'deferred' };
      }
      if (this.overwrite !== 'always') return { status: 'skipped', reason: 'file exists (overwrite policy: never)' };
    }
    await this.put(file, target, io);
    if (!existing) this.created.push(target);
    return { status: existing ? 'overwritten' : 'created' };
  }

  async settle(): Promise<Settlement> {
    const files = [...this.deferred.values()].sort((a, b) => a.order - b.order).map((d) => d.file);
    this.deferred.clear();
    if (files.length === 0 || !this.ask) return { files: [], discarded: false };
    const answer = await this.ask(files.map((f) => f.path));
    if (answer === 'discard') await Promise.all(this.created.map((f) => ASYNC_IO.remove(f)));
    if (answer !== 'overwrite') {
      const reason = answer === 'discard' ? 'generation discarded' : 'file exists (you chose to skip existing files)';
      return { files: files.map((file) => ({ file, outcome: { status: 'skipped', reason } })), discarded: answer === 'discard' };
    }
    const settled = [];
    for (const file of files) {
      // Checked again: the folder may have changed while the question was open.
      const where = await checkRealLocation(this.root, file.path);
      if (!where.ok) settled.push({ file, outcome: { status: 'rejected' as const, reason: where.reason } });
      else {
        await this.put(file, path.join(this.root, file.path), ioFor(file.content));
        settled.push({ file, outcome: { status: 'overwritten' as const } });
      }
    }
    return { files: settled, discarded: false };
  }

  private async put(file: ParsedFile, target: string, io: FsIo): Promise<void> {
    const parent = path.posix.dirname(file.path);
    if (!this.verified.has(parent)) {
      await io.mkdirp(path.dirname(target));
      // The parent may have been created through a symlink planted by an earlier file: check again.
      const again = await checkRealLocation(this.root, file.path, io);
      if (!again.ok) throw Object.assign(new Error(again.reason), { code: 'EGUARD' });
      this.verified.add(parent);
    }
    await atomicWrite(target, file.content, io);
    this.written.add(file.path);
  }
}

/** Temporary names: unique to this process (random once, then counted); `wx` refuses any clash. */
const tempPrefix = `turbo-${randomBytes(4).toString('hex')}-`;
let tempCount = 0;

/** Writes to a temporary name beside the target, then renames it into place. */
export async function atomicWrite(target: string, content: string, io: FsIo = ioFor(content)): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${tempPrefix}${(tempCount++).toString(36)}`);
  try {
    await io.writeNew(temp, content);
    await io.rename(temp, target);
  } catch (err) {
    await io.remove(temp);
    throw err;
  }
}
