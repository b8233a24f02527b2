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

const projectFiles = new Map<string, boolean>();

/** Frames in installed packages, the standard library or the runner itself are not the project's. */
export function isProjectFile(file: string, root: string): boolean {
  // Long outputs name the same few files thousands of times.
  const key = `${root}\u0000${file}`;
  let known = projectFiles.get(key);
  if (known === undefined) {
    if (projectFiles.size > 10_000) projectFiles.clear();
    projectFiles.set(key, (known = checkProjectFile(file, root)));
  }
  return known;
}

function checkProjectFile(file: string, root: string): boolean {
  if (/^(node:|internal\/|<)/.test(file)) return false;
  const abs = path.resolve(root, file);
  const rel = path.relative(root, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
  return !/(^|[\\/])(node_modules|site-packages|dist-packages|\.venv|venv|__pypackages__)([\\/]|$)/.test(rel);
}

const resolved = new Map<string, string>();

export function resolveIn(root: string, file: string): string {
  const key = `${root}\u0000${file}`;
  let abs = resolved.get(key);
  if (abs === undefined) {
    if (resolved.size > 10_000) resolved.clear();
    resolved.set(key, (abs = path.resolve(root, file)));
  }
  return abs;
}

export function isTestFile(file: string): boolean {
  return /(^|[\\/])(tests?|__tests__|spec)[\\/]|(^|[\\/_.-])(test|spec)[^\\/]*$|_test\.(go|py)$/i.test(file);
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
  const related = deepest !== location ? [{ ...deepest, message: `raised here: ${message}` }] : [];
  return { location, related };
}

export function shorten(text: string, max = 300): string {
  const t = text.trim().replace(/\n{3,}/g, '\n\n');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
