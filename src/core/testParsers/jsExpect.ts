import { shorten } from './types';

/**
 * The message of a jest or vitest failure: the error line, then the `Expected:` / `Received:` pair
 * when the matcher printed one (other diff lines are left out to keep it short).
 */
export function expectMessage(block: string[]): string {
  const text = block.map((l) => l.trim());
  const first = text.find((l) => l !== '') ?? 'test failed';
  const expected = text.find((l) => /^Expected(?: \w+)?: /.test(l));
  const received = text.find((l) => /^Received(?: \w+)?: /.test(l));
  return shorten([first, expected, received].filter(Boolean).join('\n'));
}
