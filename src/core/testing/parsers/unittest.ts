import { indentation } from './pytest';
import { failureAt, placeFailure, shorten } from './failure';
import { locate } from './locate';
import { splitLines } from './text';
import type { ParsedTestOutput, SourceLocation, TestFailure } from './types';

const HEADER = /^(FAIL|ERROR): (\S+) \(([^)]*)\)(.*)$/;
const FRAME = /^\s*File "(.+?)", line (\d+)(?:, in (.+))?$/;
const RULE = /^(=|-){20,}$/;

/** Python `unittest` output: FAIL/ERROR blocks with tracebacks, then "Ran N tests" and the totals. */
export function parseUnittest(output: string, root: string): ParsedTestOutput {
  const lines = splitLines(output);
  const failures: TestFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = HEADER.exec(lines[i]);
    if (!header) continue;
    const traceback = readTraceback(lines, tracebackStart(lines, i + 1), root);
    const failure = failureOf(header, lines, traceback, root);
    if (failure) failures.push(failure);
    i = traceback.end - 1;
  }
  return { runner: 'unittest', failures, ...totals(output) };
}

/** The line after the header's rule (a test with a docstring has its first line printed before the rule). */
function tracebackStart(lines: string[], j: number): number {
  if (!RULE.test(lines[j] ?? '') && RULE.test(lines[j + 1] ?? '')) j++;
  if (/^-{20,}$/.test(lines[j] ?? '')) j++;
  return j;
}

/**
 * A failure's traceback, lines `start` to `end` (the next ===== of another failure, or the ----- of the
 * totals): its frames, and where the exception starts (the first unindented line after the frames, the
 * last one when chained), or -1.
 */
interface Traceback {
  start: number;
  end: number;
  frames: SourceLocation[];
  exception: number;
}

function readTraceback(lines: string[], start: number, root: string): Traceback {
  const frames: SourceLocation[] = [];
  let exception = -1;
  let indented = true;
  let j = start;
  for (; j < lines.length && !RULE.test(lines[j]); j++) {
    const line = lines[j];
    const frame = FRAME.exec(line);
    if (frame) {
      const file = locate(root, frame[1]);
      if (file) frames.push({ file, line: Number(frame[2]), column: 1 });
      // A SyntaxError's frame has no function; the caret under its code gives the column.
      if (file && !frame[3]) caretColumn(lines, j, frames[frames.length - 1]);
      indented = true;
      continue;
    }
    const isIndented = /^\s/.test(line);
    if (line.trim() && !isIndented && indented && !/^(Traceback|During handling|The above exception)/.test(line))
      exception = j;
    indented = isIndented || !line.trim();
  }
  return { start, end: j, frames, exception };
}

function failureOf(
  header: RegExpExecArray,
  lines: string[],
  traceback: Traceback,
  root: string,
): TestFailure | undefined {
  const { start, end, exception } = traceback;
  const text = exception >= 0 ? lines.slice(exception, end).filter((l) => l.trim()) : [];
  const message = shorten(
    text.slice(0, 4).join('\n') ||
      lines
        .slice(start, end)
        .filter((l) => l.trim())
        .at(-1) ||
      `${header[1]} in ${header[2]}`,
  );
  const placed = placeFailure(traceback.frames, message, root);
  if (!placed) return undefined;
  // assertEqual(first, second) prints `first != second`; the first is the value under test.
  const values = /^AssertionError: (.+?) != (.+)$/.exec(text[0] ?? '');
  return failureAt(
    placed,
    message,
    testName(header),
    values && !values[2].includes(' != ') ? { expected: values[2], actual: values[1] } : undefined,
  );
}

/** "Ran N tests" and the `FAILED (failures=1, errors=2, skipped=3)` line. */
function totals(output: string): Pick<ParsedTestOutput, 'passed' | 'failed'> {
  const ran = /^Ran (\d+) tests?/m.exec(output);
  const totals = /^FAILED \(([^)]*)\)/m.exec(output);
  const count = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(totals?.[1] ?? '')?.[1] ?? 0);
  const failed = totals ? count('failures') + count('errors') : ran ? 0 : undefined;
  const skipped = totals ? count('skipped') : Number(/skipped=(\d+)/.exec(output)?.[1] ?? 0);
  return { passed: ran && failed !== undefined ? Number(ran[1]) - failed - skipped : undefined, failed };
}

/**
 * `module.Class.test_x` from `test_x (module.Class.test_x)` (Python 3.11+) or `test_x
 * (module.Class)` (before), with a subTest's parameters: `test_x (module.Class.test_x) (i=1)`.
 */
function testName(header: RegExpExecArray): string {
  const [, , method, where, rest] = header;
  const name = !where ? method : where.endsWith(`.${method}`) ? where : `${where}.${method}`;
  const sub = rest.trim();
  return sub ? `${name} ${sub}` : name;
}

function caretColumn(lines: string[], at: number, frame: SourceLocation): void {
  const caret = lines.slice(at + 1, at + 4).find((l) => /^\s+\^/.test(l));
  const code = lines[at + 1];
  // Python prints the code without its indentation: the caret's column is counted from the code.
  if (caret && code)
    frame.column = Math.max(1, caret.indexOf('^') - code.search(/\S/) + 1 + indentation(frame.file, frame.line));
}
