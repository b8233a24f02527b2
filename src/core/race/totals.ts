import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Usage } from '../generation/modelClient';
import type { CandidateResult, RaceOptions } from './types';

/** Summed over the candidates that reported usage; undefined when none did. */
export function sumUsage(candidates: readonly CandidateResult[]): Usage | undefined {
  let total: Usage | undefined;
  for (const c of candidates) {
    if (!c.usage) continue;
    total ??= { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    total.prompt_tokens += c.usage.prompt_tokens;
    total.completion_tokens += c.usage.completion_tokens;
    total.total_tokens += c.usage.total_tokens;
  }
  return total;
}

/** Dollars over the candidates Turbo has a price for; undefined when it has none. */
export function sumCost(candidates: readonly CandidateResult[]): number | undefined {
  return candidates.reduce<number | undefined>(
    (sum, c) => (c.costUsd === undefined ? sum : (sum ?? 0) + c.costUsd),
    undefined,
  );
}

/** The folder's text at every path any candidate wrote, just before the winner lands (null: no file). */
export async function readOriginals(
  options: Pick<RaceOptions, 'folder' | 'readFile'>,
  candidates: readonly CandidateResult[],
): Promise<Record<string, string | null>> {
  const read =
    options.readFile ??
    ((abs: string) =>
      fs.readFile(abs, 'utf8').then(
        (t) => t,
        () => undefined,
      ));
  const paths = [...new Set(candidates.flatMap((c) => c.files.map((f) => f.path)))];
  const original: Record<string, string | null> = {};
  for (const rel of paths) original[rel] = (await read(path.join(options.folder, rel))) ?? null;
  return original;
}
