import { countVerdict, testsRan } from '../testing/protectedTests';
import type { CandidateResult, RaceOptions } from './types';

/**
 * Green, and whether the code loads: a run that reached fewer tests than the baseline did not load all of
 * them (a test file that fails to import is one failure to node --test, a collection error to pytest).
 */
export function verdictOf(
  c: CandidateResult,
  options: RaceOptions,
  baselineRan: number | undefined,
  bar: Bar | undefined = undefined,
): void {
  if (c.test?.cancelled) c.error ??= 'Cancelled while its tests ran.';
  if (c.test) {
    const verdict = countVerdict(c.test, baselineRan);
    const ran = testsRan(c.test) ?? 0;
    c.loads = ran > 0 && (baselineRan === undefined || ran >= baselineRan);
    c.green = verdict.green && !c.generation?.error;
    if (c.test.green && !verdict.green)
      c.notGreenBecause =
        bar?.candidate !== undefined && bar.candidate !== c.candidate
          ? `only ${ran} test${ran === 1 ? '' : 's'} ran; candidate ${bar.candidate}'s run reached ${bar.ran}`
          : verdict.why;
  } else if (!options.testCommand && c.conformance) {
    c.green = c.conformance.met === c.conformance.total && !c.generation?.error;
  }
  if (c.touchedTests.length > 0) {
    c.green = false;
    c.notGreenBecause = `it tried to change ${c.touchedTests.join(', ')}, which the tests' judgement depends on`;
  }
}

/** The bar a green run must reach, and the candidate whose run set it (undefined: the run before the race). */
export interface Bar {
  ran: number;
  candidate: number | undefined;
}

/**
 * The most tests any run reached, or the run before the race: fewer is not green. A candidate's run sets
 * the bar too, because a new project's run before the race loads nothing (one failure), and a candidate that
 * makes tests vanish must not be green beside one that ran them all. The price: tests a candidate puts in
 * its own code (Rust `#[cfg(test)]`, doctests) raise the bar for the others (README).
 */
export function barOf(before: number | undefined, candidates: CandidateResult[]): Bar | undefined {
  let bar: Bar | undefined = before === undefined ? undefined : { ran: before, candidate: undefined };
  for (const c of candidates) {
    const ran = c.test ? testsRan(c.test) : undefined;
    if (ran !== undefined && ran > (bar?.ran ?? -1)) bar = { ran, candidate: c.candidate };
  }
  return bar;
}

export function noWinnerText(candidates: CandidateResult[]): string {
  if (candidates.some((c) => c.files.length > 0))
    return 'Every candidate that wrote files also tried to change the tests, so none was written.';
  const first = candidates.find((c) => c.error)?.error;
  return `No candidate wrote any file, so nothing was written${first ? `. ${first}` : '.'}`;
}

export function emptyResult(n: number): CandidateResult {
  return {
    candidate: n,
    green: false,
    passed: undefined,
    failed: undefined,
    loads: false,
    conformance: undefined,
    refused: [],
    touchedTests: [],
    files: [],
    lines: 0,
    usage: undefined,
    costUsd: undefined,
    durationMs: 0,
    error: null,
    test: undefined,
    generation: undefined,
  };
}

export function notRun(n: number, why: string | undefined): CandidateResult {
  return { ...emptyResult(n), error: why ?? 'Not run: the Cerebras quota left no room for it.' };
}
