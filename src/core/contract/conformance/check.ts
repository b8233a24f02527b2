/**
 * `checkConformance`: the contract's models, fields and routes against the code in a folder, read with
 * tree-sitter, in milliseconds and without a model. See judge.ts for how each clause is decided.
 */
import * as path from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { TurboError } from '../../errors';
import { parseContract, type ContractDoc } from '../language';
import { EXTRACTORS } from './extractors';
import { GRAMMAR_LANGUAGE, loadGrammars, type Grammars } from './grammars';
import { judge } from './judge';
import { resolveRoutes } from './routes';
import { readSources, type SourceFile } from './sources';
import type { CodeLanguage, ConformanceReport, FileFacts } from './types';

export interface CheckOptions {
  signal?: AbortSignal;
}

/** Files parsed between two turns of the event loop: a large project does not freeze the editor. */
const YIELD_EVERY = 25;

export async function checkConformance(
  contract: string | ContractDoc,
  folder: string,
  options: CheckOptions = {},
): Promise<ConformanceReport> {
  const started = performance.now();
  const doc = typeof contract === 'string' ? parseContract(contract) : contract;
  const sources = await readSources(folder, options.signal);
  const extracted = await extractAll(sources.files, options.signal);
  const { facts } = extracted;
  const unread = [...sources.skipped.map((s) => `${s.rel} (${s.why})`), ...extracted.unread];
  const frameworks = new Set(facts.flatMap((f) => f.frameworks));
  const clauses = judge(doc, {
    facts,
    routes: resolveRoutes(facts, sources.goModules),
    frameworks,
    folderName: path.basename(folder) || folder,
    unread,
  });
  return {
    clauses,
    met: clauses.filter((c) => c.status === 'met').length,
    total: clauses.length,
    filesRead: facts.length,
    languages: [...new Set(facts.map((f) => f.language))].sort() as CodeLanguage[],
    frameworks: [...frameworks].sort(),
    durationMs: Math.round(performance.now() - started),
  };
}

async function extractAll(
  files: SourceFile[],
  signal: AbortSignal | undefined,
): Promise<{ facts: FileFacts[]; unread: string[] }> {
  const readable = files.filter((f) => EXTRACTORS[GRAMMAR_LANGUAGE[f.grammar]]);
  const facts: FileFacts[] = [];
  const unread: string[] = [];
  if (readable.length === 0) return { facts, unread };
  const grammars = await loadGrammars();
  for (let i = 0; i < readable.length; i++) {
    if (i > 0 && i % YIELD_EVERY === 0) await setImmediate();
    if (signal?.aborted) throw new TurboError('cancelled', 'Cancelled.');
    const found = extractFile(grammars, readable[i]);
    if (found) facts.push(found);
    else unread.push(readable[i].rel);
  }
  return { facts, unread };
}

/** One file's facts; undefined when its extractor fails on it (the check then calls nothing missing). */
export function extractFile(grammars: Grammars, source: SourceFile): FileFacts | undefined {
  const extract = EXTRACTORS[GRAMMAR_LANGUAGE[source.grammar]];
  const tree = extract ? grammars.parser(source.grammar).parse(source.text) : null;
  if (!extract || !tree) return undefined;
  try {
    return extract(tree.rootNode, source.rel);
  } catch {
    return undefined;
  } finally {
    tree.delete();
  }
}
