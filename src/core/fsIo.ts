import * as fsSync from 'node:fs';
import * as fs from 'node:fs/promises';

/**
 * The few file-system calls the sinks and the path guard make, in two flavours with one interface.
 *
 * `ASYNC_IO` runs each call on libuv's thread pool: right for large files, but every call costs a
 * turn of the event loop, and while a fast stream floods that loop a small file needs about eight
 * of them (lstat, realpath, mkdir, open, write, close, rename) before it is on disk.
 * `SYNC_IO` makes the same calls synchronously (tens of microseconds for a small file) behind
 * already-settled promises, so a small file lands before the next network chunk is read.
 */
export interface FsIo {
  lstat(p: string): Promise<fsSync.Stats | undefined>;
  /** The real path, or undefined when `p` does not exist (or cannot be resolved). */
  realpath(p: string): Promise<string | undefined>;
  mkdirp(p: string): Promise<void>;
  /** Creates `p` with `content`; fails if it exists. `keep`: the mode (and owner) of the file it replaces. */
  writeNew(p: string, content: string | Uint8Array, keep?: FileKeep): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** A second name for `from`; fails with EEXIST if `to` exists (an exclusive create). */
  link(from: string, to: string): Promise<void>;
  remove(p: string): Promise<void>;
}

/** What a replacement keeps of the file it replaces. The owner only when Turbo runs as root. */
export interface FileKeep {
  mode: number;
  uid?: number;
  gid?: number;
}

export function keepOf(stat: fsSync.Stats): FileKeep {
  const root = process.getuid?.() === 0;
  return { mode: stat.mode & 0o7777, ...(root ? { uid: stat.uid, gid: stat.gid } : {}) };
}

export const ASYNC_IO: FsIo = {
  lstat: (p) => fs.lstat(p).catch(() => undefined),
  realpath: (p) => fs.realpath(p).catch(() => undefined),
  mkdirp: async (p) => void (await fs.mkdir(p, { recursive: true })),
  writeNew: async (p, content, keep) => {
    if (!keep) return fs.writeFile(p, content, { flag: 'wx' });
    const handle = await fs.open(p, 'wx', keep.mode);
    try {
      await handle.writeFile(content);
      // The umask trimmed the mode given to open.
      await handle.chmod(keep.mode);
      if (keep.uid !== undefined && keep.gid !== undefined) await handle.chown(keep.uid, keep.gid);
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => fs.rename(from, to),
  link: (from, to) => fs.link(from, to),
  remove: (p) => fs.rm(p, { force: true }),
};

/** `async` so that a throw becomes a rejection, as with ASYNC_IO. */
export const SYNC_IO: FsIo = {
  lstat: async (p) => fsSync.lstatSync(p, { throwIfNoEntry: false }),
  realpath: async (p) => {
    try {
      return fsSync.realpathSync(p);
    } catch {
      return undefined;
    }
  },
  mkdirp: async (p) => void fsSync.mkdirSync(p, { recursive: true }),
  writeNew: async (p, content, keep) => {
    if (!keep) return fsSync.writeFileSync(p, content, { flag: 'wx' });
    const fd = fsSync.openSync(p, 'wx', keep.mode);
    try {
      fsSync.writeFileSync(fd, content);
      fsSync.fchmodSync(fd, keep.mode);
      if (keep.uid !== undefined && keep.gid !== undefined) fsSync.fchownSync(fd, keep.uid, keep.gid);
    } finally {
      fsSync.closeSync(fd);
    }
  },
  rename: async (from, to) => fsSync.renameSync(from, to),
  link: async (from, to) => fsSync.linkSync(from, to),
  remove: async (p) => fsSync.rmSync(p, { force: true }),
};

/**
 * Files up to this size are written with SYNC_IO: the event loop is held for well under a
 * millisecond. Larger ones go through the thread pool so the loop (and the stream) keeps moving.
 */
export const SYNC_WRITE_MAX = 256 * 1024;

export const ioFor = (content: string | Uint8Array): FsIo => (content.length <= SYNC_WRITE_MAX ? SYNC_IO : ASYNC_IO);

/** "no space left on device (ENOSPC)" from Node's "ENOSPC: no space left on device, write". */
export function ioErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const plain =
    code && message.startsWith(`${code}: `) ? message.slice(code.length + 2).replace(/, \w+( '.*')?$/, '') : message;
  return code ? `${plain} (${code})` : plain;
}
