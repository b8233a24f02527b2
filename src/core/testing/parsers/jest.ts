import { expectedActual, expectMessage } from './jsExpect';
import { compileError, jsFrames, placeJs } from './stack';
import { failureAt, fromSummary } from './failure';
import { locate } from './locate';
import { splitLines } from './text';
import type { ParsedTestOutput, Placement, TestFailure } from './types';

const CODE_FRAME = /^\s*(?:>\s*)?\d+ \|/;
const SUITE_FAILED = 'Test suite failed to run';

/**
 * jest's default reporter: `● suite › test` blocks with the error, a code frame and the stack.
 * `● Console` blocks are logs, not failures; a failure printed again in the closing summary of a
 * long run is reported once.
 */
export function parseJest(output: string, root: string): ParsedTestOutput {
  const lines = splitLines(output);
  const failures: TestFailure[] = [];
  const seen = new Set<string>();
  let file: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const suite =
      line.startsWith('FAIL ') || line.startsWith(' FAIL ') ? /^ ?FAIL {1,2}(\S.*?)(?: \(\d.*\))?$/.exec(line) : null;
    if (suite) file = suite[1].trim();
    const name = headOf(line);
    if (name === undefined) continue;
    const block: string[] = [];
    for (i++; i < lines.length && headOf(lines[i]) === undefined && !/^ ?(FAIL|PASS|Test Suites:) /.test(lines[i]); i++)
      block.push(lines[i]);
    i--;
    if (name === 'Console') continue;
    const messageLines = block.slice(0, block.findIndex((l) => CODE_FRAME.test(l) || /^\s+at /.test(l)) >>> 0);
    const message = expectMessage(messageLines);
    const placed: Placed | undefined =
      (name === SUITE_FAILED ? compileError(block, root) : undefined) ??
      placeJs(
        jsFrames(
          block.filter((l) => /^\s+at /.test(l)),
          root,
        ),
        message,
        root,
      ) ??
      suiteFile(file, root);
    if (!placed) continue;
    const key = `${name}@${placed.location.file}:${placed.location.line}:${placed.location.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    failures.push(
      failureAt(placed, placed.message ?? message, name.replace(/ › /g, ' '), expectedActual(messageLines)),
    );
  }
  return fromSummary('jest', failures, /^Tests:\s+(.*)$/m.exec(output)?.[1]);
}

/** The name of a `● …` block, or the suite-failed line of a paste that lost its `●` (undefined for other lines). */
function headOf(line: string): string | undefined {
  if (line.startsWith('  ● ')) return line.slice(4).trim();
  return line.includes(SUITE_FAILED) ? SUITE_FAILED : undefined;
}

type Placed = Placement & { message?: string };

/** A suite that failed to run with no stack: its file is the place. */
function suiteFile(file: string | undefined, root: string): Placed | undefined {
  const abs = file && locate(root, file);
  return abs ? { location: { file: abs, line: 1, column: 1 }, related: [] } : undefined;
}
