import * as path from 'node:path';
import { TurboError } from '../../errors';
import type { ChatRequest } from '../../generation/modelClient';
import { DEFAULT_DENY } from '../../generation/pathGuard';
import type { PromptOptions } from '../../generation/prompt';
import { editRequest, editSystemPrompt, filesSection } from '../../testing/fix';
import { admission, MAX_FILE_BYTES, MAX_FILES } from '../../testing/fixFiles';
import { requestEdits, type FixAttempt, type FixContext } from '../../testing/loop';
import { clauseMessage, unmetClauses } from './clauses';
import { readSources } from './sources';
import type { Clause, ConformanceReport } from './types';

/**
 * The follow-up request for the clauses the check found unmet: it names each clause with what the
 * check saw, sends the contract and the files involved, and takes SEARCH/REPLACE edits through the
 * same engine as a test fix (planned against the current files, applied whole or not at all).
 */

export const CONFORMANCE_SYSTEM_PROMPT = editSystemPrompt(
  'You make generated code meet its contract with the smallest possible change to the code.',
  [
    'The contract is the source of truth. Add or correct exactly the models, fields and routes listed as unmet, with the names, types, methods and paths the contract declares.',
    'Keep edits small: leave what already meets the contract as it is. Do not rename, reformat or rewrite files.',
  ],
);

export interface ConformanceFixInput {
  /** The contract the report was checked against (sent whole: it is the source of truth). */
  contract: string;
  report: ConformanceReport;
  /**
   * The project's source files (relative, `/`-separated), sent when some unmet clause has no file
   * of its own nor of its kind to go in (a missing route in a project where no route was found).
   * By default the files the check reads.
   */
  sources?: readonly string[];
}

/** Asks the model for edits that meet every unmet clause, and applies them whole or not at all. */
export async function fixConformance(ctx: FixContext, input: ConformanceFixInput): Promise<FixAttempt> {
  const unmet = unmetClauses(input.report);
  if (unmet.length === 0)
    throw new TurboError('format', 'Every clause Turbo can check is met: there is nothing to fix.');
  const sources = input.sources ?? (await readSources(ctx.root, ctx.signal)).files.map((f) => f.rel);
  const files = await conformanceFiles(ctx.root, input.report, ctx.readFile, ctx.deny ?? DEFAULT_DENY, sources);
  if (files.length === 0)
    throw new TurboError(
      'format',
      'None of the files the unmet clauses concern is a readable file in the folder, so there is nothing to send for a fix. Generate from the contract again.',
    );
  return requestEdits(ctx, buildConformanceRequest(ctx, input.contract, unmet, files));
}

export function buildConformanceRequest(
  options: PromptOptions,
  contract: string,
  unmet: Clause[],
  files: { path: string; content: string }[],
): ChatRequest {
  const clauses = unmet.map((c) => `- contract line ${c.contractLine}: ${c.kind} ${clauseMessage(c)}`).join('\n');
  const user = [
    `## Contract\n\n${contract.trim()}`,
    `## Unmet clauses\n\nTurbo read the code with a parser and compared it with the contract. These clauses are not met:\n\n${clauses}`,
    filesSection(files),
  ].join('\n\n');
  return editRequest(options, CONFORMANCE_SYSTEM_PROMPT, user);
}

/**
 * The files a conformance fix shows the model: each unmet clause's own file, else where it belongs
 * (a field's model; the files holding the clauses of its kind that are met), else the project's
 * sources. Admitted and capped like a test fix's files: inside the folder by their real location,
 * allowed by the deny list, at most MAX_FILES of at most MAX_FILE_BYTES each.
 */
export async function conformanceFiles(
  root: string,
  report: Pick<ConformanceReport, 'clauses'>,
  readFile: (absPath: string) => Promise<string | undefined>,
  deny: readonly string[] = DEFAULT_DENY,
  sources: readonly string[] = [],
): Promise<{ path: string; content: string }[]> {
  const admit = admission(root, deny);
  const files: { path: string; content: string }[] = [];
  for (const rel of wantedFiles(report, sources)) {
    if (files.length >= MAX_FILES) break;
    const abs = path.join(root, ...rel.split('/'));
    const shown = await admit(abs);
    if (shown === undefined) continue;
    const content = await readFile(abs);
    if (content === undefined || content.length > MAX_FILE_BYTES) continue;
    files.push({ path: shown.split(path.sep).join('/'), content });
  }
  return files;
}

function wantedFiles(report: Pick<ConformanceReport, 'clauses'>, sources: readonly string[]): string[] {
  const wanted = new Set<string>();
  let placed = true;
  for (const clause of unmetClauses(report)) {
    const near = clause.file ? [clause.file] : relatedFiles(report.clauses, clause);
    near.forEach((f) => wanted.add(f));
    if (near.length === 0) placed = false;
  }
  if (!placed) sources.forEach((f) => wanted.add(f));
  return [...wanted];
}

/** Where a clause the code lacks belongs: its model's file for a field, else beside the met clauses of its kind. */
function relatedFiles(clauses: Clause[], clause: Clause): string[] {
  if (clause.kind === 'field') {
    const owner = clause.name.slice(0, clause.name.indexOf('.'));
    const model = clauses.find((c) => c.kind === 'model' && c.name === owner && c.file);
    if (model?.file) return [model.file];
  }
  const family = clause.kind === 'route' ? ['route'] : ['model', 'field'];
  return [...new Set(clauses.filter((c) => family.includes(c.kind) && c.file).map((c) => c.file!))];
}
