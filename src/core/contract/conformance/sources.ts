/**
 * The source files a conformance check reads: Python, TypeScript/JavaScript and Go under the folder,
 * without tests (they are not the implementation), dependencies, build output, hidden folders and
 * symbolic links (a link may lead outside the folder). Bounded: a hostile folder cannot make it read
 * without end.
 */
import type { Dirent } from 'node:fs';
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

export interface Sources {
  files: SourceFile[];
  /** go.mod files by folder (relative, '' for the root): module path → folder, for Go imports. */
  goModules: { module: string; dir: string }[];
  /** Files left out because of the limits, for the report. */
  skipped: number;
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
  let skipped = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (signal?.aborted) throw new TurboError('cancelled', 'Cancelled.');
    let entries: Dirent[];
    try {
      entries = await fs.readdir(path.join(folder, dir), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH && !entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name)) await walk(rel, depth + 1);
      } else if (entry.isFile()) {
        if (entry.name === 'go.mod') goMods.push(rel);
        const grammar = grammarFor(entry.name);
        if (!grammar || looksLikeTest(rel)) continue;
        if (found.length >= MAX_FILES) skipped++;
        else found.push({ rel, grammar });
      }
    }
  };
  await walk('', 0);
  const files: SourceFile[] = [];
  // In batches: thousands of reads at once could run out of file descriptors.
  for (let i = 0; i < found.length; i += READ_BATCH) {
    const batch = await Promise.all(found.slice(i, i + READ_BATCH).map((f) => readSource(folder, f)));
    for (const f of batch) if (f) files.push(f);
  }
  skipped += found.length - files.length;
  return { files, goModules: await readGoModules(folder, goMods), skipped };
}

async function readSource(folder: string, f: { rel: string; grammar: GrammarName }): Promise<SourceFile | undefined> {
  try {
    const abs = path.join(folder, f.rel);
    const stat = await fs.stat(abs);
    if (stat.size > MAX_FILE_BYTES) return undefined;
    const text = await fs.readFile(abs, 'utf8');
    return text.includes('\0') ? undefined : { ...f, text };
  } catch {
    return undefined;
  }
}

async function readGoModules(folder: string, mods: string[]): Promise<{ module: string; dir: string }[]> {
  const out: { module: string; dir: string }[] = [];
  for (const rel of mods) {
    const text = await fs.readFile(path.join(folder, rel), 'utf8').catch(() => '');
    // go.mod is not source code: its `module` directive is one line.
    const m = /^\s*module\s+"?([^\s"]+)"?/m.exec(text);
    if (m) out.push({ module: m[1], dir: path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel) });
  }
  return out;
}
