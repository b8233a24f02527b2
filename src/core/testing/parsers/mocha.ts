import { jsFrames, placeJs } from './stack';
import { failureAt, shorten } from './failure';
import { splitLines } from './text';
import type { ParsedTestOutput, TestFailure } from './types';

/** Node's assertion messages that say nothing beyond the values: shown as "expected X, got Y". */
const GENERIC = /^(\w*Error)(?: \[\w+\])?: (Expected values to be|Input A expected to|Values identical but not)/;

/** mocha's spec reporter: the numbered failure blocks after "N failing", and the totals. */
export function parseMocha(output: string, root: string): ParsedTestOutput {
  const lines = splitLines(output);
  const start = lines.findIndex((l) => /^\s*\d+ failing\s*$/.test(l));
  const failures: TestFailure[] = [];
  // Without the "N failing" line (a pasted fragment) the blocks are read from the top.
  for (let i = start < 0 ? 0 : start + 1; i < lines.length; i++) {
    const head = lines[i].startsWith('  ') ? /^ {2}(\d+)\) (.*)$/.exec(lines[i]) : null;
    if (!head) continue;
    const block: string[] = [];
    for (i++; i < lines.length && !isHead(lines[i]); i++) block.push(lines[i]);
    i--;
    // The title runs over the lines up to the one that ends with ':'.
    const titleEnd = block.findIndex(isTitleEnd);
    const title = [head[2], ...block.slice(0, titleEnd + 1).map((l) => l.trim())].join(' ').replace(/:\s*$/, '');
    const rest = block.slice(titleEnd + 1);
    const errorLine = rest.find((l) => l.trim() !== '')?.trim() ?? 'test failed';
    const values = diffValues(rest);
    const generic = GENERIC.exec(errorLine);
    const name = generic?.[1] ?? /^(\w*Error)\b/.exec(errorLine)?.[1] ?? 'AssertionError';
    const message = shorten(
      values && (generic || !/:\s*\S/.test(errorLine))
        ? `${name}: expected ${values.expected}, got ${values.actual}`
        : errorLine.replace(/ \[\w+\]:/, ':'),
    );
    const placed = placeJs(jsFrames(rest, root), message, root);
    if (!placed) continue;
    failures.push(failureAt(placed, message, title, values));
  }
  // The summary: the last "N passing" line and the "N failing" after it.
  const count = (word: string) => {
    const pattern = new RegExp(`^\\s*(\\d+) ${word}\\b`);
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = lines[i].includes(word) ? pattern.exec(lines[i]) : null;
      if (m) return Number(m[1]);
    }
    return undefined;
  };
  return { runner: 'mocha', failures, passed: count('passing') ?? 0, failed: count('failing') ?? 0 };
}

/**
 * Expected and actual from the diff mocha prints under `+ expected - actual` (Node's own assertion
 * messages say `+ actual - expected`), when each side is one line.
 */
function diffValues(rest: string[]): { expected: string; actual: string } | undefined {
  const at = rest.findIndex((l) => /^\s*\+ (expected - actual|actual - expected)\s*$/.test(l));
  if (at < 0) return undefined;
  const plusIsExpected = rest[at].includes('+ expected');
  const plus: string[] = [];
  const minus: string[] = [];
  for (const raw of rest.slice(at + 1)) {
    const l = raw.trimStart();
    // The frames, or the other side's diff (mocha repeats Node's own under its header), end it.
    if (l.startsWith('at ') || /^\+ (expected - actual|actual - expected)\s*$/.test(l)) break;
    if (l.startsWith('+')) plus.push(l.slice(1));
    else if (l.startsWith('-')) minus.push(l.slice(1));
    // Node marks where two strings part with a caret line.
    else if (l.trim() !== '' && !/^\^+\s*$/.test(l)) return undefined;
  }
  if (plus.length !== 1 || minus.length !== 1) return undefined;
  // mocha writes `-value`; Node's assertion diff writes `- value`.
  const value = (v: string) => (plusIsExpected ? v : v.replace(/^ /, ''));
  return plusIsExpected
    ? { expected: value(plus[0]), actual: value(minus[0]) }
    : { expected: value(minus[0]), actual: value(plus[0]) };
}

/** The last line of a nested title: indented by five or more, ending with ':' (checked by hand: it runs on every line of a block). */
function isTitleEnd(line: string): boolean {
  let end = line.length - 1;
  while (end >= 0 && (line.charCodeAt(end) === 32 || line.charCodeAt(end) === 9)) end--;
  return end > 5 && line.charCodeAt(end) === 58 && /^\s{5,}\S/.test(line);
}

/** `  3) suite`: a failure block's first line (checked by hand first: it runs on every line). */
function isHead(line: string): boolean {
  const c = line.charCodeAt(2);
  return line.startsWith('  ') && c >= 48 && c <= 57 && /^ {2}\d+\) /.test(line);
}
