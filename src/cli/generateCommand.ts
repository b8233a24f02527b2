import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { CerebrasClient } from '../core/generation/client';
import { networkFromEnv } from '../core/generation/http';
import { resolveBaseUrl, resolveModel, type EnvLike } from '../core/config';
import { redactSecrets } from '../core/errors';
import { FsSink } from '../core/generation/fsSink';
import { generate, type GenerationReport } from '../core/generation/pipeline';
import { safeInline, safeJson } from '../core/terminalText';
import { formatCost } from '../core/generation/models';
import { DEFAULT_MODEL } from '../core/generation/prompt';
import type { OverwritePolicy, OverwriteQuestion } from '../core/generation/sink';
import { choiceFlag, numberFlag, parseArgs, UsageError } from './args';
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
  const args = parseArgs(argv, {
    boolean: ['json', 'quiet', 'q', 'help', 'h'],
    value: ['out', 'model', 'overwrite', 'max-tokens', 'max-continuations', 'idle-timeout'],
  });
  if (args.flags.has('help') || args.flags.has('h')) {
    io.stdout(GENERATE_HELP);
    return EXIT_OK;
  }
  const [contractFile, ...extra] = args.positionals;
  if (!contractFile) throw new UsageError('generate needs a CONTRACT_FILE');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  const out = args.flags.get('out');
  if (typeof out !== 'string' || !out) throw new UsageError('generate needs --out DIR');
  const overwrite = choiceFlag<OverwritePolicy>(args.flags, 'overwrite', ['ask', 'always', 'never'], 'ask');
  const maxTokens = numberFlag(args.flags, 'max-tokens', { min: 1, max: 1_000_000 });
  const maxContinuations = numberFlag(args.flags, 'max-continuations', { min: 0, max: 10 });
  const idleTimeout = numberFlag(args.flags, 'idle-timeout', { min: 1, max: 3600 }, 60);
  const json = args.flags.has('json');
  const quiet = args.flags.has('quiet') || args.flags.has('q');
  const model = resolveModel(args.flags.get('model') as string | undefined, io.env, DEFAULT_MODEL);
  const baseUrl = resolveBaseUrl(undefined, io.env);

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
    baseUrl,
    warmConnection: false,
    ...networkFromEnv(io.env),
    idleTimeoutMs: idleTimeout * 1000,
  });
  const root = path.resolve(out);
  const showFiles = !quiet && !json;
  const report = await generate({
    client,
    contract,
    model,
    maxCompletionTokens: maxTokens,
    maxContinuations,
    sink: new FsSink(root, overwrite, io.isTTY && io.prompt && !json ? askOnTerminal(io, io.prompt) : undefined),
    signal: io.signal,
    onFile: showFiles
      ? (f) => io.stdout(`  ${f.overwritten ? '~' : '+'} ${safeInline(f.path)} (${f.lines} lines)\n`)
      : undefined,
    onNotice: quiet ? undefined : (message) => io.stderr(`turbo: ${safeInline(redactSecrets(message, apiKey))}\n`),
  });

  if (json) io.stdout(safeJson(toJson(report, apiKey)) + '\n');
  else if (!quiet) io.stdout(summary(report, root));
  if (!json && !quiet) {
    for (const r of report.rejected) io.stderr(`turbo: not written: ${safeInline(r.path)} (${safeInline(r.reason)})\n`);
    for (const w of report.warnings) io.stderr(`turbo: warning: ${safeInline(w)}\n`);
  }

  if (report.error) {
    const line = redactSecrets(report.error.message, apiKey).replace(/\s*\n\s*/g, ' ');
    if (report.truncated) {
      io.stderr(`turbo: truncated: ${line}\n`);
      return EXIT_TRUNCATED;
    }
    // The engine's message names no face; the flag to act on is the CLI's own.
    const hint = report.error.kind === 'model_unavailable' ? ' Choose one with --model.' : '';
    io.stderr(`turbo: ${line}${hint}\n`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

function askOnTerminal(io: CliIO, prompt: NonNullable<CliIO['prompt']>): OverwriteQuestion {
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
