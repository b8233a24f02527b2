import { parseMocha } from './mocha';
import { parseNodeTest } from './nodeTest';
import { parseTsc } from './tsc';
import { stripAnsi, type ParsedTestOutput, type RunnerName } from './types';
import { parseUnittest } from './unittest';

export type { ParsedTestOutput, RunnerName, SourceLocation, TestFailure } from './types';

const PARSERS: Record<RunnerName, (output: string, root: string) => ParsedTestOutput> = {
  unittest: parseUnittest,
  node: parseNodeTest,
  mocha: parseMocha,
  tsc: parseTsc,
};

/** Which runner printed this output, from its tell-tale lines. */
export function detectRunner(raw: string): RunnerName | undefined {
  const output = stripAnsi(raw);
  if (/^Ran \d+ tests? in /m.test(output) || /^(FAIL|ERROR): \S+ \(/m.test(output)) return 'unittest';
  if (/^\s+\d+ passing \(\d+m?s\)$/m.test(output)) return 'mocha';
  if (/^# (?:pass|fail) \d+$/m.test(output) || /^ℹ (?:pass|fail) \d+$/m.test(output)) return 'node';
  if (/\(\d+,\d+\): error TS\d+:/.test(output) || /:\d+:\d+ - error TS\d+:/.test(output)) return 'tsc';
  return undefined;
}

/** Parses a test run's output; `runner` 'auto' (the default) detects it. Never throws. */
export function parseTestOutput(output: string, root: string, runner: RunnerName | 'auto' = 'auto'): ParsedTestOutput | undefined {
  const text = stripAnsi(output);
  const name = runner === 'auto' ? detectRunner(text) : runner;
  if (!name) return undefined;
  try {
    return PARSERS[name](text, root);
  } catch {
    return { runner: name, failures: [], passed: undefined, failed: undefined };
  }
}
