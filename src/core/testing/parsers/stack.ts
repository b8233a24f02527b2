import { placeFailure } from './failure';
import { locate } from './locate';
import type { Placement, SourceLocation, TestFailure } from './types';

const MAX_FRAME_LINE = 4096;
/** Babel's `path: message (line:col)` and TypeScript's `path:line:col - error TS…`, where a suite failed to compile. */
const BABEL_AT = /^(?:\w*Error: )?(\S.*?\.[cm]?[jt]sx?): (.*) \((\d+):(\d+)\)$/;
const TSC_AT = /^(\S+?\.[cm]?[jt]sx?|\S+?\.json):(\d+):(\d+) - (error TS\d+: .*)$/;
const LOCATION = /^(.+):(\d+):(\d+)$/;
const PATH_SHAPE = /^(?:\/|[A-Za-z]:\\|\.{1,2}\/|file:\/\/)|^[^():\s]+\.[cm]?[jt]sx?$/;

/** A frame of a JavaScript stack: where, and the function it names (empty when anonymous). */
export interface JsFrame extends SourceLocation {
  fn: string;
}

/**
 * One frame of a JavaScript stack (`at fn (file:1:2)`, `at file:1:2`, vitest's `❯ fn file:1:2`):
 * the location is inside the last parentheses, or the last word. Read by hand rather than with one
 * regular expression, which backtracks badly on long or hostile lines.
 */
function frameOf(raw: string): { fn: string; file: string; line: number; column: number } | undefined {
  if (raw.length > MAX_FRAME_LINE || raw.length < 5) return undefined;
  // A frame ends with its column, or with the parenthesis around the location: checked before
  // anything is copied, as most lines of an output are not frames.
  let end = raw.length - 1;
  while (end > 0 && (raw.charCodeAt(end) === 32 || raw.charCodeAt(end) === 9)) end--;
  const last = raw.charCodeAt(end);
  if (last !== 41 && (last < 48 || last > 57)) return undefined;
  const line = raw.trim();
  const start = line.startsWith('at ') || line.startsWith('❯ ') ? 2 : 0;
  let where: string;
  let fn: string;
  if (line.endsWith(')')) {
    const open = line.lastIndexOf('(');
    if (open < 0) return undefined;
    where = line.slice(open + 1, -1);
    fn = line.slice(start, open).trim();
  } else {
    const space = line.lastIndexOf(' ');
    where = line.slice(space + 1);
    fn = space > start ? line.slice(start, space).trim() : '';
  }
  const m = LOCATION.exec(where);
  if (!m || !PATH_SHAPE.test(m[1]) || m[1].includes('(')) return undefined;
  return { fn, file: m[1], line: Number(m[2]), column: Number(m[3]) };
}

/** Project frames of a JavaScript stack, outermost first, with the functions they name. */
export function jsFrames(stack: string[], root: string, resolve?: (printed: string) => string | undefined): JsFrame[] {
  const found: JsFrame[] = [];
  for (const line of stack) {
    const at = frameOf(line);
    const file = at && (resolve ? resolve(at.file) : locate(root, at.file));
    if (file) found.push({ file, line: at.line, column: at.column, fn: at.fn });
  }
  // Stacks list the innermost frame first; failures are placed from the outermost.
  return found.reverse();
}

/**
 * A frame that runs a test's own body: an anonymous function, module code (`async file:…`), or a
 * method of the object the runner calls tests on (jest's `Object.x`, mocha's `Context.x`, node's
 * `TestContext.x`). A named function in a test file is a helper.
 */
function isTestBody(fn: string): boolean {
  if (fn === '' || fn === 'async' || fn === '<anonymous>' || fn === 'async <anonymous>') return true;
  return /^(?:async )?(?:new )?(?:Object|Context|TestContext|Test|Suite|Function)\./.test(fn);
}

/** Where a JavaScript failure is shown (see placeFailure), telling the test's own frame by its function. */
export function placeJs(found: JsFrame[], message: string, root: string): Placement | undefined {
  return placeFailure(found, message, root, isTestBody);
}

/** A suite that failed to run on a syntax or type error: the place the compiler names. */
export function compileError(
  block: string[],
  root: string,
): { location: SourceLocation; related: TestFailure['related']; message: string } | undefined {
  for (const raw of block) {
    const l = raw.trim();
    if (l.length > MAX_FRAME_LINE || (!l.endsWith(')') && !l.includes(' - error TS'))) continue;
    const babel = l.endsWith(')') ? BABEL_AT.exec(l) : null;
    const tsc = babel ? null : TSC_AT.exec(l);
    const m = babel
      ? { path: babel[1], line: babel[3], column: babel[4], message: babel[2] }
      : tsc && { path: tsc[1], line: tsc[2], column: tsc[3], message: tsc[4] };
    const abs = m && locate(root, m.path);
    if (m && abs)
      return {
        location: { file: abs, line: Number(m.line), column: Number(m.column) },
        related: [],
        message: m.message,
      };
  }
  return undefined;
}
