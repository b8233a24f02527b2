import * as path from 'node:path';
import { createClient } from '../core/generation/clientFactory';
import { networkFromEnv } from '../core/generation/http';
import { resolveBaseUrl, resolveModel, type EnvLike } from '../core/generation/clientConfig';
import { redactSecrets } from '../core/errors';
import { FsSink } from '../core/generation/fsSink';
import { formatCost } from '../core/generation/models';
import { DEFAULT_MODEL } from '../core/generation/prompt';
import { OVERWRITE_POLICIES, type OverwritePolicy } from '../core/generation/choices';
import { safeInline, safeJson } from '../core/terminalText';
import { detectTestCommand } from '../core/testing/detect';
import { envDenyFromEnv } from '../core/testing/env';
import { race } from '../core/race/race';
import { raceJson } from '../core/race/json';
import {
  DEFAULT_CANDIDATES,
  MAX_CANDIDATES,
  MIN_CANDIDATES,
  type CandidatePhase,
  type CandidateProgress,
  type CandidateResult,
  type RaceReport,
} from '../core/race/types';
import { choiceFlag, numberFlag, parseArgs, UsageError, type ParsedArgs } from './args';
import { protectFlag } from './testCommands';
import {
  askOnTerminal,
  EXIT_FAILED,
  EXIT_OK,
  readContract,
  requireApiKey,
  warnIfRetired,
  type CliIO,
} from './generateCommand';
import { RACE_HELP } from './help';

/** `turbo race CONTRACT --out DIR`: N candidates side by side, each tested in its own copy; the best lands in DIR. */
export async function runRaceCli(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, {
    boolean: ['json', 'quiet', 'q', 'help', 'h'],
    value: ['out', 'candidates', 'cmd', 'model', 'overwrite', 'timeout', 'max-continuations'],
    repeatable: ['protect'],
  });
  if (args.flags.has('help') || args.flags.has('h')) {
    io.stdout(RACE_HELP);
    return EXIT_OK;
  }
  const options = raceOptions(args, io.env);
  const apiKey = requireApiKey(io);
  if (!apiKey) return EXIT_FAILED;
  const contract = await readContract(options.contractFile, io);
  if (contract === undefined) return EXIT_FAILED;
  const { json, quiet } = options;
  if (!quiet) warnIfRetired(io, options.model);
  const root = path.resolve(options.out);
  const testCommand = await testCommandFor(root, options.cmd, io, quiet);
  const say = (message: string) => io.stderr(`turbo: ${safeInline(redactSecrets(message, apiKey))}\n`);
  const report = await race({
    client: createClient({ apiKey, baseUrl: options.baseUrl, warmConnection: false, ...networkFromEnv(io.env) }),
    contract,
    model: options.model,
    folder: root,
    candidates: options.candidates,
    testCommand,
    testTimeoutMs: options.timeoutMs,
    denyEnv: envDenyFromEnv(io.env),
    secrets: [apiKey],
    maxContinuations: options.maxContinuations,
    protectedPaths: options.protect,
    sink: new FsSink(
      root,
      options.overwrite,
      io.isTTY && io.prompt && !json ? askOnTerminal(io, io.prompt) : undefined,
    ),
    signal: io.signal,
    onProgress: quiet || json ? undefined : phaseLines(say),
    onNotice: quiet ? undefined : say,
  });
  if (json) io.stdout(safeJson(raceJson(report, root, apiKey)) + '\n');
  else if (!quiet) io.stdout(raceText(report, root));
  return raceExit(io, report, apiKey);
}

/** The flags of `turbo race`, each checked: a wrong one is a UsageError or a config error naming it (exit 2). */
function raceOptions(args: ParsedArgs, env: EnvLike) {
  const [contractFile, ...extra] = args.positionals;
  if (!contractFile) throw new UsageError('race needs a CONTRACT_FILE');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  const out = args.flags.get('out');
  if (typeof out !== 'string' || !out)
    throw new UsageError('race needs --out DIR, the project folder the winner lands in');
  const cmd = args.flags.get('cmd');
  if (cmd !== undefined && (typeof cmd !== 'string' || !cmd.trim()))
    throw new UsageError('--cmd needs a test command line');
  const json = args.flags.has('json');
  return {
    contractFile,
    out,
    cmd: cmd as string | undefined,
    candidates: numberFlag(args.flags, 'candidates', { min: MIN_CANDIDATES, max: MAX_CANDIDATES }, DEFAULT_CANDIDATES),
    overwrite: choiceFlag<OverwritePolicy>(args.flags, 'overwrite', OVERWRITE_POLICIES, 'ask'),
    timeoutMs: numberFlag(args.flags, 'timeout', { min: 1, max: 86_400, integer: false }, 300) * 1000,
    maxContinuations: numberFlag(args.flags, 'max-continuations', { min: 0, max: 10 }),
    json,
    quiet: args.flags.has('quiet') || args.flags.has('q'),
    model: resolveModel(args.flags.get('model') as string | undefined, env, DEFAULT_MODEL),
    baseUrl: resolveBaseUrl(undefined, env),
    protect: protectFlag(args),
  };
}

/**
 * --cmd, or the command DIR's files point to, said on stderr with why: running the command line is
 * the person's own choice at a terminal, so the CLI does not ask again. None: the contract check scores.
 */
async function testCommandFor(
  root: string,
  cmd: string | undefined,
  io: CliIO,
  quiet: boolean,
): Promise<string | undefined> {
  if (cmd !== undefined) return cmd;
  const detected = await detectTestCommand(root);
  if (quiet) return detected?.command;
  if (detected)
    io.stderr(
      `turbo: testing each candidate with "${safeInline(detected.command)}" (${safeInline(detected.reason)})\n`,
    );
  else
    io.stderr(
      `turbo: no test command found in ${safeInline(root)} (no package.json test script, pytest config, go.mod or Cargo.toml); ` +
        'candidates are scored by the contract check, then fewer lines. Pass --cmd "..." to test them.\n',
    );
  return detected?.command;
}

const PHASE_TEXT: Partial<Record<CandidatePhase, string>> = {
  streaming: 'streaming',
  testing: 'testing',
  checking: 'checking the contract',
  failed: 'failed',
  not_run: 'not run (the quota does not allow it)',
};

/** One stderr line when a candidate changes phase (not one per token). */
function phaseLines(say: (message: string) => void): (candidates: CandidateProgress[]) => void {
  const last = new Map<number, CandidatePhase>();
  return (candidates) => {
    for (const c of candidates) {
      if (last.get(c.candidate) === c.phase) continue;
      last.set(c.candidate, c.phase);
      const text = c.phase === 'done' ? doneText(c) : PHASE_TEXT[c.phase];
      if (text) say(`candidate ${c.candidate}: ${text}`);
    }
  };
}

function doneText(c: CandidateProgress): string {
  return c.passed === undefined && c.failed === undefined
    ? 'done'
    : `done, ${c.passed ?? 0} passed, ${c.failed ?? 0} failed`;
}

/** The human report: one line per candidate, the winner, the files written. */
export function raceText(report: RaceReport, root: string): string {
  const rows = report.candidates.map(candidateLine).join('');
  const landed = report.landed?.files ?? [];
  const files = landed.map((f) => `  ${f.overwritten ? '~' : '+'} ${safeInline(f.path)} (${f.lines} lines)\n`).join('');
  const lines = landed.reduce((n, f) => n + f.lines, 0);
  const ran = report.ran === report.asked ? `${report.ran}` : `${report.ran} of ${report.asked}`;
  const summary =
    `${landed.length} file${landed.length === 1 ? '' : 's'}, ${lines} lines written to ${safeInline(root)} ` +
    `(${ran} candidates in ${(report.durationMs / 1000).toFixed(2)} s, ${formatCost(report.costUsd)})\n`;
  return rows + winnerLine(report) + files + summary;
}

function candidateLine(c: CandidateResult): string {
  const verdict = c.green ? 'green' : '✗    ';
  const tests = c.test?.cancelled
    ? 'cancelled while testing'
    : c.error
      ? `failed: ${safeInline(c.error)}`
      : c.passed !== undefined || c.failed !== undefined
        ? `${c.passed ?? 0} passed, ${c.failed ?? 0} failed${c.loads ? '' : ', does not load'}`
        : c.conformance
          ? `${c.conformance.met}/${c.conformance.total} clauses met`
          : !c.test
            ? 'not tested'
            : c.loads
              ? 'no test counts'
              : 'does not load';
  const tokens = c.usage ? `${c.usage.completion_tokens} tokens` : 'tokens unknown';
  const refused = c.refused.length > 0 ? ` · ${c.refused.length} refused` : '';
  const because = c.notGreenBecause ? ` — ${safeInline(c.notGreenBecause)}` : '';
  return (
    `  ${c.candidate}  ${verdict}  ${tests} · ${c.lines} line${c.lines === 1 ? '' : 's'} · ${tokens} · ${(c.durationMs / 1000).toFixed(1)} s · ` +
    `${formatCost(c.costUsd)}${refused}${because}\n`
  );
}

function winnerLine(report: RaceReport): string {
  if (report.winner === undefined) return 'No candidate could be written.\n';
  const winner = report.candidates.find((c) => c.candidate === report.winner);
  const counts =
    winner && (winner.passed !== undefined || winner.failed !== undefined)
      ? ` (${winner.passed ?? 0} passed, ${winner.failed ?? 0} failed)`
      : '';
  return report.green
    ? `Winner: candidate ${report.winner}, green${counts}.\n`
    : `No candidate is green; the best, candidate ${report.winner}${counts}, was written.\n`;
}

/** 0 only when a green winner landed whole; the files the overwrite policy kept out and every failure say so on stderr. */
function raceExit(io: CliIO, report: RaceReport, apiKey: string): number {
  const say = (text: string) => io.stderr(`turbo: ${safeInline(redactSecrets(text, apiKey))}\n`);
  for (const r of report.landed?.rejected ?? []) say(`not written: ${r.path} (${r.reason})`);
  if (report.landed?.error) say(report.landed.error.message);
  if (report.error) say(report.error);
  else if (report.winner === undefined) say('no candidate produced files to write.');
  const whole = report.landed !== undefined && !report.landed.error && report.landed.rejected.length === 0;
  return report.green && report.winner !== undefined && whole && !report.cancelled ? EXIT_OK : EXIT_FAILED;
}
