import { expectedActual, expectMessage } from './jsExpect';
import { jsFrames, placeJs } from './stack';
import { failureAt, fromSummary } from './failure';
import { splitLines } from './text';
import type { ParsedTestOutput, TestFailure } from './types';

const RULE = /^⎯{3,}/;

/**
 * vitest's default reporter: ` FAIL  file > suite > test` blocks, with `❯ file:line:col` frames.
 * Tests whose errors are identical are printed as several FAIL lines over one error.
 */
export function parseVitest(output: string, root: string): ParsedTestOutput {
  const lines = splitLines(output);
  const failures: TestFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const heads: string[] = [];
    for (let head = headOf(lines[i]); head !== undefined; head = headOf(lines[++i] ?? '')) heads.push(head);
    if (heads.length === 0) continue;
    const block: string[] = [];
    for (
      ;
      i < lines.length && !(lines[i].startsWith('⎯') && RULE.test(lines[i])) && !lines[i].startsWith(' FAIL ');
      i++
    )
      block.push(lines[i]);
    i--;
    const firstFrame = block.findIndex((l) => /^\s*❯ /.test(l));
    const messageLines = firstFrame >= 0 ? block.slice(0, firstFrame) : block;
    const message = expectMessage(messageLines);
    const stack = block.filter((l) => /^\s*❯ /.test(l)).map((l) => l.replace('❯', 'at'));
    const placed = placeJs(jsFrames(stack, root), message, root);
    if (!placed) continue;
    const values = expectedActual(messageLines);
    for (const head of heads) {
      const [file, ...names] = head.split(' > ');
      failures.push(failureAt(placed, message, names.length ? names.join(' ') : file, values));
    }
  }
  return fromSummary('vitest', failures, /^\s+Tests\s+(.*)$/m.exec(output)?.[1]);
}

/** `file > suite > test` of a ` FAIL  …` line (checked by hand first: it runs on every line). */
function headOf(line: string): string | undefined {
  if (!line.startsWith(' FAIL ')) return undefined;
  return /^ FAIL {1,2}(\S.*)$/.exec(line)?.[1];
}
