import type { ChatRequest, ModelClient } from '../generation/modelClient';
import { completeText } from '../generation/complete';
import { TurboError } from '../errors';
import { buildFixRequest, parseEdits, planEdits, type FileChange } from './fix';
import { gatherFiles } from './fixFiles';
import { costOf } from '../generation/models';
import { DEFAULT_DENY } from '../generation/pathGuard';
import type { PromptOptions } from '../generation/prompt';
import { parseTestOutput, type RunnerName, type TestFailure } from './parsers';
import { countVerdict, testsRan, type Protection } from './protectedTests';
import { runTestCommand } from './runner';

export interface TestReport {
  command: string;
  cwd: string;
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** The runner the output was read as; undefined when Turbo did not recognise it. */
  runner: RunnerName | undefined;
  failures: TestFailure[];
  passed: number | undefined;
  failed: number | undefined;
  /** Exit code 0, not timed out or cancelled. */
  green: boolean;
  output: string;
}

export interface RunTestsOptions {
  cwd: string;
  command: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  onOutput?: (text: string) => void;
  runner?: RunnerName | 'auto';
  /** Variables the command must not see besides CEREBRAS_API_KEY (e.g. `turbo.testEnvDeny`). */
  denyEnv?: readonly string[];
  /** Values redacted from the output and the report, such as a key that is not in the environment. */
  secrets?: readonly (string | undefined)[];
}

/** Runs the test command and reads its failures. */
export async function runTests(options: RunTestsOptions): Promise<TestReport> {
  const run = await runTestCommand({
    cwd: options.cwd,
    command: options.command,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onOutput: options.onOutput,
    denyEnv: options.denyEnv,
    secrets: options.secrets,
  });
  const parsed = parseTestOutput(run.output, options.cwd, options.runner);
  const green = run.exitCode === 0 && !run.timedOut && !run.cancelled;
  return {
    command: run.command,
    cwd: options.cwd,
    exitCode: run.exitCode,
    timedOut: run.timedOut,
    cancelled: run.cancelled,
    durationMs: run.durationMs,
    runner: parsed?.runner,
    failures: green ? [] : (parsed?.failures ?? []),
    passed: parsed?.passed,
    failed: green ? 0 : (parsed?.failed ?? parsed?.failures.length),
    green,
    output: run.output,
  };
}

/** A stable key for a failure, to tell whether a round made progress. */
export const failureKey = (f: TestFailure) => `${f.test ?? ''}@${f.location.file}:${f.location.line}:${f.message}`;

export interface FixContext extends PromptOptions {
  client: ModelClient;
  root: string;
  contract?: string;
  signal?: AbortSignal;
  /** Current text of a file: the editor answers from open documents, the CLI from disk. */
  readFile: (absPath: string) => Promise<string | undefined>;
  /** Applies all changes at once (one WorkspaceEdit in the editor). */
  applyChanges: (changes: FileChange[]) => Promise<void>;
  deny?: readonly string[];
  /** The tests and `turbo.protectedPaths`, never written (`protectionFor`); without it, every test-looking path is refused. */
  protection?: Protection;
}

export interface FixAttempt {
  /** What the model changed; empty when its edits did not apply. */
  changes: { file: string; created: boolean }[];
  /** Why the edits were refused (nothing was applied then). */
  problems: string[];
  usage: { prompt_tokens: number; completion_tokens: number } | undefined;
  costUsd: number | undefined;
  model: string;
}

/** Asks the model for SEARCH/REPLACE edits for these failures and applies them whole, or not at all. */
export async function fixFailures(
  ctx: FixContext,
  report: Pick<TestReport, 'failures' | 'output' | 'command'>,
  failures = report.failures,
): Promise<FixAttempt> {
  const files = await gatherFiles(ctx.root, failures, ctx.readFile, ctx.deny ?? DEFAULT_DENY);
  if (files.length === 0)
    throw new TurboError(
      'format',
      'None of the failing locations is a readable file in the project, so there is nothing to send for a fix.',
    );
  const request = buildFixRequest({
    ...ctx,
    failures,
    root: ctx.root,
    output: report.output,
    command: report.command,
    files,
  });
  return requestEdits(ctx, request);
}

/**
 * The step every fix shares: complete the request, read its SEARCH/REPLACE edits, plan them against
 * the current files, and apply them whole or not at all.
 */
export async function requestEdits(ctx: FixContext, request: ChatRequest): Promise<FixAttempt> {
  const answer = await completeText(ctx.client, request, ctx.signal);
  const base = { usage: answer.usage, costUsd: costOf(answer.model, answer.usage), model: answer.model };
  const { edits, problems } = parseEdits(answer.text);
  if (problems.length && edits.length === 0) return { ...base, changes: [], problems };
  const plan = await planEdits(ctx.root, edits, ctx.readFile, ctx.deny, ctx.protection);
  if (!plan.ok) return { ...base, changes: [], problems: [...problems, ...plan.problems] };
  if (problems.length) return { ...base, changes: [], problems };
  if (ctx.signal?.aborted) throw new TurboError('cancelled', 'Cancelled.');
  await ctx.applyChanges(plan.changes);
  return {
    ...base,
    changes: plan.changes.map((c) => ({ file: c.file, created: c.before === undefined })),
    problems: [],
  };
}

export interface FixRound {
  round: number;
  failingBefore: number;
  failingAfter: number;
  changes: FixAttempt['changes'];
  problems: string[];
  usage: FixAttempt['usage'];
  costUsd: number | undefined;
}

export type FixLoopOutcome =
  | 'green'
  | 'no_progress'
  | 'rounds_exhausted'
  | 'edits_refused'
  | 'unreadable'
  | 'cancelled'
  // The command passed, but fewer tests ran than in the first run (they were deleted, skipped or not collected).
  | 'tests_vanished';

export interface FixLoopReport {
  outcome: FixLoopOutcome;
  /** With `tests_vanished`: what fell short ("only 1 test ran; 3 ran before the change"). */
  notGreenBecause?: string;
  rounds: FixRound[];
  final: TestReport;
  costUsd: number | undefined;
}

export interface FixLoopOptions extends FixContext, Omit<RunTestsOptions, 'cwd' | 'signal'> {
  rounds: number;
  /** A run already made (e.g. the one behind the diagnostics), to save the first test run. */
  initial?: TestReport;
  onProgress?: (p: { round: number; rounds: number; phase: 'testing' | 'fixing'; failing: number | undefined }) => void;
  onReport?: (report: TestReport) => void;
}

/**
 * Test → fix → re-test, at most `rounds` fixes. Stops when green, when a round makes no progress
 * (its edits were refused, or as many tests fail as before), or when cancelled.
 */
export async function fixUntilGreen(options: FixLoopOptions): Promise<FixLoopReport> {
  const rounds: FixRound[] = [];
  const test = async (round: number) => {
    options.onProgress?.({ round, rounds: options.rounds, phase: 'testing', failing: undefined });
    const report = await runTests({ ...options, cwd: options.root });
    options.onReport?.(report);
    return report;
  };
  let report = options.initial ?? (await test(1));
  // The tests are the judge only if they still run: a later green run must count at least as many.
  const baseline = testsRan(report);
  const cost = () =>
    rounds.reduce<number | undefined>((sum, r) => (r.costUsd === undefined ? sum : (sum ?? 0) + r.costUsd), undefined);
  const done = (outcome: FixLoopOutcome, why?: string): FixLoopReport => ({
    outcome,
    rounds,
    final: report,
    costUsd: cost(),
    ...(why ? { notGreenBecause: why } : {}),
  });
  for (let round = 1; ; round++) {
    if (report.cancelled || options.signal?.aborted) return done('cancelled');
    if (report.green) {
      const verdict = countVerdict(report, baseline);
      return verdict.green ? done('green') : done('tests_vanished', verdict.why);
    }
    if (report.failures.length === 0) return done('unreadable');
    if (round > options.rounds) return done('rounds_exhausted');
    const before = report.failures.length;
    options.onProgress?.({ round, rounds: options.rounds, phase: 'fixing', failing: before });
    let attempt: FixAttempt;
    try {
      attempt = await fixFailures(options, report);
    } catch (err) {
      if (options.signal?.aborted) return done('cancelled');
      throw err;
    }
    const entry: FixRound = {
      round,
      failingBefore: before,
      failingAfter: before,
      changes: attempt.changes,
      problems: attempt.problems,
      usage: attempt.usage,
      costUsd: attempt.costUsd,
    };
    rounds.push(entry);
    if (attempt.changes.length === 0) return done('edits_refused');
    const previous = new Set(report.failures.map(failureKey));
    report = await test(round + 1);
    entry.failingAfter = report.green ? 0 : report.failures.length;
    if (report.green || report.cancelled) continue;
    const same = report.failures.every((f) => previous.has(failureKey(f)));
    if (entry.failingAfter > before || (entry.failingAfter === before && same)) return done('no_progress');
  }
}
