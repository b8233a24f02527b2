import * as path from 'node:path';
import { ASYNC_IO, type FsIo } from '../fsIo';
import { hasUnsafeChars } from '../terminalText';
import { DEFAULT_DENY, denyMatcher } from './denyGlobs';

export { DEFAULT_DENY } from './denyGlobs';

/**
 * Every path a model names is untrusted. `checkRelativePath` is the pure part every sink applies
 * first; `checkRealLocation` adds what only the file system can tell (symlinks that leave the folder).
 */
export type PathVerdict = { ok: true; path: string } | { ok: false; reason: string };
/** As PathVerdict, with where the file really is (symlinks resolved) when allowed. */
export type RealVerdict = { ok: true; path: string; realPath: string; realRel: string } | { ok: false; reason: string };

/**
 * Characters that are harmless in text but make a name pass for another: no-break and other
 * space separators (`.git\u00a0`) and variation selectors. Names only; prose keeps them.
 */
const BLANK_LOOKALIKE = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;

/**
 * `deny` extends DEFAULT_DENY (it never replaces it); denyGlobs.ts says how patterns match, and
 * `!pattern` re-allows what it matches. `.git`, Windows aliases, control and
 * invisible characters are refused whatever the list says.
 */
export function checkRelativePath(raw: string, deny: readonly string[] = DEFAULT_DENY): PathVerdict {
  if (raw.length === 0) return { ok: false, reason: 'empty path' };
  if (/[\u0000-\u001f\u007f]/.test(raw)) return { ok: false, reason: 'control character in path' };
  if (hasUnsafeChars(raw))
    return {
      ok: false,
      reason: 'bidirectional, zero-width, invisible or control character in path (it could disguise the name)',
    };
  if (BLANK_LOOKALIKE.test(raw))
    return {
      ok: false,
      reason: 'a blank-looking or invisible character other than a space in path (it could disguise the name)',
    };
  const p = raw.replace(/\\/g, '/');
  if (p.startsWith('//')) return { ok: false, reason: 'UNC path' };
  if (p.startsWith('/')) return { ok: false, reason: 'absolute path' };
  if (/^[A-Za-z]:/.test(p)) return { ok: false, reason: 'drive letter' };
  if (p.length > 1024) return { ok: false, reason: 'path too long' };
  const segments = p.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) return { ok: false, reason: 'empty path' };
  if (segments.some((s) => s === '..')) return { ok: false, reason: "'..' segment" };
  if (segments.some((s) => s.length > 255)) return { ok: false, reason: 'name too long' };
  if (segments.some((s) => s.toLowerCase() === '.git')) return { ok: false, reason: 'inside .git' };
  const clean = segments.join('/');
  const alias = windowsAlias(clean);
  if (alias) return { ok: false, reason: alias };
  const denied = denyMatcher(deny).match(clean);
  if (denied) return { ok: false, reason: `matches deny pattern ${denied}` };
  return { ok: true, path: clean };
}

/**
 * Resolves `rel` inside `root`, following any symlinks that already exist on the way, and refuses
 * the path when its real location is not inside the real root, or is a place the deny list refuses.
 */
export async function checkRealLocation(
  root: string,
  rel: string,
  io: Pick<FsIo, 'realpath' | 'lstat'> = ASYNC_IO,
  deny: readonly string[] = DEFAULT_DENY,
): Promise<RealVerdict> {
  const realRoot = (await io.realpath(root)) ?? path.resolve(root);
  let probe = path.resolve(root, rel);
  const missing: string[] = [];
  // Walk up to the deepest part that exists, then ask the file system where it really is.
  for (;;) {
    const real = await io.realpath(probe);
    if (real !== undefined) {
      const full = path.join(real, ...missing.reverse());
      if (!isInside(realRoot, full)) return { ok: false, reason: 'leaves the output folder through a symbolic link' };
      const realRel = path.relative(realRoot, full).split(path.sep).join('/');
      const there = checkLanding(rel, realRel, deny);
      return there.ok ? { ok: true, path: rel, realPath: full, realRel } : there;
    }
    // A link whose target does not exist yet: writing through it would create that target, wherever it is.
    if ((await io.lstat(probe))?.isSymbolicLink())
      return { ok: false, reason: 'a symbolic link whose target does not exist' };
    const parent = path.dirname(probe);
    if (parent === probe) return { ok: false, reason: 'cannot resolve path' };
    missing.push(path.basename(probe));
    probe = parent;
  }
}

/**
 * A link inside the folder (tools -> .git/hooks) must not carry a file where its own name may not go:
 * `realRel`, where `rel` really lands relative to the real root, passes the same checks.
 */
export function checkLanding(rel: string, realRel: string, deny: readonly string[] = DEFAULT_DENY): PathVerdict {
  if (realRel === rel) return { ok: true, path: rel };
  const there = checkRelativePath(realRel, deny);
  return there.ok
    ? { ok: true, path: rel }
    : { ok: false, reason: `leads through a symbolic link to ${realRel}, which is refused (${there.reason})` };
}

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

// Whole-path forms of per-name rules (a name runs from the start or a `/` to a `/` or the end):
// one regular expression per rule is far cheaper than one per name.
const TRAILING_DOT_OR_SPACE = /[. ](?:\/|$)/;
const RESERVED_DEVICE =
  /(?:^|\/)(?:con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$) *(?:\.[^/]*)?(?:\/|$)/i;
// At most 8 characters, `~` and digits ending the base, at most 3 after one dot: `GIT~1`, `NODE_M~1`, `GI7EBA~1`.
const SHORT_NAME = /(?:^|\/)(?=[^./]{1,8}(?:\.[^./]{0,3})?(?:\/|$))[^./~]*~[0-9]+(?:\.[^./]{0,3})?(?:\/|$)/;

/**
 * Names Windows reads as another name or as a device, refused on every platform because the folder
 * may be shared with, synced to or checked out on Windows. 8.3 short names are refused as a kind:
 * the hashed forms (`GI7EBA~1`) depend on the volume, so which protected name one aliases cannot
 * be known here.
 */
function windowsAlias(p: string): string | undefined {
  if (p.includes(':')) return 'colon in a name (an NTFS alternate data stream on Windows)';
  if (TRAILING_DOT_OR_SPACE.test(p))
    return 'name ends with a dot or space (Windows drops them, so it could alias another name)';
  if (RESERVED_DEVICE.test(p)) return 'reserved device name on Windows';
  if (p.includes('~') && SHORT_NAME.test(p))
    return 'looks like a Windows 8.3 short name (it could alias .git or node_modules)';
  return undefined;
}
