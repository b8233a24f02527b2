import { isProjectFile, resolveIn, type SourceLocation } from './types';

const STACK_FRAME = /(?:\bat\s+)?(?:[^(\s][^(]*\s)?\(?((?:\/|[A-Za-z]:\\|\.{1,2}\/)[^():]+|[^():\s]+\.[cm]?[jt]sx?):(\d+):(\d+)\)?\s*$/;

const MAX_FRAME_LINE = 4096;

/** Project frames of a JavaScript stack, outermost first. */
export function frames(stack: string[], root: string): SourceLocation[] {
  const found: SourceLocation[] = [];
  for (const line of stack) {
    // No real frame is this long; the pattern would take quadratic time on hostile lines.
    if (line.length > MAX_FRAME_LINE) continue;
    const m = STACK_FRAME.exec(line.trim());
    if (m && isProjectFile(m[1], root)) found.push({ file: resolveIn(root, m[1]), line: Number(m[2]), column: Number(m[3]) });
  }
  // Stacks list the innermost frame first; failures are placed from the outermost.
  return found.reverse();
}
