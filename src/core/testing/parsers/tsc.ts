import { locate } from './locate';
import { stripAnsi, splitLines } from './text';
import type { ParsedTestOutput, TestFailure } from './types';

const PLAIN = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/;
const PRETTY = /^(.+?):(\d+):(\d+) - (error|warning) (TS\d+): (.*)$/;
/** A related location under a pretty error: an indented `file:line:col` alone on its line. */
const RELATED = /^\s+(\S[^:]*):(\d+):(\d+)$/;

/**
 * `tsc` diagnostics, in the plain `file(line,col)` form or the pretty `file:line:col - error` form,
 * also as build tools print them: indented, or behind `ERROR in ` (the Angular CLI, webpack).
 */
export function parseTsc(output: string, root: string): ParsedTestOutput {
  const failures: TestFailure[] = [];
  let last: TestFailure | undefined;
  for (const raw of splitLines(stripAnsi(output))) {
    if (!raw.includes(' TS')) {
      const related = last && raw.startsWith(' ') && raw.includes(':') ? RELATED.exec(raw) : null;
      const file = related && locate(root, related[1]);
      if (last && related && file)
        last.related.push({
          file,
          line: Number(related[2]),
          column: Number(related[3]),
          message: `see also: ${last.message}`,
        });
      else if (raw.trim() && !raw.startsWith(' ')) last = undefined;
      continue;
    }
    const m = PLAIN.exec(raw) ?? PRETTY.exec(raw);
    const file = m && m[4] === 'error' && printedFile(root, m[1]);
    if (!m || !file) continue;
    last = {
      location: { file, line: Number(m[2]), column: Number(m[3]) },
      message: `${m[5]}: ${m[6]}`,
      test: undefined,
      related: [],
    };
    failures.push(last);
  }
  return { runner: 'tsc', failures, passed: undefined, failed: failures.length };
}

/** The file of a diagnostic, also when a tool printed a word or two before it. */
function printedFile(root: string, text: string): string | undefined {
  const trimmed = text.trim();
  const found = locate(root, trimmed);
  if (found || !trimmed.includes(' ')) return found;
  const behind = /\bERROR in (.+)$/i.exec(trimmed)?.[1];
  return (
    (behind && locate(root, behind)) || locate(root, trimmed.slice(trimmed.lastIndexOf(' ') + 1).replace(/^\*+/, ''))
  );
}
