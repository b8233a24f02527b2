import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { CerebrasClient } from '../core/client';
import { networkFromEnv } from '../core/http';
import { resolveBaseUrl, type EnvLike } from '../core/config';
import { redactSecrets } from '../core/errors';
import { FsSink } from '../core/fsSink';
import { generate, type GenerationReport } from '../core/pipeline';
import { formatCost } from '../core/models';
import { DEFAULT_MODEL } from '../core/prompt';
import type { OverwritePolicy, OverwriteQuestion } from '../core/sink';
import { parseArgs, UsageError } from './args';
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

export async function runGenerate(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json', 'quiet', 'q', 'help', 'h'], value: ['out', 'model', 'overwrite', 'max-tokens', 'max-continuations', 'idle-timeout'] });
  if (args.flags.has('help') || args.flags.has('h')) {
    io.stdout(GENERATE_HELP);
    return EXIT_OK;
  }
  const [contractFile, ...extra] = args.positionals;
  if (!contractFile) throw new UsageError('generate needs a CONTRACT_FILE');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  const out = args.flags.get('out');
  if (typeof out !== 'string' || !out) throw new UsageError('generate needs --out DIR');
  const overwrite = (args.flags.get('overwrite') ?? 'ask') as string;
  if (overwrite !== 'ask' && overwrite !== 'always' && overwrite !== 'never') throw new UsageError('--overwrite takes ask, always or never');
  const maxTokensFlag = args.flags.get('max-tokens');
  const maxTokens = maxTokensFlag === undefined ? undefined : Number(maxTokensFlag);
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) throw new UsageError('--max-tokens takes a positive whole number');
  const maxContinuations = wholeNumber(args.flags.get('max-continuations'), '--max-continuations', 0);
  const idleTimeout = wholeNumber(args.flags.get('idle-timeout'), '--idle-timeout', 1);
  const json = args.flags.has('json');
  const quiet = args.flags.has('quiet') || args.flags.has('q');
  const model = (args.flags.get('model') as string | undefined) || io.env.CEREBRAS_MODEL || DEFAULT_MODEL;

  const apiKey = io.env.CEREBRAS_API_KEY?.trim();
  if (!apiKey) {
    io.stderr('turbo: CEREBRAS_API_KEY is not set. Export your key (https://cloud.cerebras.ai) and run again.\n');
    return EXIT_FAILED;
  }
  let contract: string;
  try {
    contract = await fs.readFile(contractFile, 'utf8');
  } catch (err) {
    io.stderr(`turbo: cannot read ${contractFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    return EXIT_FAILED;
  }
  if (!contract.trim()) {
    io.stderr(`turbo: ${contractFile} is empty; write a contract first.\n`);
    return EXIT_FAILED;
  }

  const client = new CerebrasClient({
    apiKey,
    baseUrl: resolveBaseUrl(undefined, io.env),
    warmConnection: false,
    ...networkFromEnv(io.env),
    idleTimeoutMs: (idleTimeout ?? 60) * 1000,
  });
  const root = path.resolve(out);
  const showFiles = !quiet && !json;
  const report = await generate({
    client,
    contract,
    model,
    maxCompletionTokens: maxTokens,
    maxContinuations,
    sink: new FsSink(root, overwrite as OverwritePolicy, io.isTTY && io.prompt && !json ? askOnTerminal(io, io.prompt) : undefined),
    signal: io.signal,
    onFile: showFiles ? (f) => io.stdout(`  ${f.overwritten ? '~' : '+'} ${f.path} (${f.lines} lines)\n`) : undefined,
    onNotice: quiet ? undefined : (message) => io.stderr(`turbo: ${redactSecrets(message, apiKey)}\n`),
  });

  if (json) io.stdout(JSON.stringify(toJson(report, apiKey)) + '\n');
  else if (!quiet) io.stdout(summary(report, root));
  if (!json && !quiet) {
    for (const r of report.rejected) io.stderr(`turbo: not written: ${r.path} (${r.reason})\n`);
    for (const w of report.warnings) io.stderr(`turbo: warning: ${w}\n`);
  }

  if (report.error) {
    const line = redactSecrets(report.error.message, apiKey).replace(/\s*\n\s*/g, ' ');
    if (report.truncated) {
      io.stderr(`turbo: truncated: ${line}\n`);
      return EXIT_TRUNCATED;
    }
    io.stderr(`turbo: ${line}\n`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

function askOnTerminal(io: CliIO, prompt: NonNullable<CliIO['prompt']>): OverwriteQuestion {
  return async (existing) => {
    io.stderr(`These ${existing.length} generated file(s) already exist:\n${existing.map((p) => `  ${p}`).join('\n')}\n`);
    const answer = (await prompt('Overwrite them? [y]es / [n]o, skip them / [d]iscard the whole generation: ')).trim().toLowerCase();
    return answer.startsWith('y') ? 'overwrite' : answer.startsWith('d') ? 'discard' : 'skip';
  };
}

function wholeNumber(value: string | true | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} takes a whole number of at least ${min}`);
  return n;
}

function summary(report: GenerationReport, root: string): string {
  const lines = report.files.reduce((n, f) => n + f.lines, 0);
  const tokens = report.usage?.completion_tokens;
  return `${report.files.length} file${report.files.length === 1 ? '' : 's'}, ${lines} lines written to ${root}` +
    `${tokens !== undefined ? `, ${tokens} tokens` : ''} in ${(report.durationMs / 1000).toFixed(2)} s (${report.model}, ${formatCost(report.costUsd)})\n`;
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
    usage: report.usage ? { prompt_tokens: report.usage.prompt_tokens, completion_tokens: report.usage.completion_tokens } : null,
    duration_ms: report.durationMs,
    model: report.model,
    cost_usd: report.costUsd ?? null,
    ...(report.error ? { error: { kind: report.error.kind, message: redactSecrets(report.error.message, apiKey) } } : {}),
  };
}
