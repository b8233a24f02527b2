import * as path from 'node:path';

/** A place in a file: absolute path, 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface TestFailure {
  location: SourceLocation;
  /** Short: the assertion or error, with expected/received values when the runner gives them. */
  message: string;
  test: string | undefined;
  /** Other frames worth seeing, e.g. the line in project code that raised. */
  related: (SourceLocation & { message: string })[];
  /** The expected value as the runner printed it, when it printed one (for the Testing view's diff). */
  expected?: string;
  /** The actual (received) value as the runner printed it, when it printed one. */
  actual?: string;
}

export const RUNNER_NAMES = ['pytest', 'unittest', 'jest', 'vitest', 'mocha', 'node', 'go', 'cargo', 'tsc', 'junit'] as const;

export type RunnerName = (typeof RUNNER_NAMES)[number];

export interface ParsedTestOutput {
  runner: RunnerName;
  failures: TestFailure[];
  passed: number | undefined;
  failed: number | undefined;
}

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.includes('\u001b') ? text.replace(ANSI, '') : text;
}

/** The lines of an output, without their line endings (faster than splitting on a pattern). */
export function splitLines(text: string): string[] {
  return (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).split('\n');
}

/**
 * What is known of the files a long output names, for the folder read last: outputs name the same
 * few files thousands of times. Bounded, and started afresh for another folder.
 */
let known = { root: '', project: new Map<string, boolean>(), resolved: new Map<string, string>() };
const testFiles = new Map<string, boolean>();
const KNOWN_MAX = 10_000;

function forRoot(root: string): typeof known {
  if (known.root !== root || known.project.size > KNOWN_MAX || known.resolved.size > KNOWN_MAX) {
    known = { root, project: new Map(), resolved: new Map() };
  }
  return known;
}

/** Frames in installed packages, the standard library or the runner itself are not the project's. */
export function isProjectFile(file: string, root: string): boolean {
  const cache = forRoot(root).project;
  let answer = cache.get(file);
  if (answer === undefined) cache.set(file, (answer = checkProjectFile(file, root)));
  return answer;
}

function checkProjectFile(file: string, root: string): boolean {
  if (/^(node:|internal\/|<)/.test(file)) return false;
  const abs = path.resolve(root, file);
  const rel = path.relative(root, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
  return !/(^|[\\/])(node_modules|site-packages|dist-packages|\.venv|venv|__pypackages__)([\\/]|$)/.test(rel);
}

export function resolveIn(root: string, file: string): string {
  const cache = forRoot(root).resolved;
  let abs = cache.get(file);
  if (abs === undefined) cache.set(file, (abs = path.resolve(root, file)));
  return abs;
}

export function isTestFile(file: string): boolean {
  let answer = testFiles.get(file);
  if (answer === undefined) {
    if (testFiles.size > KNOWN_MAX) testFiles.clear();
    answer = /(^|[\\/])(tests?|__tests__|spec)[\\/]|(^|[\\/_.-])(test|spec)[^\\/]*$|_test\.(go|py)$/i.test(file);
    testFiles.set(file, answer);
  }
  return answer;
}

/**
 * Chooses where a failure is shown from its project frames (outermost first): the frame in a test
 * file (the assertion), with the deepest frame elsewhere (where it raised) as related.
 */
export function placeFailure(frames: SourceLocation[], message: string): { location: SourceLocation; related: TestFailure['related'] } | undefined {
  if (frames.length === 0) return undefined;
  const testFrames = frames.filter((f) => isTestFile(f.file));
  const location = testFrames.at(-1) ?? frames.at(-1)!;
  const deepest = frames.at(-1)!;
  const related = deepest !== location ? [{ file: deepest.file, line: deepest.line, column: deepest.column, message: `raised here: ${message}` }] : [];
  return { location, related };
}

/** A failure, built with one object shape for every parser (a spread makes a new one per call). */
export function failureAt(placed: { location: SourceLocation; related: TestFailure['related'] }, message: string, test: string | undefined): TestFailure {
  return { location: placed.location, message, test, related: placed.related };
}

export function shorten(text: string, max = 300): string {
  const t = text.trim().replace(/\n{3,}/g, '\n\n');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
