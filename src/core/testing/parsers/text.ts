/** Line and escape handling for runner output. */

export { stripAnsi } from '../../terminalText';

/** The lines of an output, without their line endings (faster than splitting on a pattern). */
export function splitLines(text: string): string[] {
  return (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).split('\n');
}
