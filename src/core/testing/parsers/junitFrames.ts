import * as path from 'node:path';
import { compileError, jsFrames, placeJs, type JsFrame } from './stack';
import { placeFailure } from './failure';
import { locate } from './locate';
import type { Placement } from './types';

export type Placed = Placement & { compiler?: boolean; message?: string };

/** `at pkg.Class.method(File.java:12)`: a JVM frame (Java, Kotlin, Scala, Groovy). */
const JVM = /^\s*at ([\w$.]+)\.([\w$<>-]+)\(([\w$-]+\.(?:java|kt|scala|groovy)):(\d+)\)\s*$/;
/** Where Maven and Gradle keep sources, for a JVM frame that names its package and file. */
const JVM_ROOTS = [
  'src/test/java',
  'src/main/java',
  'src/test/kotlin',
  'src/main/kotlin',
  'src/test/scala',
  'src/main/scala',
  'src/test/groovy',
  '',
];
/** A trace line that is only `path:line` (PHPUnit, and most C-family and script runners). */
const PATH_LINE = /^\s*(\S+\.(?:php|phpt|inc|rb|c|cc|cpp|h|hpp|cs|swift|dart|exs?|lua)):(\d+)\s*$/;

/**
 * Where a JUnit failure is shown, from the frames in its text whichever language wrote them, with
 * printed paths taken as they are, else relative to the test file's folder or the package the
 * classname names (go test and pytest print paths relative to those).
 */
export function placeJunitFailure(
  text: string,
  lines: string[],
  attrs: Record<string, string>,
  root: string,
  message: string,
): Placed | undefined {
  const compiled =
    text.includes(' - error TS') || text.includes('Test suite failed to run') || text.includes('SyntaxError')
      ? compileError(lines, root)
      : undefined;
  if (compiled) return { location: compiled.location, related: [], compiler: true, message: compiled.message };
  const resolve = resolver(attrs, root);
  const stack = lines
    .filter((l) => (l.includes('at ') || l.includes('❯ ')) && /^\s*(at|❯) /.test(l))
    .map((l) => l.replace('❯', 'at'));
  const js = stack.length ? jsFrames(stack, root, resolve) : [];
  if (js.length) return placeJs(js, message, root);
  const found = otherFrames(lines, root, resolve);
  const method = attrs.name ?? '';
  // A frame is the test's own when it names the test's method (JVM) or no function at all.
  return placeFailure(found, message, root, (fn) => fn === '' || fn === method);
}

/** Frames of JVM, Python, Go, Rust and path-only traces, outermost first. */
function otherFrames(lines: string[], root: string, resolve: (p: string) => string | undefined): JsFrame[] {
  const innermostFirst: JsFrame[] = [];
  const outermostFirst: JsFrame[] = [];
  for (const line of lines) {
    if (line.length > 4096) continue;
    // Cheap checks first: most lines of a traceback are code and messages, not locations.
    const jvm = line.includes('(') && line.includes('at ') ? JVM.exec(line) : null;
    if (jvm) {
      const file = jvmFile(root, jvm[1], jvm[3]);
      if (file) innermostFirst.push({ file, line: Number(jvm[4]), column: 1, fn: jvm[2] });
      continue;
    }
    const php = endsWithDigit(line) && line.includes(':') ? PATH_LINE.exec(line) : null;
    if (php) {
      const file = resolve(php[1]);
      if (file) innermostFirst.push({ file, line: Number(php[2]), column: 1, fn: '' });
      continue;
    }
    const py =
      (line.includes('File "') ? /^\s*File "(.+?)", line (\d+)(?:, in (\S+))?/.exec(line) : null) ??
      (line.includes('.py:') ? /^\s*(\S[^:\s]*\.py):(\d+):(?: in (\S+)| .*)?$/.exec(line) : null);
    const other =
      py ??
      (line.includes('panicked at') ? /panicked at (?:'.*', )?(.+?\.rs):(\d+):(\d+)/.exec(line) : null) ??
      (line.includes('.go:') ? /^\s*(\S+\.go):(\d+)(?::|\s|$)/.exec(line) : null);
    const file = other && resolve(other[1]);
    if (other && file)
      outermostFirst.push({
        file,
        line: Number(other[2]),
        column: !py && other[3] ? Number(other[3]) : 1,
        fn: py?.[3] ?? '',
      });
  }
  return [...innermostFirst.reverse(), ...outermostFirst];
}

function endsWithDigit(line: string): boolean {
  let end = line.length - 1;
  while (end >= 0 && line.charCodeAt(end) <= 32) end--;
  const c = line.charCodeAt(end);
  return c >= 48 && c <= 57;
}

/** The source file of a JVM frame: its package's folders under the usual source roots. */
function jvmFile(root: string, qualified: string, file: string): string | undefined {
  const pkg = qualified
    .split('.')
    .slice(0, -1)
    .filter((p) => /^[a-z_$][\w$]*$/.test(p));
  const rel = [...pkg, file].join('/');
  for (const base of JVM_ROOTS) {
    const found = locate(root, base ? `${base}/${rel}` : rel);
    if (found) return found;
  }
  return undefined;
}

/** Resolves a printed path as printed, else against the test file's folder or the classname's package path. */
function resolver(attrs: Record<string, string>, root: string): (printed: string) => string | undefined {
  const file = attrs.file ?? '';
  const pkg = /^[\w.-]+(\/[\w.-]+)+$/.test(attrs.classname ?? '') ? attrs.classname : '';
  return (printed) => {
    if (file && file !== printed && file.endsWith(printed) && /[\\/]$/.test(file.slice(0, -printed.length)))
      return locate(root, file);
    const direct = locate(root, printed);
    if (direct || path.isAbsolute(printed) || printed.startsWith('file:')) return direct;
    return (
      (file && locate(root, path.join(path.dirname(file), printed))) ||
      (pkg && locate(root, `${pkg}/${printed}`)) ||
      undefined
    );
  };
}
