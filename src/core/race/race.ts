import * as os from 'node:os';
import { TurboError } from '../errors';
import { checkConformance } from '../contract/conformance/check';
import { parseNumber } from '../inputs';
import { generate } from '../generation/pipeline';
import { landFiles } from '../generation/landFiles';
import { DEFAULT_MODEL } from '../generation/prompt';
import { runTests } from '../testing/loop';
import { protectionFor } from '../testing/protectedTests';
import { semaphore } from '../semaphore';
import { CandidateSink } from './candidateSink';
import { checkCopyable, createScratch, type Scratch } from './scratch';
import { planRace, type RacePlan } from './plan';
import { pickWinner } from './score';
import { barOf, emptyResult, noWinnerText, notRun, verdictOf } from './verdict';
import { readOriginals, sumCost, sumUsage } from './totals';
import { runBefore } from './runBefore';
import {
  MAX_CANDIDATES,
  MIN_CANDIDATES,
  type CandidateProgress,
  type CandidateResult,
  type RaceOptions,
  type RaceReport,
} from './types';

/** What every candidate of one race shares. */
interface RaceContext {
  options: RaceOptions;
  plan: RacePlan;
  signal: AbortSignal;
  progress: CandidateProgress[];
  scratches: Set<Scratch>;
  tests: ReturnType<typeof semaphore>;
  protection: Awaited<ReturnType<typeof protectionFor>>;
  notices: string[];
}

/**
 * N candidates from one contract, side by side: each streams into its own scratch copy of the folder,
 * the project's tests run in each copy (as many at once as there are cores), the candidates are ranked
 * (score.ts), and only the best one's files are written into the real folder, through `options.sink`.
 * Every scratch copy is removed before this returns, whatever happened. It never throws for a failed
 * candidate or race (the report says why); invalid options throw a TurboError('config').
 */
export async function race(options: RaceOptions): Promise<RaceReport> {
  const started = performance.now();
  parseNumber(options.candidates, 'candidates', { min: MIN_CANDIDATES, max: MAX_CANDIDATES });
  const controller = new AbortController();
  const abort = () => controller.abort();
  options.signal?.addEventListener('abort', abort);
  if (options.signal?.aborted) controller.abort();
  const notices: string[] = [];
  const notice = (message: string) => {
    notices.push(message);
    options.onNotice?.(message);
  };
  const ctx: RaceContext = {
    options,
    plan: await planRace(options, notice),
    signal: controller.signal,
    progress: [],
    scratches: new Set(),
    tests: semaphore(Math.max(1, options.testConcurrency ?? os.availableParallelism())),
    protection: await protectionFor(options.folder, options.protectedPaths, 'a candidate'),
    notices,
  };
  try {
    await checkCopyable(options.folder);
    const before = runBefore(options, ctx.signal, ctx.tests, ctx.scratches);
    const candidates = await runAll(ctx);
    return await finish(ctx, candidates, started, await before);
  } catch (err) {
    const error = err instanceof TurboError ? err : new TurboError('io', String((err as Error)?.message ?? err));
    if (error.kind === 'config') throw error;
    return failedRace(ctx, error, started);
  } finally {
    // Whatever ended the race (a front end's callback that threw, say), no stream or test run goes on.
    controller.abort();
    options.signal?.removeEventListener('abort', abort);
    await Promise.all([...ctx.scratches].map((s) => s.remove().catch(() => undefined)));
  }
}

/** Starts the candidates the plan allows (the rest are reported as not run) and waits for all of them. */
async function runAll(ctx: RaceContext): Promise<CandidateResult[]> {
  const { options, plan } = ctx;
  for (let i = 1; i <= options.candidates; i++)
    ctx.progress.push({ candidate: i, phase: i <= plan.run ? 'waiting' : 'not_run', tokens: 0, filesWritten: 0 });
  emit(ctx);
  const results: Promise<CandidateResult>[] = [];
  for (let i = 1; i <= options.candidates; i++) {
    if (i > plan.run) results.push(Promise.resolve(notRun(i, plan.why)));
    else results.push(runCandidate(ctx, i));
    // The first answer's rate-limit headers may say that fewer fit: the plan is told before the rest start.
    if (i === 1) await plan.afterFirst(ctx.progress, () => emit(ctx));
  }
  return Promise.all(results);
}

/** One candidate: a scratch copy, the stream into it, its tests, its contract check. */
async function runCandidate(ctx: RaceContext, n: number): Promise<CandidateResult> {
  const started = performance.now();
  const { options } = ctx;
  const progress = ctx.progress[n - 1];
  const result = emptyResult(n);
  let scratch: Scratch;
  try {
    scratch = await createScratch(options.folder);
  } catch (err) {
    // A copy that failed (a file it may not read) is this candidate's failure, not the race's.
    result.error = err instanceof Error ? err.message : String(err);
    progress.phase = 'failed';
    emit(ctx);
    return result;
  }
  ctx.scratches.add(scratch);
  try {
    progress.phase = 'streaming';
    emit(ctx);
    const sink = new CandidateSink(scratch.dir, ctx.protection);
    const generation = await generate({
      ...options,
      maxCompletionTokens: ctx.plan.maxCompletionTokens,
      sink,
      signal: ctx.signal,
      onProgress: (p) => {
        progress.tokens = p.tokens;
        progress.filesWritten = p.filesWritten;
        emit(ctx);
      },
      onNotice: (message) => options.onNotice?.(`Candidate ${n}: ${message}`),
      onFile: undefined,
    });
    Object.assign(result, {
      generation,
      files: sink.files,
      lines: sink.files.reduce((sum, f) => sum + (f.newTest ? 0 : f.lines), 0),
      refused: generation.rejected,
      touchedTests: [...sink.touched],
      usage: generation.usage,
      costUsd: generation.costUsd,
      error: generation.error?.message ?? null,
    });
    if (result.files.length > 0 && !ctx.signal.aborted) await judge(ctx, result, scratch.dir, progress);
  } finally {
    ctx.scratches.delete(scratch);
    await scratch.remove().catch(() => undefined);
  }
  result.durationMs = Math.round(performance.now() - started);
  progress.phase = result.files.length === 0 ? 'failed' : 'done';
  emit(ctx);
  return result;
}

/** Runs the tests (or, without them, the contract check) on a candidate's copy. */
async function judge(ctx: RaceContext, result: CandidateResult, dir: string, progress: CandidateProgress) {
  const { options } = ctx;
  if (options.testCommand) {
    progress.phase = 'waiting';
    emit(ctx);
    const test = await ctx.tests.run(
      () =>
        runTests({
          cwd: dir,
          command: options.testCommand!,
          timeoutMs: options.testTimeoutMs,
          signal: ctx.signal,
          denyEnv: options.denyEnv,
          secrets: options.secrets,
        }),
      () => {
        progress.phase = 'testing';
        emit(ctx);
      },
    );
    result.test = test;
    result.passed = test.passed;
    result.failed = test.failed;
    progress.passed = test.passed;
    progress.failed = test.failed;
    if (test.timedOut) result.error ??= `The tests timed out after ${Math.round(test.durationMs / 1000)} s.`;
  }
  if (ctx.plan.clauses > 0 && !ctx.signal.aborted) {
    progress.phase = 'checking';
    emit(ctx);
    const report = await checkConformance(ctx.plan.contract, dir, { signal: ctx.signal }).catch(() => undefined);
    if (report && report.total > 0) result.conformance = { met: report.met, total: report.total };
  }
}

/** Decides green (with the baseline every candidate's count is held to), the winner, and lands it. */
async function finish(
  ctx: RaceContext,
  candidates: CandidateResult[],
  started: number,
  before: number | undefined,
): Promise<RaceReport> {
  const { options } = ctx;
  const bar = barOf(before, candidates);
  const baselineRan = bar?.ran;
  for (const c of candidates) verdictOf(c, options, baselineRan, bar);
  const cancelled = ctx.signal.aborted;
  const winner = cancelled ? undefined : pickWinner(candidates);
  const report: RaceReport = {
    winner: winner?.candidate,
    green: winner?.green ?? false,
    asked: options.candidates,
    ran: candidates.filter((c) => c.generation).length,
    candidates,
    landed: undefined,
    original: {},
    baselineRan,
    maxCompletionTokens: ctx.plan.maxCompletionTokens,
    usage: sumUsage(candidates),
    costUsd: sumCost(candidates),
    durationMs: 0,
    error: cancelled ? 'Race cancelled: nothing was written.' : winner ? null : noWinnerText(candidates),
    cancelled,
    notices: ctx.notices,
  };
  if (winner) {
    report.original = await readOriginals(options, candidates);
    report.landed = await landFiles(winner.files, {
      sink: options.sink,
      deny: options.deny,
      model: winner.generation?.model ?? options.model ?? DEFAULT_MODEL,
    });
    if (report.landed.error) report.error = report.landed.error.message;
    report.cancelled = report.landed.error?.kind === 'cancelled';
  }
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

function failedRace(ctx: RaceContext, error: TurboError, started: number): RaceReport {
  return {
    winner: undefined,
    green: false,
    asked: ctx.options.candidates,
    ran: 0,
    candidates: [],
    landed: undefined,
    original: {},
    baselineRan: ctx.options.baselineRan,
    maxCompletionTokens: ctx.plan.maxCompletionTokens,
    usage: undefined,
    costUsd: undefined,
    durationMs: Math.round(performance.now() - started),
    error: error.message,
    cancelled: error.kind === 'cancelled' || ctx.signal.aborted,
    notices: ctx.notices,
  };
}

function emit(ctx: RaceContext): void {
  ctx.options.onProgress?.(ctx.progress.map((p) => ({ ...p })));
}
