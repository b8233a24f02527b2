import { locate, stripAnsi, type ParsedTestOutput, type TestFailure, splitLines } from './types';

const PLAIN = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/;
const PRETTY = /^(.+?):(\d+):(\d+) - (error|warning) (TS\d+): (.*)$/;

/** `tsc` diagnostics, in the plain `file(line,col)` form or the pretty `file:line:col - error` form. */
export function parseTsc(output: string, root: string): ParsedTestOutput {
  const failures: TestFailure[] = [];
  for (const raw of splitLines(stripAnsi(output))) {
    if (!raw.includes(' TS')) continue;
    const m = PLAIN.exec(raw) ?? PRETTY.exec(raw);
    const file = m && m[4] === 'error' && locate(root, m[1]);
    if (!m || !file) continue;
    failures.push({ location: { file, line: Number(m[2]), column: Number(m[3]) }, message: `${m[5]}: ${m[6]}`, test: undefined, related: [] });
  }
  return { runner: 'tsc', failures, passed: undefined, failed: failures.length };
}
