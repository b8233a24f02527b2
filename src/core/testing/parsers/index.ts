import { parseCargo } from './cargo';
import { parseGo } from './go';
import { parseJest } from './jest';
import { parseJunit } from './junit';
import { parseMocha } from './mocha';
import { parseNodeTest } from './nodeTest';
import { parsePytest } from './pytest';
import { parseTsc } from './tsc';
import { forgetLocated } from './locate';
import { stripAnsi } from './text';
import type { ParsedTestOutput, RunnerName } from './types';
import { parseUnittest } from './unittest';
import { parseVitest } from './vitest';

export type { ParsedTestOutput, RunnerName, SourceLocation, TestFailure } from './types';
export { RUNNER_NAMES } from './types';

const PARSERS: Record<RunnerName, (output: string, root: string) => ParsedTestOutput> = {
  pytest: parsePytest,
  unittest: parseUnittest,
  jest: parseJest,
  vitest: parseVitest,
  mocha: parseMocha,
  node: parseNodeTest,
  go: parseGo,
  cargo: parseCargo,
  tsc: parseTsc,
  junit: parseJunit,
};

/** Tell-tale lines of each runner, tried in this order (pytest before unittest, jest before tsc …). */
const TELLS: [RunnerName, RegExp[]][] = [
  ['junit', [/^\s*(<\?xml[^>]*>\s*)?<testsuites?[\s>]/]],
  ['pytest', [/^=+ test session starts =+$/m, /^=+ (FAILURES|ERRORS|short test summary info) =+$/m]],
  ['unittest', [/^Ran \d+ tests? in /m, /^(FAIL|ERROR): \S+ \(/m]],
  ['jest', [/^Tests:\s+\d+ /m, /^Test Suites:\s+\d+ /m]],
  ['vitest', [/^\s+Test Files\s+\d+ /m, /^ FAIL {1,2}\S.* > /m]],
  ['mocha', [/^\s+\d+ passing \(\d+m?s\)$/m]],
  ['node', [/^# (?:pass|fail) \d+$/m, /^ℹ (?:pass|fail) \d+$/m]],
  // A run that stops at a compile error has no summary, only rustc's errors and cargo's last word.
  ['cargo', [/^test result: (?:ok|FAILED)\. /m, /^---- \S+ stdout ----$/m, /^error: could not compile `[^`\n]+`/m]],
  ['go', [/^\s*--- FAIL: /m, /^(?:ok|FAIL)\s+\S+\s+(?:[\d.]+s|\(cached\))$/m, /^FAIL\s+\S+ \[build failed\]$/m]],
  ['tsc', [/\(\d+,\d+\): error TS\d+:/, /:\d+:\d+ - error TS\d+:/]],
];

/** Which runner printed this output, from its tell-tale lines. */
export function detectRunner(raw: string): RunnerName | undefined {
  const output = stripAnsi(raw);
  return TELLS.find(([, tells]) => tells.some((t) => t.test(output)))?.[0];
}

/** Parses a test run's output; `runner` 'auto' (the default) detects it. Never throws. */
export function parseTestOutput(
  output: string,
  root: string,
  runner: RunnerName | 'auto' = 'auto',
): ParsedTestOutput | undefined {
  const text = stripAnsi(output);
  const name = runner === 'auto' ? detectRunner(text) : runner;
  if (!name) return undefined;
  forgetLocated(root);
  try {
    return withFailedCount(PARSERS[name](text, root));
  } catch {
    return { runner: name, failures: [], passed: undefined, failed: undefined };
  }
}

/**
 * The failed count is never below the failing tests that were located: a suite that failed to run
 * (jest's "Tests: 0 total"), a setup error, or output without its summary would say "0 failed" beside them.
 */
function withFailedCount(parsed: ParsedTestOutput): ParsedTestOutput {
  // Distinct tests are never more than the failures: most outputs stop here.
  if (parsed.failures.length === 0 || (parsed.failed ?? 0) >= parsed.failures.length) return parsed;
  const tests = new Set(parsed.failures.map((f) => f.test ?? `${f.location.file}:${f.location.line}`)).size;
  return (parsed.failed ?? 0) >= tests ? parsed : { ...parsed, failed: tests };
}
