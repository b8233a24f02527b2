import { shorten } from './failure';

/** Lines jest prints before the error itself when the test environment may be the cause. */
const HINT = /^(The error below may be caused by|Consider using the ")/;

/**
 * The message of a jest or vitest failure: the error line, then the `Expected:` / `Received:` pair
 * when the matcher printed one (other diff lines are left out to keep it short).
 */
export function expectMessage(block: string[]): string {
  const text = block.map((l) => l.trim());
  const first = text.find((l) => l !== '' && !HINT.test(l)) ?? 'test failed';
  const expected = text.find((l) => /^Expected(?: \w+)?: /.test(l));
  const received = text.find((l) => /^Received(?: \w+)?: /.test(l));
  return shorten([first, expected, received].filter(Boolean).join('\n'));
}

/**
 * The expected and received values as the runner printed them, for a diff: jest's
 * `Expected: 2` / `Received: 1` lines, or a one-line `- Expected` / `+ Received` diff.
 */
export function expectedActual(block: string[]): { expected: string; actual: string } | undefined {
  let expected: string | undefined;
  let actual: string | undefined;
  let diff = -1;
  for (let i = 0; i < block.length; i++) {
    const l = block[i].trim();
    if (expected === undefined && l.startsWith('Expected: ')) expected = l.slice(10);
    else if (actual === undefined && l.startsWith('Received: ')) actual = l.slice(10);
    else if (diff < 0 && /^- Expected\b/.test(l) && /^\+ Received\b/.test(block[i + 1]?.trim() ?? '')) diff = i + 2;
  }
  if (expected !== undefined && actual !== undefined) return { expected, actual };
  if (diff < 0) return undefined;
  // A one-line diff: exactly one `-` line (expected) and one `+` line (received).
  const minus: string[] = [];
  const plus: string[] = [];
  for (let i = diff; i < block.length; i++) {
    const l = block[i].trim();
    if (l.startsWith('❯ ') || l.startsWith('at ')) break;
    if (l.startsWith('- ')) minus.push(l.slice(2));
    else if (l.startsWith('+ ')) plus.push(l.slice(2));
    else if (l !== '') return undefined;
  }
  return minus.length === 1 && plus.length === 1 ? { expected: minus[0], actual: plus[0] } : undefined;
}
