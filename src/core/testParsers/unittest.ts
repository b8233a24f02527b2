import { failureAt, locate, placeFailure, shorten, type ParsedTestOutput, type SourceLocation, type TestFailure, splitLines } from './types';

const HEADER = /^(FAIL|ERROR): (\S+) \(([^)]*)\)/;
const FRAME = /^\s*File "(.+?)", line (\d+)(?:, in (.+))?$/;

/** Python `unittest` output: FAIL/ERROR blocks with tracebacks, then "Ran N tests" and the totals. */
export function parseUnittest(output: string, root: string): ParsedTestOutput {
  const lines = splitLines(output);
  const failures: TestFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = HEADER.exec(lines[i]);
    if (!header) continue;
    const test = `${header[3]}`.trim() || header[2];
    const frames: SourceLocation[] = [];
    let j = i + 1;
    if (/^-{20,}$/.test(lines[j] ?? '')) j++;
    let lastLine = '';
    // The block runs to the next ===== (another failure) or ----- (the totals).
    for (; j < lines.length && !/^(=|-){20,}$/.test(lines[j]); j++) {
      const frame = FRAME.exec(lines[j]);
      if (frame) {
        const file = locate(root, frame[1]);
        if (file) frames.push({ file, line: Number(frame[2]), column: 1 });
        continue;
      }
      if (lines[j].trim() && !/^\s/.test(lines[j]) && !/^Traceback/.test(lines[j])) lastLine = lines[j];
      else if (/^\s+\^/.test(lines[j]) && frames.length > 0) {
        // A caret under a SyntaxError points at the column.
        frames[frames.length - 1].column = lines[j].indexOf('^') - lines[j].search(/\S/) + 1;
      }
    }
    const message = shorten(lastLine || `${header[1]} in ${header[2]}`);
    const placed = placeFailure(frames, message);
    if (placed) failures.push(failureAt(placed, message, test));
    i = j - 1;
  }
  const ran = /^Ran (\d+) tests?/m.exec(output);
  const totals = /^FAILED \(([^)]*)\)/m.exec(output);
  const count = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(totals?.[1] ?? '')?.[1] ?? 0);
  const failed = totals ? count('failures') + count('errors') : ran ? 0 : undefined;
  const skipped = totals ? count('skipped') : Number(/skipped=(\d+)/.exec(output)?.[1] ?? 0);
  return { runner: 'unittest', failures, passed: ran && failed !== undefined ? Number(ran[1]) - failed - skipped : undefined, failed };
}
