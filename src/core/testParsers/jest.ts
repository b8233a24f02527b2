import { expectMessage } from './jsExpect';
import { frames } from './stack';
import { failureAt, locate, placeFailure, type ParsedTestOutput, type TestFailure, splitLines } from './types';

const CODE_FRAME = /^\s*(?:>\s*)?\d+ \|/;

/** jest's default reporter: `● suite › test` blocks with the error, a code frame and the stack. */
export function parseJest(output: string, root: string): ParsedTestOutput {
  const lines = splitLines(output);
  const failures: TestFailure[] = [];
  let file: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const suite = line.startsWith('FAIL ') ? /^FAIL (\S.*?)(?: \(\d.*\))?$/.exec(line) : null;
    if (suite) file = suite[1].trim();
    const head = line.startsWith('  ● ') ? /^ {2}● (.+)$/.exec(line) : null;
    if (!head) continue;
    const block: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith('  ● ') && !/^(FAIL|PASS|Test Suites:) /.test(lines[i]); i++) block.push(lines[i]);
    i--;
    const messageLines = block.slice(0, block.findIndex((l) => CODE_FRAME.test(l) || /^\s+at /.test(l)) >>> 0);
    const message = expectMessage(messageLines);
    const stack = block.filter((l) => /^\s+at /.test(l));
    // A suite that failed to run ("Test suite failed to run") may have no stack: its file is the place.
    const suiteFile = file && locate(root, file);
    const placed = placeFailure(frames(stack, root), message) ?? (suiteFile ? { location: { file: suiteFile, line: 1, column: 1 }, related: [] } : undefined);
    if (placed) failures.push(failureAt(placed, message, head[1].replace(/ › /g, ' ')));
  }
  const tests = /^Tests:\s+(.*)$/m.exec(output)?.[1] ?? '';
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(tests)?.[1] ?? 0);
  return { runner: 'jest', failures, passed: tests ? count('passed') : undefined, failed: tests ? count('failed') : failures.length };
}
