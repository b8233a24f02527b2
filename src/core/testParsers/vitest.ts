import { expectMessage } from './jsExpect';
import { frames } from './stack';
import { failureAt, placeFailure, type ParsedTestOutput, type TestFailure, splitLines } from './types';

const RULE = /^⎯{3,}/;

/** vitest's default reporter: ` FAIL  file > suite > test` blocks, with `❯ file:line:col` frames. */
export function parseVitest(output: string, root: string): ParsedTestOutput {
  const lines = splitLines(output);
  const failures: TestFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = lines[i].startsWith(' FAIL ') ? /^ FAIL {1,2}(\S.*)$/.exec(lines[i]) : null;
    if (!head) continue;
    const block: string[] = [];
    for (i++; i < lines.length && !(lines[i].startsWith('⎯') && RULE.test(lines[i])) && !lines[i].startsWith(' FAIL '); i++) block.push(lines[i]);
    i--;
    const firstFrame = block.findIndex((l) => /^\s*❯ /.test(l));
    const message = expectMessage(firstFrame >= 0 ? block.slice(0, firstFrame) : block);
    const stack = block.filter((l) => /^\s*❯ /.test(l)).map((l) => l.replace('❯', 'at'));
    const placed = placeFailure(frames(stack, root), message);
    const [file, ...names] = head[1].split(' > ');
    if (placed) failures.push(failureAt(placed, message, names.length ? names.join(' ') : file));
  }
  const tests = /^\s+Tests\s+(.*)$/m.exec(output)?.[1] ?? '';
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(tests)?.[1] ?? 0);
  return { runner: 'vitest', failures, passed: tests ? count('passed') : undefined, failed: tests ? count('failed') : failures.length };
}
