/**
 * tree-sitter through web-tree-sitter: WebAssembly, no native build. The runtime and the grammars are
 * loaded once, on the first check (about 50 ms), never on activation. The bundles carry the `.wasm`
 * files listed in grammars.json in `dist/grammars/` (esbuild.mjs copies them); from source they come from node_modules.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Language, Parser } from 'web-tree-sitter';
import wasmFiles from './grammars.json';
import type { CodeLanguage } from './types';

/** Which grammar reads a file: `.tsx`/`.jsx` need the TSX grammar; JavaScript reads as TypeScript. */
export type GrammarName = 'python' | 'typescript' | 'tsx' | 'go';

const WASM: Record<GrammarName | 'runtime', { pkg: string; file: string }> = wasmFiles;

export const GRAMMAR_LANGUAGE: Record<GrammarName, CodeLanguage> = {
  python: 'python',
  typescript: 'typescript',
  tsx: 'typescript',
  go: 'go',
};

export interface Grammars {
  parser(grammar: GrammarName): Parser;
}

let loading: Promise<Grammars> | undefined;

/** The parsers, loaded on first use and shared after. */
export function loadGrammars(): Promise<Grammars> {
  loading ??= load().catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

function wasmPath(entry: { pkg: string; file: string }): string {
  // In a bundle, __dirname is dist/ and the files sit in dist/grammars/.
  const bundled = path.join(__dirname, 'grammars', entry.file);
  if (existsSync(bundled)) return bundled;
  return require.resolve(`${entry.pkg}/${entry.file}`);
}

async function load(): Promise<Grammars> {
  // require, not import(): esbuild would pick the package's ES module build, which needs import.meta.url.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Parser, Language } = require('web-tree-sitter') as typeof import('web-tree-sitter');
  await Parser.init({ locateFile: () => wasmPath(WASM.runtime) });
  const names = ['python', 'typescript', 'tsx', 'go'] as const;
  const languages = await Promise.all(names.map((n) => Language.load(wasmPath(WASM[n]))));
  const parsers = new Map<GrammarName, Parser>();
  names.forEach((name, i) => {
    const parser = new Parser();
    parser.setLanguage(languages[i] as Language);
    parsers.set(name, parser);
  });
  return { parser: (grammar) => parsers.get(grammar) as Parser };
}

/** The grammar for a file name, or undefined for a file the check does not read. */
export function grammarFor(file: string): GrammarName | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.py') return 'python';
  if (ext === '.go') return 'go';
  if (ext === '.tsx' || ext === '.jsx') return 'tsx';
  if (['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].includes(ext))
    return file.endsWith('.d.ts') ? undefined : 'typescript';
  return undefined;
}
