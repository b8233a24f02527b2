import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createClient } from '../core/generation/clientFactory';
import { networkFromEnv } from '../core/generation/http';
import { apiKeyFromEnv, resolveBaseUrl, resolveModel } from '../core/generation/clientConfig';
import { redactSecrets, TurboError } from '../core/errors';
import { applyChangesOnDisk, readTextFile } from '../core/testing/fixOnDisk';
import { formatCost } from '../core/generation/models';
import { DEFAULT_MODEL } from '../core/generation/prompt';
import { safeInline, safeJson, safeStream } from '../core/terminalText';
import { detectTestCommand } from '../core/testing/detect';
import { countsText, diagnosticsJson, diagnosticsText, OUTCOME_TEXT, testJson } from '../core/testing/report';
import { envDenyFromEnv } from '../core/testing/env';
import { protectionFor } from '../core/testing/protectedTests';
import { checkDenyPatterns } from '../core/generation/denyGlobs';
import {
  fixUntilGreen,
  runTests,
  type FixLoopOptions,
  type FixLoopReport,
  type TestReport,
} from '../core/testing/loop';
import { parseTestOutput, RUNNER_NAMES, type RunnerName } from '../core/testing/parsers';
import { choiceFlag, numberFlag, parseArgs, UsageError, type ParsedArgs } from './args';
import { EXIT_FAILED, EXIT_OK, requireApiKey, warnIfRetired, type CliIO } from './generateCommand';
import { FIX_HELP, PARSE_OUTPUT_HELP, TEST_HELP } from './help';

function wantsHelp(flags: Map<string, string | true>, io: CliIO, text: string): boolean {
  if (!flags.has('help') && !flags.has('h')) return false;
  io.stdout(text);
  return true;
}

async function folder(flag: string | true | undefined): Promise<string> {
  const cwd = path.resolve(typeof flag === 'string' ? flag : '.');
  const stat = await fs.stat(cwd).catch(() => undefined);
  if (!stat?.isDirectory()) throw new UsageError(`--cwd ${cwd} is not a folder`);
  return cwd;
}

async function commandFor(cwd: string, flag: string | true | undefined, io: CliIO, quiet: boolean): Promise<string> {
  if (typeof flag === 'string' && flag.trim()) return flag;
  const detected = await detectTestCommand(cwd);
  if (!detected)
    throw new UsageError(
      `no test command found in ${cwd} (no package.json test script, pytest config, go.mod or Cargo.toml); pass --cmd "..."`,
    );
  if (!quiet) io.stderr(`turbo: running "${safeInline(detected.command)}" (${detected.reason})\n`);
  return detected.command;
}

/** Seconds, up to a day: the runner's timer can hold it, and a longer test run is a mistake. */
function timeoutFlag(flags: Map<string, string | true>): number {
  return numberFlag(flags, 'timeout', { min: 1, max: 86_400, integer: false }, 300) * 1000;
}

function runnerFlag(flags: Map<string, string | true>): RunnerName | 'auto' {
  return choiceFlag<RunnerName | 'auto'>(flags, 'runner', ['auto', ...RUNNER_NAMES], 'auto');
}

function printReport(io: CliIO, report: TestReport): void {
  io.stdout(diagnosticsText(report.cwd, report.failures));
  const why = report.timedOut
    ? ' — timed out'
    : report.cancelled
      ? ' — cancelled'
      : !report.green && report.failures.length === 0
        ? ` — exit code ${report.exitCode}; no failure could be located in the output`
        : '';
  io.stdout(`${countsText(report)} in ${(report.durationMs / 1000).toFixed(1)} s${why}\n`);
}

/** `turbo test`: runs the folder's tests and prints the failures as diagnostics. */
export async function runTestCli(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, {
    boolean: ['json', 'quiet', 'q', 'help', 'h'],
    value: ['cwd', 'cmd', 'runner', 'timeout'],
  });
  if (wantsHelp(args.flags, io, TEST_HELP)) return EXIT_OK;
  if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const json = args.flags.has('json');
  const quiet = json || args.flags.has('quiet') || args.flags.has('q');
  const runner = runnerFlag(args.flags);
  const timeoutMs = timeoutFlag(args.flags);
  const denyEnv = envDenyFromEnv(io.env);
  const cwd = await folder(args.flags.get('cwd'));
  const report = await runTests({
    cwd,
    command: await commandFor(cwd, args.flags.get('cmd'), io, quiet),
    runner,
    timeoutMs,
    signal: io.signal,
    onOutput: quiet ? undefined : (t) => io.stderr(safeStream(t)),
    // The command never sees the key (it is removed from its environment); this redacts it should it print it anyway.
    secrets: [apiKeyFromEnv(io.env)],
    denyEnv,
  });
  if (json) io.stdout(safeJson(testJson(report)) + '\n');
  else printReport(io, report);
  return report.green ? EXIT_OK : EXIT_FAILED;
}

/** `turbo parse-output`: reads captured output (stdin or a file) or a JUnit XML report. */
export async function runParseOutputCli(argv: string[], io: CliIO, readStdin: () => Promise<string>): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json', 'help', 'h'], value: ['cwd', 'runner', 'junit'] });
  if (wantsHelp(args.flags, io, PARSE_OUTPUT_HELP)) return EXIT_OK;
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument ${args.positionals[1]}`);
  const cwd = await folder(args.flags.get('cwd'));
  const junit = args.flags.get('junit');
  let runner = runnerFlag(args.flags);
  let text: string;
  const file = typeof junit === 'string' ? junit : args.positionals[0];
  if (typeof junit === 'string') runner = 'junit';
  try {
    text = file && file !== '-' ? await fs.readFile(file, 'utf8') : await readStdin();
  } catch (err) {
    io.stderr(`turbo: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    return EXIT_FAILED;
  }
  const parsed = parseTestOutput(text, cwd, runner);
  if (!parsed) {
    io.stderr(`turbo: could not tell which test runner wrote this output; pass --runner ${RUNNER_NAMES.join('|')}\n`);
    return EXIT_FAILED;
  }
  if (args.flags.has('json')) {
    io.stdout(
      safeJson({
        diagnostics: diagnosticsJson(cwd, parsed.failures),
        runner: parsed.runner,
        passed: parsed.passed ?? null,
        failed: parsed.failed ?? null,
      }) + '\n',
    );
  } else {
    io.stdout(diagnosticsText(cwd, parsed.failures));
    io.stdout(`${countsText({ ...parsed, green: parsed.failures.length === 0 })}\n`);
  }
  return parsed.failures.length === 0 && !parsed.failed ? EXIT_OK : EXIT_FAILED;
}

/** `turbo fix`: test → fix → re-test in a folder, headless. Files change in place, atomically, keeping their bytes outside each edit and their mode. */
export async function runFixCli(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, {
    boolean: ['json', 'quiet', 'q', 'help', 'h'],
    value: ['cwd', 'cmd', 'rounds', 'contract', 'model', 'timeout'],
    repeatable: ['protect'],
  });
  if (wantsHelp(args.flags, io, FIX_HELP)) return EXIT_OK;
  if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const options = await fixOptions(args, io);
  const { cwd, json, quiet } = options;
  const apiKey = requireApiKey(io);
  if (!apiKey) return EXIT_FAILED;
  const contractFile = args.flags.get('contract');
  const contract = typeof contractFile === 'string' ? await fs.readFile(contractFile, 'utf8') : undefined;
  const command = await commandFor(cwd, args.flags.get('cmd'), io, quiet);
  if (!quiet) warnIfRetired(io, options.model);
  let report: FixLoopReport;
  try {
    report = await fixUntilGreen({
      client: createClient({ apiKey, baseUrl: options.baseUrl, warmConnection: false, ...networkFromEnv(io.env) }),
      root: cwd,
      command,
      rounds: options.rounds,
      contract,
      model: options.model,
      timeoutMs: options.timeoutMs,
      signal: io.signal,
      secrets: [apiKey],
      denyEnv: options.denyEnv,
      protection: await protectionFor(cwd, options.protect),
      readFile: readTextFile,
      applyChanges: (changes) => applyChangesOnDisk(cwd, changes),
      onProgress: quiet ? undefined : (p) => io.stderr(progressLine(p)),
    });
  } catch (err) {
    return fixFailed(io, err, { apiKey, json });
  }
  if (json) io.stdout(safeJson(fixJson(report)) + '\n');
  else printFixReport(io, report);
  return report.outcome === 'green' ? EXIT_OK : EXIT_FAILED;
}

/** The flags of `turbo fix` and the environment's model, base URL and denied variables, each checked. */
async function fixOptions(args: ParsedArgs, io: CliIO) {
  const json = args.flags.has('json');
  return {
    json,
    quiet: json || args.flags.has('quiet') || args.flags.has('q'),
    rounds: numberFlag(args.flags, 'rounds', { min: 1, max: 20 }, 3),
    timeoutMs: timeoutFlag(args.flags),
    denyEnv: envDenyFromEnv(io.env),
    model: resolveModel(args.flags.get('model') as string | undefined, io.env, DEFAULT_MODEL),
    baseUrl: resolveBaseUrl(undefined, io.env),
    cwd: await folder(args.flags.get('cwd')),
    protect: protectFlag(args),
  };
}

/** `--protect GLOB`, repeatable: globs read like turbo.protectedPaths; a bad one is a usage error. */
export function protectFlag(args: ParsedArgs): string[] {
  const globs = args.lists.get('protect') ?? [];
  checkDenyPatterns(globs, '--protect');
  return globs;
}

function progressLine(p: Parameters<NonNullable<FixLoopOptions['onProgress']>>[0]): string {
  return `turbo: round ${p.round}/${p.rounds} · ${p.phase}${p.failing !== undefined ? ` · ${p.failing} failing` : ''}\n`;
}

function fixFailed(io: CliIO, err: unknown, { apiKey, json }: { apiKey: string; json: boolean }): number {
  const message = redactSecrets(err instanceof Error ? err.message : String(err), apiKey);
  if (json) {
    const kind = err instanceof TurboError ? err.kind : 'unknown';
    io.stdout(safeJson({ outcome: 'error', error: { kind, message } }) + '\n');
  }
  io.stderr(`turbo: ${message}\n`);
  return EXIT_FAILED;
}

function printFixReport(io: CliIO, report: FixLoopReport): void {
  for (const r of report.rounds) io.stdout(roundLine(r));
  printReport(io, report.final);
  const rounds = `${report.rounds.length} round${report.rounds.length === 1 ? '' : 's'}`;
  const why = report.notGreenBecause ? `: ${safeInline(report.notGreenBecause)}` : '';
  io.stdout(`${OUTCOME_TEXT[report.outcome]}${why} (${rounds}, ${formatCost(report.costUsd)})\n`);
}

export function roundLine(r: FixLoopReport['rounds'][number]): string {
  const changed = r.changes.length ? r.changes.map((c) => safeInline(c.file)).join(', ') : 'nothing';
  const problems = r.problems.length ? `\n  not applied: ${r.problems.map(safeInline).join('; ')}` : '';
  return `round ${r.round}: ${r.failingBefore} → ${r.failingAfter} failing · changed ${changed} · ${formatCost(r.costUsd)}${problems}\n`;
}

export function fixJson(report: FixLoopReport) {
  return {
    outcome: report.outcome,
    not_green_because: report.notGreenBecause ?? null,
    rounds: report.rounds.map((r) => ({
      round: r.round,
      failing_before: r.failingBefore,
      failing_after: r.failingAfter,
      changed: r.changes.map((c) => c.file),
      problems: r.problems,
      usage: r.usage ? { prompt_tokens: r.usage.prompt_tokens, completion_tokens: r.usage.completion_tokens } : null,
      cost_usd: r.costUsd ?? null,
    })),
    cost_usd: report.costUsd ?? null,
    final: testJson(report.final),
  };
}
