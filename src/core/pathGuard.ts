import * as path from 'node:path';
import { ASYNC_IO, type FsIo } from './fsIo';

/**
 * Every path a model names is untrusted. `checkRelativePath` is the pure part every sink applies
 * first; `checkRealLocation` adds what only the file system can tell (symlinks that leave the folder).
 */
export type PathVerdict = { ok: true; path: string } | { ok: false; reason: string };

export const DEFAULT_DENY = ['.git/**', '.vscode/**', 'node_modules/**'];

export function checkRelativePath(raw: string, deny: readonly string[] = DEFAULT_DENY): PathVerdict {
  if (raw.length === 0) return { ok: false, reason: 'empty path' };
  if (/[\u0000-\u001f\u007f]/.test(raw)) return { ok: false, reason: 'control character in path' };
  const p = raw.replace(/\\/g, '/');
  if (p.startsWith('//')) return { ok: false, reason: 'UNC path' };
  if (p.startsWith('/')) return { ok: false, reason: 'absolute path' };
  if (/^[A-Za-z]:/.test(p)) return { ok: false, reason: 'drive letter' };
  if (p.length > 1024) return { ok: false, reason: 'path too long' };
  const segments = p.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) return { ok: false, reason: 'empty path' };
  if (segments.some((s) => s === '..')) return { ok: false, reason: "'..' segment" };
  if (segments.some((s) => s.length > 255)) return { ok: false, reason: 'name too long' };
  const clean = segments.join('/');
  if (segments.some((s) => s.toLowerCase() === '.git')) return { ok: false, reason: 'inside .git' };
  const denied = deny.find((glob) => globMatch(glob, clean));
  if (denied) return { ok: false, reason: `matches deny pattern ${denied}` };
  return { ok: true, path: clean };
}

/**
 * Resolves `rel` inside `root`, following any symlinks that already exist on the way, and refuses
 * the path when its real location is not inside the real root.
 */
export async function checkRealLocation(root: string, rel: string, io: Pick<FsIo, 'realpath'> = ASYNC_IO): Promise<PathVerdict> {
  const realRoot = (await io.realpath(root)) ?? path.resolve(root);
  let probe = path.resolve(root, rel);
  const missing: string[] = [];
  // Walk up to the deepest part that exists, then ask the file system where it really is.
  for (;;) {
    const real = await io.realpath(probe);
    if (real !== undefined) {
      const full = path.join(real, ...missing.reverse());
      return isInside(realRoot, full) ? { ok: true, path: rel } : { ok: false, reason: 'leaves the output folder through a symbolic link' };
    }
    const parent = path.dirname(probe);
    if (parent === probe) return { ok: false, reason: 'cannot resolve path' };
    missing.push(path.basename(probe));
    probe = parent;
  }
}

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

const globs = new Map<string, RegExp>();

/** Minimal glob: `**` any number of segments, `*` within a segment, `?` one character. */
export function globMatch(glob: string, p: string): boolean {
  let re = globs.get(glob);
  if (!re) {
    if (globs.size > 1000) globs.clear();
    globs.set(glob, (re = globToRegExp(glob)));
  }
  return re.test(p);
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}
