import { frames } from './stack';
import { failureAt, placeFailure, shorten, type ParsedTestOutput, type TestFailure, splitLines } from './types';

/** mocha's spec reporter: the numbered failure blocks after "N failing", and the totals. */
export function parseMocha(output: string, root: string): ParsedTestOutput {
  const lines = splitLines(output);
  const start = lines.findIndex((l) => /^\s*\d+ failing\s*$/.test(l));
  const failures: TestFailure[] = [];
  for (let i = start < 0 ? lines.length : start + 1; i < lines.length; i++) {
    const head = lines[i].startsWith('  ') ? /^ {2}(\d+)\) (.*)$/.exec(lines[i]) : null;
    if (!head) continue;
    const block: string[] = [];
    for (i++; i < lines.length && !isHead(lines[i]); i++) block.push(lines[i]);
    i--;
    // The title runs over the lines up to the one that ends with ':'.
    const titleEnd = block.findIndex((l) => /:\s*$/.test(l) && /^\s{5,}\S/.test(l));
    const title = [head[2], ...block.slice(0, titleEnd + 1).map((l) => l.trim())].join(' ').replace(/:\s*$/, '');
    const rest = block.slice(titleEnd + 1);
    const errorLine = rest.find((l) => l.trim() !== '')?.trim().replace(/ \[\w+\]:/, ':') ?? 'test failed';
    const diff = rest.findIndex((l) => l.trim() === '+ actual - expected');
    const actual = diff >= 0 ? rest.slice(diff + 1).find((l) => l.startsWith('+ '))?.slice(2) : undefined;
    const expected = diff >= 0 ? rest.slice(diff + 1).find((l) => l.startsWith('- '))?.slice(2) : undefined;
    const name = /^(\w*Error)\b/.exec(errorLine)?.[1] ?? 'AssertionError';
    const message = shorten(actual !== undefined && expected !== undefined ? `${name}: expected ${expected}, got ${actual}` : errorLine);
    const placed = placeFailure(frames(rest, root), message);
    if (placed) failures.push(failureAt(placed, message, title));
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

/** `  3) suite`: a failure block's first line (checked by hand first: it runs on every line). */
function isHead(line: string): boolean {
  const c = line.charCodeAt(2);
  return line.startsWith('  ') && c >= 48 && c <= 57 && /^ {2}\d+\) /.test(line);
}
