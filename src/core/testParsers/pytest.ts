import * as fs from 'node:fs';
import { failureAt, locate, placeFailure, shorten, type ParsedTestOutput, type SourceLocation, type TestFailure, splitLines } from './types';

/** A traceback entry line: `tests/test_x.py:5: AssertionError` (long) or `tests/test_x.py:5: in test_x` (short). */
const ENTRY = /^(\S[^:]*\.py):(\d+):(?: (.*))?$/;
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

function readBlock(title: string, block: string[], root: string, nodeIds: Map<string, string>): TestFailure | undefined {
  const frames: SourceLocation[] = [];
  const errors: string[] = [];
  let lastErrors: string[] = [];
  for (let j = 0; j < block.length; j++) {
    const line = block[j];
    const quoted = QUOTED_FILE.exec(line);
    if (quoted) {
      const file = locate(root, quoted[1]);
      if (file) {
        const caret = block.slice(j + 1, j + 4).find((l) => /^E\s+\^/.test(l));
        const code = block[j + 1];
        // Python prints the line without its indentation: the caret's column is counted from the code.
        const column = caret && code ? caret.indexOf('^') - code.slice(1).search(/\S/) + indentation(file, Number(quoted[2])) : 1;
        frames.push({ file, line: Number(quoted[2]), column: Math.max(1, column) });
      }
      continue;
    }
    if (line.startsWith('E ')) {
      errors.push(line.slice(1).trim());
      continue;
    }
    const entry = ENTRY.exec(line);
    if (entry) {
      if (errors.length) lastErrors = errors.splice(0);
      const file = locate(root, entry[1]);
      if (file) frames.push({ file, line: Number(entry[2]), column: 1 });
    }
  }
  if (errors.length) lastErrors = errors;
  // The message: the assertion with its `where` explanations, or the exception's last line.
  const assertion = lastErrors.findIndex((l) => /^assert\b/.test(l) || /^AssertionError\b/.test(l));
  const text = assertion >= 0 ? lastErrors.slice(assertion, assertion + 4).join('\n') : lastErrors.filter((l) => !/^\s*[~^]+\s*$/.test(l) && !/^File "/.test(l)).at(-1);
  const message = shorten(text || title);
  const collecting = /^ERROR collecting (.+)$/.exec(title);
  const test = collecting ? collecting[1] : nodeIds.get(title.replace(/^ERROR at (?:setup|teardown) of /, '')) ?? title;
  // A collection error's raising line (a SyntaxError in an imported module) comes after the test file's frame.
  const placed = placeFailure(frames, message);
  return placed ? failureAt(placed, message, test) : undefined;
}

function totals(lines: string[]): Pick<ParsedTestOutput, 'passed' | 'failed'> {
  let last: string | undefined;
  for (let i = lines.length - 1; i >= 0 && last === undefined; i--) {
    const l = lines[i];
    if ((l.startsWith('=') && /^=+ .*\bin [\d.]+s\b.* =+$/.test(l)) || /^\d+ (passed|failed|errors?)\b.* in [\d.]+s/.test(l)) last = l;
  }
  if (!last) return { passed: undefined, failed: undefined };
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}\\b`).exec(last)?.[1] ?? 0);
  return { passed: count('passed'), failed: count('failed') + count('errors?') };
}

/** How many leading whitespace characters a source line has (0 when the file cannot be read). */
function indentation(file: string, line: number): number {
  try {
    const text = fs.readFileSync(file, 'utf8').split(/\r?\n/)[line - 1] ?? '';
    return text.length - text.trimStart().length;
  } catch {
    return 0;
  }
}
