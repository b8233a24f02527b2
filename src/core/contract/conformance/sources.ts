/**
 * The source files a conformance check reads: Python, TypeScript/JavaScript and Go under the folder,
 * without tests (they are not the implementation), dependencies, build output, hidden folders and
 * symbolic links (a link may lead outside the folder). Bounded: a hostile folder cannot make it read
 * without end.
 */
import { constants, type Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { TurboError } from '../../errors';
import { grammarFor, type GrammarName } from './grammars';

export interface SourceFile {
  /** Relative to the folder, `/`-separated. */
  rel: string;
  grammar: GrammarName;
  text: string;
}

export interface Skipped {
  rel: string;
  why: string;
}

export interface Sources {
  files: SourceFile[];
  /** go.mod files by folder (relative, '' for the root): module path → folder, for Go imports. */
  goModules: { module: string; dir: string }[];
  /** Source files (and folders) left out by the limits: what they declare is not known. */
  skipped: Skipped[];
}

const SKIP_DIRS = new Set([
  'node_modules',
  'vendor',
  'venv',
  'env',
  '__pycache__',
  'site-packages',
  'dist',
  'build',
  'out',
  'target',
  'coverage',
  'tests',
  'test',
  '__tests__',
  'spec',
  'testdata',
]);
export const MAX_FILES = 5000;
export const MAX_FILE_BYTES = 1024 * 1024;
const MAX_DEPTH = 32;
const READ_BATCH = 64;
const MAX_GO_MODS = 50;
const MAX_GO_MOD_BYTES = 64 * 1024;

/** Test files by the runners' own conventions: pytest, jest/vitest/mocha, Go. */
export function looksLikeTest(rel: string): boolean {
  const base = path.posix.basename(rel);
  return (
    /^test_.*\.py$/.test(base) ||
    /_test\.(py|go)$/.test(base) ||
    base === 'conftest.py' ||
    /\.(test|spec)\.[cm]?[jt]sx?$/.test(base)
  );
}

export async function readSources(folder: string, signal?: AbortSignal): Promise<Sources> {
  const found: { rel: string; grammar: GrammarName }[] = [];
  const goMods: string[] = [];
  const skipped: Skipped[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (signal?.aborted) throw new TurboError('cancelled', 'Cancelled.');
    let entries: Dirent[];
    try {
      entries = await fs.readdir(path.join(folder, dir), { withFileTypes: true });
    } catch {
      if (dir) skipped.push({ rel: dir, why: 'unreadable' });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory() || entry.isSymbolicLink()) {
        const wanted = !entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name);
        const source = entry.isDirectory() || grammarFor(entry.name) !== undefined;
        // A link may lead out of the folder: never followed, but what it might hold is not called missing.
        if (entry.isSymbolicLink()) {
          if (wanted && source && !looksLikeTest(rel)) skipped.push({ rel, why: 'a symbolic link, not followed' });
        } else if (wanted && depth >= MAX_DEPTH) skipped.push({ rel, why: `deeper than ${MAX_DEPTH} folders` });
        else if (wanted) await walk(rel, depth + 1);
      } else if (entry.isFile()) {
        if (entry.name === 'go.mod') goMods.push(rel);
        const grammar = grammarFor(entry.name);
        if (!grammar || looksLikeTest(rel)) continue;
        if (found.length >= MAX_FILES) skipped.push({ rel, why: `over the ${MAX_FILES}-file limit` });
        else found.push({ rel, grammar });
      }
    }
  };
  await walk('', 0);
  const files: SourceFile[] = [];
  // In batches: thousands of reads at once could run out of file descriptors.
  for (let i = 0; i < found.length; i += READ_BATCH) {
    const batch = await Promise.all(found.slice(i, i + READ_BATCH).map((f) => readSource(folder, f)));
    batch.forEach((read, j) => {
      if ('text' in read) files.push(read);
      else skipped.push({ rel: found[i + j].rel, why: read.why });
    });
  }
  return { files, goModules: await readGoModules(folder, goMods.slice(0, MAX_GO_MODS)), skipped };
}

/** A source file, opened without following a link (it was a plain file when listed; it may not be now). */
async function readSource(
  folder: string,
  f: { rel: string; grammar: GrammarName },
): Promise<SourceFile | { why: string }> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(path.join(folder, f.rel), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    const stat = await handle.stat();
    if (!stat.isFile()) return { why: 'not a plain file' };
    if (stat.size > MAX_FILE_BYTES) return { why: 'over 1 MB' };
    const text = await handle.readFile('utf8');
    return text.includes('\0') ? { why: 'not text' } : { ...f, text };
  } catch {
    return { why: 'unreadable' };
  } finally {
    await handle?.close();
  }
}

async function readGoModules(folder: string, mods: string[]): Promise<{ module: string; dir: string }[]> {
  const out: { module: string; dir: string }[] = [];
  for (const rel of mods) {
    const abs = path.join(folder, rel);
    // A go.mod is a few lines: a huge (or sparse) one is not read into memory.
    if (((await fs.lstat(abs).catch(() => undefined))?.size ?? Infinity) > MAX_GO_MOD_BYTES) continue;
    const text = await fs.readFile(abs, 'utf8').catch(() => '');
    // go.mod is not source code: its `module` directive is one line.
    const m = /^\s*module\s+"?([^\s"]+)"?/m.exec(text);
    if (m) out.push({ module: m[1], dir: path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel) });
  }
  return out;
}
