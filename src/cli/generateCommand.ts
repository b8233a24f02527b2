import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createClient } from '../core/generation/clientFactory';
import { networkFromEnv } from '../core/generation/http';
import { apiKeyFromEnv, resolveBaseUrl, resolveModel, type EnvLike } from '../core/generation/clientConfig';
import { redactSecrets } from '../core/errors';
import { FsSink } from '../core/generation/fsSink';
import { generate, type GenerationReport } from '../core/generation/pipeline';
import { safeInline, safeJson } from '../core/terminalText';
import { formatCost, retiredNote } from '../core/generation/models';
import { DEFAULT_MODEL } from '../core/generation/prompt';
import { OVERWRITE_POLICIES, type OverwritePolicy } from '../core/generation/choices';
import type { OverwriteQuestion } from '../core/generation/sink';
import { choiceFlag, numberFlag, parseArgs, UsageError, type ParsedArgs } from './args';
import { GENERATE_HELP } from './help';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: EnvLike;
  /** True when a person is at the terminal (stdin and stderr are TTYs), so `--overwrite ask` can ask. */
  isTTY: boolean;
  /** Asks a question on the terminal and returns the answer line. */
  prompt?: (question: string) => Promise<string>;
  signal?: AbortSignal;
  /** Standard input, read whole (parse-output); the process's stdin when absent. */
  readStdin?: () => Promise<string>;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_TRUNCATED = 3;

/** `turbo generate CONTRACT_FILE --out DIR`: one generation into a folder on disk. */
export async function runGenerate(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, {
    boolean: ['json', 'quiet', 'q', 'help', 'h'],
    value: ['out', 'model', 'overwrite', 'max-tokens', 'max-continuations', 'idle-timeout'],
  });
  if (args.flags.has('help') || args.flags.has('h')) {
    io.stdout(GENERATE_HELP);
    return EXIT_OK;
  }
  const options = generateOptions(args, io.env);
  const apiKey = requireApiKey(io);
  if (!apiKey) return EXIT_FAILED;
  const contract = await readContract(options.contractFile, io);
  if (contract === undefined) return EXIT_FAILED;
  if (!options.quiet) warnIfRetired(io, options.model);
  const root = path.resolve(options.out);
  const { json, quiet } = options;
  const report = await generate({
    client: createClient({
      apiKey,
      baseUrl: options.baseUrl,
      warmConnection: false,
      ...networkFromEnv(io.env),
      idleTimeoutMs: options.idleTimeout * 1000,
    }),
    contract,
    model: options.model,
    maxCompletionTokens: options.maxTokens,
    maxContinuations: options.maxContinuations,
    sink: new FsSink(
      root,
      options.overwrite,
      io.isTTY && io.prompt && !json ? askOnTerminal(io, io.prompt) : undefined,
    ),
    signal: io.signal,
    onFile:
      quiet || json
        ? undefined
        : (f) => io.stdout(`  ${f.overwritten ? '~' : '+'} ${safeInline(f.path)} (${f.lines} lines)\n`),
    onNotice: quiet ? undefined : (message) => io.stderr(`turbo: ${safeInline(redactSecrets(message, apiKey))}\n`),
  });
  printOutcome(io, report, { root, json, quiet, apiKey });
  return exitCode(io, report, apiKey);
}

/** The flags of `turbo generate`, each checked; a wrong one is a UsageError or a config error naming it. */
function generateOptions(args: ParsedArgs, env: EnvLike) {
  const [contractFile, ...extra] = args.positionals;
  if (!contractFile) throw new UsageError('generate needs a CONTRACT_FILE');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  const out = args.flags.get('out');
  if (typeof out !== 'string' || !out) throw new UsageError('generate needs --out DIR');
  return {
    contractFile,
    out,
    overwrite: choiceFlag<OverwritePolicy>(args.flags, 'overwrite', OVERWRITE_POLICIES, 'ask'),
    maxTokens: numberFlag(args.flags, 'max-tokens', { min: 1, max: 1_000_000 }),
    maxContinuations: numberFlag(args.flags, 'max-continuations', { min: 0, max: 10 }),
    idleTimeout: numberFlag(args.flags, 'idle-timeout', { min: 1, max: 3600 }, 60),
    json: args.flags.has('json'),
    quiet: args.flags.has('quiet') || args.flags.has('q'),
    model: resolveModel(args.flags.get('model') as string | undefined, env, DEFAULT_MODEL),
    baseUrl: resolveBaseUrl(undefined, env),
  };
}

/** The key from CEREBRAS_API_KEY, or undefined after saying how to set it. */
export function requireApiKey(io: CliIO): string | undefined {
  const apiKey = apiKeyFromEnv(io.env);
  if (!apiKey)
    io.stderr('turbo: CEREBRAS_API_KEY is not set. Export your key (https://cloud.cerebras.ai) and run again.\n');
  return apiKey;
}

/** Says so when the model is one Cerebras retired: a key may still have it, but probably not for long. */
export function warnIfRetired(io: CliIO, model: string): void {
  const retired = retiredNote(model);
  if (retired) io.stderr(`turbo: ${model} was ${retired} (--model or CEREBRAS_MODEL).\n`);
}

/** The contract's text, or undefined after saying why it cannot be used. */
export async function readContract(file: string, io: CliIO): Promise<string | undefined> {
  let contract: string;
  try {
    contract = await fs.readFile(file, 'utf8');
  } catch (err) {
    io.stderr(`turbo: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    return undefined;
  }
  if (contract.trim()) return contract;
  io.stderr(`turbo: ${file} is empty; write a contract first.\n`);
  return undefined;
}

function printOutcome(
  io: CliIO,
  report: GenerationReport,
  { root, json, quiet, apiKey }: { root: string; json: boolean; quiet: boolean; apiKey: string },
): void {
  if (json) io.stdout(safeJson(toJson(report, apiKey)) + '\n');
  if (json || quiet) return;
  io.stdout(summary(report, root));
  for (const r of report.rejected) io.stderr(`turbo: not written: ${safeInline(r.path)} (${safeInline(r.reason)})\n`);
  for (const w of report.warnings) io.stderr(`turbo: warning: ${safeInline(w)}\n`);
}

function exitCode(io: CliIO, report: GenerationReport, apiKey: string): number {
  if (!report.error) return EXIT_OK;
  const line = redactSecrets(report.error.message, apiKey).replace(/\s*\n\s*/g, ' ');
  if (report.truncated) {
    io.stderr(`turbo: truncated: ${line}\n`);
    return EXIT_TRUNCATED;
  }
  // The engine's message names no front end; the flag to act on is the CLI's own.
  const hint = report.error.kind === 'model_unavailable' ? ' Choose one with --model.' : '';
  io.stderr(`turbo: ${line}${hint}\n`);
  return EXIT_FAILED;
}

export function askOnTerminal(io: CliIO, prompt: NonNullable<CliIO['prompt']>): OverwriteQuestion {
  return async (existing) => {
    io.stderr(
      `${existing.length === 1 ? 'This generated file already exists' : `These ${existing.length} generated files already exist`}:\n${existing.map((p) => `  ${safeInline(p)}`).join('\n')}\n`,
    );
    const answer = (await prompt('Overwrite them? [y]es / [n]o, skip them / [d]iscard the whole generation: '))
      .trim()
      .toLowerCase();
    return answer.startsWith('y') ? 'overwrite' : answer.startsWith('d') ? 'discard' : 'skip';
  };
}

function summary(report: GenerationReport, root: string): string {
  const lines = report.files.reduce((n, f) => n + f.lines, 0);
  const tokens = report.usage?.completion_tokens;
  return (
    `${report.files.length} file${report.files.length === 1 ? '' : 's'}, ${lines} lines written to ${root}` +
    `${tokens !== undefined ? `, ${tokens} tokens` : ''} in ${(report.durationMs / 1000).toFixed(2)} s (${report.model}, ${formatCost(report.costUsd)})\n`
  );
}

export function toJson(report: GenerationReport, apiKey?: string) {
  return {
    files: report.files.map(({ path: p, lines, bytes }) => ({ path: p, lines, bytes })),
    rejected: report.rejected,
    unfinished: report.unfinished,
    warnings: report.warnings,
    continuations: report.continuations,
    finish_reason: report.finishReason ?? null,
    truncated: report.truncated,
    usage: report.usage
      ? { prompt_tokens: report.usage.prompt_tokens, completion_tokens: report.usage.completion_tokens }
      : null,
    duration_ms: report.durationMs,
    model: report.model,
    cost_usd: report.costUsd ?? null,
    ...(report.error
      ? { error: { kind: report.error.kind, message: redactSecrets(report.error.message, apiKey) } }
      : {}),
  };
}
