import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ParsedFile } from './fileParser';
import { checkRealLocation } from './pathGuard';
import type { FileSink, OverwritePolicy, WriteOutcome } from './sink';

/**
 * Writes files under `root` on disk. Each file is written to a temporary name beside its target
 * and renamed into place, so a crash or a full disk never leaves half a file under the real name.
 */
export class FsSink implements FileSink {
  /** Paths this sink wrote, so a file the model repeats replaces its own earlier version. */
  private readonly written = new Set<string>();

  constructor(
    readonly root: string,
    private readonly overwrite: OverwritePolicy = 'never',
  ) {}

  async write(file: ParsedFile): Promise<WriteOutcome> {
    await fs.mkdir(this.root, { recursive: true });
    const where = await checkRealLocation(this.root, file.path);
    if (!where.ok) return { status: 'rejected', reason: where.reason };
    const target = path.join(this.root, file.path);
    const existing = await fs.lstat(target).catch(() => undefined);
    if (existing?.isDirectory()) return { status: 'rejected', reason: 'a folder has that name' };
    if (existing && this.overwrite === 'never' && !this.written.has(file.path)) {
      return { status: 'skipped', reason: 'file exists (overwrite policy: never)' };
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    // The parent may have been created through a symlink planted by an earlier file: check again.
    const again = await checkRealLocation(this.root, file.path);
    if (!again.ok) return { status: 'rejected', reason: again.reason };
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.turbo-${randomBytes(4).toString('hex')}`);
    try {
      await fs.writeFile(temp, file.content, { flag: 'wx' });
      await fs.rename(temp, target);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
    this.written.add(file.path);
    return { status: existing ? 'overwritten' : 'created' };
  }
}
