import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { TurboError } from '../errors';
import type { FileChange } from './fix';
import { ioErrorText, keepOf, type FileKeep } from '../fsIo';
import { atomicWrite } from '../generation/fsSink';
import { checkRealLocation, isInside } from '../generation/pathGuard';
import { sweepStaleTemps } from '../tempFiles';

/**
 * A fix's files on disk (the CLI and MCP; the editor goes through its documents). Files are read
 * as strict UTF-8, so the text written back is byte-identical outside the edited range; anything
 * else is refused rather than damaged. A replaced file keeps its mode, and a symlink inside the
 * folder keeps being a link: its target is what changes.
 */

/** Fatal: a byte that is not UTF-8 is an error, not U+FFFD. `ignoreBOM` keeps a BOM in the text. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export type Decoded = { ok: true; text: string } | { ok: false; reason: string };

export function decodeText(bytes: Uint8Array, name: string): Decoded {
  if (bytes.includes(0))
    return { ok: false, reason: `${name} is binary (it holds NUL bytes); Turbo edits only UTF-8 text files` };
  try {
    return { ok: true, text: strictUtf8.decode(bytes) };
  } catch {
    return { ok: false, reason: `${name} is not UTF-8 text; Turbo edits only UTF-8 files` };
  }
}

/** A file's text, or undefined when it is missing, unreadable, binary or not UTF-8. */
export async function readTextFile(absPath: string): Promise<string | undefined> {
  const bytes = await fs.readFile(absPath).catch(() => undefined);
  if (!bytes) return undefined;
  const decoded = decodeText(bytes, absPath);
  return decoded.ok ? decoded.text : undefined;
}

/** Why a file that could not be read as text is not editable; undefined when it does not exist. */
export async function whyNotText(absPath: string, name: string): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(absPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return code === 'EISDIR' ? `${name} is a folder` : `${name} could not be read (${ioErrorText(err)})`;
  }
  const decoded = decodeText(bytes, name);
  return decoded.ok ? `${name} could not be read as text` : decoded.reason;
}

interface Prepared {
  file: string;
  write: () => Promise<void>;
}

/**
 * Writes a planned fix: every file is checked first (still what the plan read, still inside the
 * folder), then each is replaced atomically. A failure names the file, the cause and what changed.
 */
export async function applyChangesOnDisk(root: string, changes: FileChange[]): Promise<void> {
  const realRoot = await fs.realpath(root);
  const prepared: Prepared[] = [];
  for (const change of changes)
    prepared.push(
      change.before === undefined ? await prepareNew(root, change) : await prepareEdit(realRoot, change, change.before),
    );
  const done: string[] = [];
  for (const p of prepared) {
    try {
      await p.write();
    } catch (err) {
      const changed = done.length ? `; already changed: ${done.join(', ')}` : '; nothing was changed';
      throw new TurboError('io', `Could not write ${p.file}: ${ioErrorText(err)}${changed}.`, { cause: err });
    }
    done.push(p.file);
  }
}

async function prepareEdit(realRoot: string, change: FileChange, before: string): Promise<Prepared> {
  const stale = () => new TurboError('io', `${change.file} changed while the fix was being made; nothing was changed.`);
  // Through a symlink to its target: the link stays a link.
  const real = await fs.realpath(change.absPath).catch(() => undefined);
  if (real === undefined) throw stale();
  if (!isInside(realRoot, real))
    throw new TurboError('io', `${change.file} leaves the folder through a symbolic link; nothing was changed.`);
  const stat = await fs.stat(real);
  const now = decodeText(await fs.readFile(real), change.file);
  if (!now.ok || now.text !== before) throw stale();
  const keep: FileKeep = keepOf(stat);
  return {
    file: change.file,
    write: async () => {
      // Checked again at the last moment: the link may have been pointed elsewhere since the plan.
      const where = await checkRealLocation(realRoot, change.file);
      if (!where.ok || where.realPath !== real)
        throw Object.assign(new Error(where.ok ? `${change.file} now leads elsewhere` : where.reason), {
          code: 'EGUARD',
        });
      await sweepStaleTemps(path.dirname(real));
      await atomicWrite(real, change.after, undefined, { keep });
    },
  };
}

async function prepareNew(root: string, change: FileChange): Promise<Prepared> {
  return {
    file: change.file,
    write: async () => {
      await fs.mkdir(path.dirname(change.absPath), { recursive: true });
      // The folders just made may lead through a symlink planted meanwhile.
      const where = await checkRealLocation(root, change.file);
      if (!where.ok) throw Object.assign(new Error(where.reason), { code: 'EGUARD' });
      // Exclusive: a file that appeared since the plan is not replaced.
      await atomicWrite(change.absPath, change.after, undefined, { exclusive: true });
    },
  };
}
