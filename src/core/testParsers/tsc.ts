import { resolveIn, stripAnsi, type ParsedTestOutput, type TestFailure, splitLines } from './types';

const PLAIN = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/;
const PRETTY = /^(.+?):(\d+):(\d+) - (error|warning) (TS\d+): (.*)$/;

/** `tsc` diagnostics, in the plain `file(line,col)` form or the pretty `file:line:col - error` form. */
export function parseTsc(output: string, root: string): ParsedTestOutput {
  const failures: TestFailure[] = [];
  for (const raw of splitLines(stripAnsi(output))) {
    if (!raw.includes(' TS')) continue;
    const m = PLAIN.exec(raw) ?? PRETTY.exec(raw);
    if (!m || m[4] !== 'error') continue;
    failures.push({ location: { file: resolveIn(root, m[1].trim()), line: Number(m[2]), column: Number(m[3]) }, message: `${m[5]}: ${m[6]}`, test: undefined, related: [] });
  }
  return { runner: 'tsc', failures, passed: undefined, failed: failures.length };
}
