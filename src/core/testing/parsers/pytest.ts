import * as fs from 'node:fs';
import { failureAt, shorten } from './failure';
import { locate } from './locate';
import { splitLines } from './text';
import type { ParsedTestOutput, SourceLocation, TestFailure, Values } from './types';

/** A setup error's header: `file /abs/tests/test_x.py, line 12` (a fixture that is not found). */
const FIXTURE_FILE = /^file (.+\.py), line (\d+)$/;
/** A `SyntaxError` quoted inside an `E` line: `E     File "/abs/models.py", line 5`. */
const QUOTED_FILE = /^E\s+File "(.+?)", line (\d+)/;
const BLOCK_HEAD = /^_{3,} (.+?) _{3,}$/;
const SECTION = /^={3,} (.+?) ={3,}$/;

/**
 * pytest's default output: the FAILURES and ERRORS sections (failing tests, collection errors with
 * an imported module's `SyntaxError`), the short summary's node ids, and the final totals line.
 */
export function parsePytest(output: string, root: string): ParsedTestOutput {
  const lines = splitLines(output);
  const failures: TestFailure[] = [];
  const nodeIds = new Map<string, string>();
  for (const line of lines) {
    const m = /^(?:FAILED|ERROR) (\S+?)(?:::(\S+))?(?: - .*)?$/.exec(line);
    if (m) nodeIds.set(m[2]?.replace(/::/g, '.') ?? m[1], m[2] ? `${m[1]}::${m[2]}` : m[1]);
  }
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const s = SECTION.exec(lines[i]);
    if (s) {
      section = s[1];
      continue;
    }
    if (section !== 'FAILURES' && section !== 'ERRORS') continue;
    const head = BLOCK_HEAD.exec(lines[i]);
    if (!head) continue;
    const block: string[] = [];
    for (i++; i < lines.length && !BLOCK_HEAD.test(lines[i]) && !SECTION.test(lines[i]); i++) block.push(lines[i]);
    i--;
    const failure = readBlock(head[1], block, root, nodeIds);
    if (failure) failures.push(failure);
  }
  return { runner: 'pytest', failures, ...totals(lines) };
}

function readBlock(
  title: string,
  block: string[],
  root: string,
  nodeIds: Map<string, string>,
): TestFailure | undefined {
  const { frames, errors } = readTraceback(block, root);
  // The message: the assertion with its `where` explanations, or the exception's last line.
  const assertion = errors.findIndex((l) => /^assert\b/.test(l) || /^AssertionError\b/.test(l));
  const text =
    assertion >= 0
      ? errors.slice(assertion, assertion + 4).join('\n')
      : errors.filter((l) => !/^\s*[~^]+\s*$/.test(l) && !/^File "/.test(l)).at(-1);
  const message = shorten(text || title);
  const collecting = /^ERROR collecting (.+)$/.exec(title);
  const name = title.replace(/^ERROR at (?:setup|teardown) of /, '');
  const test = collecting ? collecting[1] : (nodeIds.get(name) ?? name);
  if (frames.length === 0) return undefined;
  // pytest's traceback starts at the test function (or the fixture, or the collected module's
  // import): that line is the failure's place, wherever it raised (a helper, project code).
  const deepest = frames.at(-1)!;
  const related = deepest !== frames[0] ? [{ ...deepest, message: `raised here: ${message}` }] : [];
  return failureAt(
    { location: frames[0], related },
    message,
    test,
    assertion >= 0 ? expectedActual(errors[assertion]) : undefined,
  );
}

/** A block's traceback: its frames, outermost first, and the `E` lines of the last one that has them. */
function readTraceback(block: string[], root: string): { frames: SourceLocation[]; errors: string[] } {
  const frames: SourceLocation[] = [];
  const errors: string[] = [];
  let lastErrors: string[] = [];
  for (let j = 0; j < block.length; j++) {
    const line = block[j];
    const quoted = QUOTED_FILE.exec(line);
    if (quoted) {
      addQuotedFrame(frames, block, j, locate(root, quoted[1]), Number(quoted[2]));
      continue;
    }
    if (line.startsWith('E ')) {
      errors.push(line.slice(1).trim());
      continue;
    }
    const fixture = line.startsWith('file ') ? FIXTURE_FILE.exec(line) : null;
    if (fixture) {
      addFrame(frames, locate(root, fixture[1]), Number(fixture[2]));
      continue;
    }
    const entry = entryOf(line);
    if (entry) {
      if (errors.length) lastErrors = errors.splice(0);
      addFrame(frames, locate(root, entry.file), entry.line);
    }
  }
  return { frames, errors: errors.length ? errors : lastErrors };
}

/** The place a quoted `SyntaxError` names, at the column of the caret under its code. */
function addQuotedFrame(
  frames: SourceLocation[],
  block: string[],
  j: number,
  file: string | undefined,
  line: number,
): void {
  if (!file) return;
  const caret = block.slice(j + 1, j + 4).find((l) => /^E\s+\^/.test(l));
  const code = block[j + 1];
  // Python prints the line without its indentation: the caret's column is counted from the code.
  const column = caret && code ? caret.indexOf('^') - code.slice(1).search(/\S/) + indentation(file, line) : 1;
  addFrame(frames, file, line, Math.max(1, column));
}

/** A frame, unless the same line was the last one (a setup error names its test's line twice). */
function addFrame(frames: SourceLocation[], file: string | undefined, line: number, column = 1): void {
  const last = frames[frames.length - 1];
  if (file && !(last && last.file === file && last.line === line)) frames.push({ file, line, column });
}

/**
 * A traceback entry: `tests/test_x.py:5: AssertionError` (long), `tests/test_x.py:5: in test_x`
 * (short), a helper's `failure_demo.py:35:` or a setup error's last line `/abs/test_x.py:12`
 * (Windows paths too). Read by hand: a path may hold colons.
 */
function entryOf(line: string): { file: string; line: number } | undefined {
  if (line.length > 4096 || line.startsWith(' ') || line.startsWith('>')) return undefined;
  const at = line.indexOf('.py:');
  if (at < 0) return undefined;
  const m = /^(\d+)(?::(?: .*)?)?$/.exec(line.slice(at + 4));
  return m ? { file: line.slice(0, at + 3), line: Number(m[1]) } : undefined;
}

/** `assert 4 == 5` (pytest's rewrite: left is the actual value) or unittest's `AssertionError: 4 != 5`. */
function expectedActual(line: string): Values | undefined {
  const m = /^(?:AssertionError: )?assert (.+)$/.exec(line);
  const [body, operator] = m ? [m[1], ' == '] : [line.replace(/^AssertionError: /, ''), ' != '];
  const at = body.indexOf(operator);
  if (at < 0 || body.indexOf(operator, at + 1) >= 0 || (!m && !line.startsWith('AssertionError: '))) return undefined;
  return { expected: body.slice(at + operator.length), actual: body.slice(0, at) };
}

function totals(lines: string[]): Pick<ParsedTestOutput, 'passed' | 'failed'> {
  let last: string | undefined;
  for (let i = lines.length - 1; i >= 0 && last === undefined; i--) {
    const l = lines[i];
    if (
      (l.startsWith('=') && /^=+ .*\bin [\d.]+s\b.* =+$/.test(l)) ||
      /^\d+ (passed|failed|errors?)\b.* in [\d.]+s/.test(l)
    )
      last = l;
  }
  if (!last) return { passed: undefined, failed: undefined };
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}\\b`).exec(last)?.[1] ?? 0);
  return { passed: count('passed'), failed: count('failed') + count('errors?') };
}

/** How many leading whitespace characters a source line has (0 when the file cannot be read). */
export function indentation(file: string, line: number): number {
  try {
    const text = fs.readFileSync(file, 'utf8').split(/\r?\n/)[line - 1] ?? '';
    return text.length - text.trimStart().length;
  } catch {
    return 0;
  }
}
