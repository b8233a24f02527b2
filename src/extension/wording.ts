/** "1 file", "2 files": counts in messages are spelled out, never "file(s)". */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}
