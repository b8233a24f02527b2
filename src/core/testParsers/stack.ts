import { locate, type SourceLocation } from './types';

const MAX_FRAME_LINE = 4096;
const LOCATION = /^(.+):(\d+):(\d+)$/;
const PATH_SHAPE = /^(?:\/|[A-Za-z]:\\|\.{1,2}\/)|^[^():\s]+\.[cm]?[jt]sx?$/;

/**
 * One frame of a JavaScript stack (`at fn (file:1:2)`, `at file:1:2`, vitest's `❯ fn file:1:2`):
 * the location is inside the last parentheses, or the last word. Read by hand rather than with one
 * regular expression, which backtracks badly on long or hostile lines.
 */
function frameLocation(raw: string): { file: string; line: number; column: number } | undefined {
  if (raw.length > MAX_FRAME_LINE || raw.length < 5) return undefined;
  const line = raw.trim();
  // A frame ends with its column, or with the parenthesis around the location.
  const last = line.charCodeAt(line.length - 1);
  if (last !== 41 && (last < 48 || last > 57)) return undefined;
  let where: string;
  if (line.endsWith(')')) {
    const open = line.lastIndexOf('(');
    if (open < 0) return undefined;
    where = line.slice(open + 1, -1);
  } else {
    where = line.slice(line.lastIndexOf(' ') + 1);
  }
  const m = LOCATION.exec(where);
  if (!m || !PATH_SHAPE.test(m[1]) || m[1].includes('(')) return undefined;
  return { file: m[1], line: Number(m[2]), column: Number(m[3]) };
}

/** Project frames of a JavaScript stack, outermost first. */
export function frames(stack: string[], root: string): SourceLocation[] {
  const found: SourceLocation[] = [];
  for (const line of stack) {
    const at = frameLocation(line);
    const file = at && locate(root, at.file);
    if (file) found.push({ file, line: at.line, column: at.column });
  }
  // Stacks list the innermost frame first; failures are placed from the outermost.
  return found.reverse();
}
