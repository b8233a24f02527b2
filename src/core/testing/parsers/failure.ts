import { isTestFileIn } from './locate';
import type { ParsedTestOutput, Placement, SourceLocation, TestFailure, Values } from './types';

/**
 * Chooses where a failure is shown from its project frames (outermost first): the test's own line
 * (the innermost test-file frame whose function `isBody` says runs a test body), else the innermost
 * frame in a test file (the assertion), else the deepest frame; the deepest frame (where it raised)
 * is related when it is elsewhere. A test file is told by its path inside the folder (a folder that
 * itself lives under some `test/` must not make every file a test file).
 */
export function placeFailure(
  frames: (SourceLocation & { fn?: string })[],
  message: string,
  root: string,
  isBody?: (fn: string) => boolean,
): Placement | undefined {
  if (frames.length === 0) return undefined;
  let inTest: SourceLocation | undefined;
  let body: SourceLocation | undefined;
  for (const f of frames) {
    if (!isTestFileIn(root, f.file)) continue;
    inTest = f;
    if (isBody?.(f.fn ?? '')) body = f;
  }
  const pick = body ?? inTest ?? frames.at(-1)!;
  const deepest = frames.at(-1)!;
  const related =
    deepest !== pick
      ? [{ file: deepest.file, line: deepest.line, column: deepest.column, message: `raised here: ${message}` }]
      : [];
  return { location: { file: pick.file, line: pick.line, column: pick.column }, related };
}

/** A failure, built the same way by every parser (a spread makes a new object per call); the values only as a pair. */
export function failureAt(placed: Placement, message: string, test: string | undefined, values?: Values): TestFailure {
  const failure: TestFailure = { location: placed.location, message, test, related: placed.related };
  if (values) {
    failure.expected = values.expected;
    failure.actual = values.actual;
  }
  return failure;
}

export function shorten(text: string, max = 300): string {
  const t = text.trim().replace(/\n{3,}/g, '\n\n');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * A JS runner's result from its `Tests: 1 failed, 3 passed` summary line (jest's and vitest's):
 * counts from the line when it was printed, else the failures found and no pass count.
 */
export function fromSummary(
  runner: 'jest' | 'vitest',
  failures: TestFailure[],
  summary: string | undefined,
): ParsedTestOutput {
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(summary ?? '')?.[1] ?? 0);
  return {
    runner,
    failures,
    passed: summary ? count('passed') : undefined,
    failed: summary ? count('failed') : failures.length,
  };
}
