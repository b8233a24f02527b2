/** The shapes every parser returns. */

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
  /** The values the runner printed as expected and actual, when it printed both (for a diff). */
  expected?: string;
  actual?: string;
}

export const RUNNER_NAMES = [
  'pytest',
  'unittest',
  'jest',
  'vitest',
  'mocha',
  'node',
  'go',
  'cargo',
  'tsc',
  'junit',
] as const;

export type RunnerName = (typeof RUNNER_NAMES)[number];

export interface ParsedTestOutput {
  runner: RunnerName;
  failures: TestFailure[];
  passed: number | undefined;
  failed: number | undefined;
}

/** Where a failure is shown, and the other frames worth seeing. */
export type Placement = { location: SourceLocation; related: TestFailure['related'] };

/** The values a runner printed as expected and actual. */
export type Values = { expected: string; actual: string };
