import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkRealLocation, checkRelativePath, DEFAULT_DENY, isInside } from '../generation/pathGuard';
import type { TestFailure } from './parsers';

/**
 * What a fix shows the model: the files of the failure and what the failing tests import, each
 * admitted only when it really lies inside the project and the deny list allows it.
 */

export const MAX_FILES = 8;
export const MAX_FILE_BYTES = 100_000;

/**
 * The files a fix needs to see: each failure's location and related frames, then the project files
 * the failing test files import (the implementation under test), deduplicated, at most MAX_FILES.
 * Only files whose real location is inside the real root, and that the deny list allows by their
 * name and by their real name, are read and sent: a symlink must not carry an outside file to the model.
 */
export async function gatherFiles(
  root: string,
  failures: TestFailure[],
  readFile: (absPath: string) => Promise<string | undefined>,
  deny: readonly string[] = DEFAULT_DENY,
): Promise<{ path: string; content: string }[]> {
  const admit = admission(root, deny);
  const wanted: string[] = [];
  for (const f of failures)
    for (const loc of [f.location, ...f.related]) if (!wanted.includes(loc.file)) wanted.push(loc.file);
  const files: { path: string; content: string }[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < wanted.length && files.length < MAX_FILES; i++) {
    const abs = wanted[i];
    if (seen.has(abs)) continue;
    seen.add(abs);
    const rel = await admit(abs);
    if (rel === undefined) continue;
    const content = await readFile(abs);
    if (content === undefined || content.length > MAX_FILE_BYTES) continue;
    files.push({ path: rel, content });
    for (const candidates of localImports(abs, content, root)) {
      for (const candidate of candidates) {
        if (seen.has(candidate) || wanted.includes(candidate)) break;
        if ((await admit(candidate)) !== undefined && (await readFile(candidate)) !== undefined) {
          wanted.push(candidate);
          break;
        }
      }
    }
  }
  return files;
}

/** The project-relative path to send a file under, or undefined when it must not be read at all. */
export function admission(root: string, deny: readonly string[]): (abs: string) => Promise<string | undefined> {
  return async (abs) => {
    const rel = path.relative(root, abs);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    const named = checkRelativePath(rel, deny);
    if (!named.ok) return undefined;
    // Inside the folder by where it really is, and not a denied file behind a link (config.js -> .env).
    const where = await checkRealLocation(root, named.path, undefined, deny);
    if (!where.ok) return undefined;
    // A hard link shares its bytes with a file that may lie anywhere, and nothing tells where.
    const stat = await fs.promises.stat(where.realPath).catch(() => undefined);
    return stat?.isFile() && stat.nlink === 1 ? named.path : undefined;
  };
}

const JS_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '/index.ts', '/index.js'];

/** Where a file's local imports may live: one list of candidate paths per import, most likely first. */
export function localImports(file: string, content: string, root: string): string[][] {
  const dir = path.dirname(file);
  const out: string[][] = [];
  if (/\.[cm]?[jt]sx?$/.test(file)) {
    for (const m of content.matchAll(/(?:require\(\s*|import\s*\(\s*|from\s+|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const base = path.resolve(dir, m[1]);
      // `./x.js` in TypeScript ESM names `./x.ts`.
      out.push(path.extname(base) ? [base, base.replace(/\.[cm]?js$/, '.ts')] : JS_EXTENSIONS.map((ext) => base + ext));
    }
  } else if (file.endsWith('.py')) {
    for (const m of content.matchAll(/^\s*(?:from\s+(\.*[\w.]*)\s+import|import\s+([\w.]+))/gm)) {
      const name = m[1] ?? m[2];
      const dots = /^\.*/.exec(name)![0].length;
      const parts = name.slice(dots).split('.').filter(Boolean);
      const bases = dots ? [path.resolve(dir, ...Array(dots - 1).fill('..'))] : [root, path.join(root, 'src'), dir];
      out.push(bases.flatMap((b) => [path.join(b, ...parts) + '.py', path.join(b, ...parts, '__init__.py')]));
    }
  } else if (file.endsWith('_test.go')) {
    // A Go test sees its whole package: the folder's other .go files.
    try {
      for (const name of fs.readdirSync(dir).sort())
        if (name.endsWith('.go') && !name.endsWith('_test.go')) out.push([path.join(dir, name)]);
    } catch {
      // An unreadable folder adds nothing.
    }
  }
  // `../../x` and Python's relative imports can name files above the root: never candidates.
  return out.map((list) => list.filter((candidate) => isInside(root, candidate))).filter((list) => list.length > 0);
}
