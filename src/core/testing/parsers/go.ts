import * as fs from 'node:fs';
import * as path from 'node:path';
import { failureAt, placeFailure, shorten } from './failure';
import { locate } from './locate';
import { splitLines } from './text';
import type { ParsedTestOutput, SourceLocation, TestFailure, Values } from './types';

/** One `file_test.go:12: text` line of a test (and the lines under it); testify's 2015 output has no place of its own. */
interface Message {
  file: string | undefined;
  line: number;
  text: string;
}

interface Test {
  name: string;
  messages: Message[];
  failed: boolean;
  panic?: string;
  frames: SourceLocation[];
}

const MESSAGE = /^(?: {4,}|\t+)([\w.-]+\.go):(\d+):(?: (.*))?$/;
const BUILD_ERROR = /^(\.?\.?\/?[\w./-]+\.go):(\d+)(?::(\d+))?: (.*)$/;
const TRACE_ENTRY = /([\w./-]+\.go):(\d+)/g;

/**
 * `go test` output, plain or -v, over one package or many: `--- FAIL: TestX` with
 * `file_test.go:10: message` lines relative to the package folder (known from the `ok`/`FAIL
 * <import path>` line that ends the package). With -v and `t.Parallel()` the messages come under
 * `=== RUN`/`=== CONT`/`=== NAME` lines, long before their `--- FAIL`; testify's `Error Trace:`
 * says which line of the test called the helper that failed. Also panics and build errors.
 */
export function parseGo(output: string, root: string): ParsedTestOutput {
  const reader = new GoOutputReader(root);
  for (const line of splitLines(output)) reader.read(line);
  return reader.end();
}

/** Reads `go test` output line by line; a package's failures are read when its `ok`/`FAIL` line ends it. */
class GoOutputReader {
  private readonly failures: TestFailure[] = [];
  private readonly module: string | undefined;
  private tests = new Map<string, Test>();
  /** The test whose output the lines are. */
  private current: Test | undefined;
  private passed = 0;
  private inPanic = false;

  constructor(private readonly root: string) {
    this.module = goModule(root);
  }

  read(line: string): void {
    // Cheap checks first: most lines of a long run are none of these.
    const goFile = line.includes('.go:');
    if (line.startsWith('=== ')) return this.follow(line);
    if (line.includes('--- ') && this.readResult(line)) return;
    if ((line.startsWith('FAIL') || line.startsWith('ok')) && this.readPackageEnd(line)) return;
    if (!this.inPanic && line.startsWith('panic: ') && this.readPanic(line)) return;
    if (this.inPanic) return this.readPanicFrame(line, goFile);
    if (goFile && this.current && this.readMessage(line)) return;
    if (this.current && (line.startsWith('        ') || line.startsWith('\t')))
      return this.continueMessage(this.current, line);
    if (goFile) this.readBuildError(line);
  }

  end(): ParsedTestOutput {
    if (this.tests.size) this.flush(undefined);
    const failures = this.failures;
    return { runner: 'go', failures, passed: this.passed || undefined, failed: failures.length };
  }

  /** RUN, CONT and NAME say whose output follows; PAUSE and an empty CONT say nobody's. */
  private follow(line: string): void {
    const m = /^=== (RUN|CONT|NAME)\s+(\S+)/.exec(line);
    this.current = m ? this.named(m[2]) : undefined;
  }

  /** `--- FAIL: TestX` (or PASS, SKIP). */
  private readResult(line: string): boolean {
    const m = /^\s*--- (FAIL|PASS|SKIP): (\S+)/.exec(line);
    if (!m) return false;
    if (m[1] === 'PASS') this.passed++;
    // Without -v (and before Go 1.14) a failed test's messages follow its --- FAIL line.
    this.current = m[1] === 'FAIL' ? this.named(m[2]) : undefined;
    if (this.current) this.current.failed = true;
    return true;
  }

  /** `ok <import path> 0.1s` or `FAIL <import path> …` ends a package. */
  private readPackageEnd(line: string): boolean {
    const m =
      /^(?:FAIL|ok)\s+(\S+)\s+(?:[\d.]+s|\(cached\))/.exec(line) ??
      /^FAIL\s+(\S+) \[(?:build|setup) failed\]/.exec(line);
    if (!m) return false;
    this.flush(m[1]);
    this.inPanic = false;
    return true;
  }

  private readPanic(line: string): boolean {
    const m = /^panic: (.*?)(?: \[recovered\])?$/.exec(line);
    if (!m) return false;
    this.inPanic = true;
    const t = this.current ?? [...this.tests.values()].at(-1);
    if (t) {
      t.panic = `panic: ${m[1]}`;
      t.failed = true;
    }
    return true;
  }

  /** Goroutine frames: a tab, the absolute file (maybe another machine's), its line and an offset. Innermost first. */
  private readPanicFrame(line: string, goFile: boolean): void {
    const frame = goFile && line.startsWith('\t') ? /^\t(.+?\.go):(\d+)(?: \+0x[0-9a-f]+)?$/.exec(line) : null;
    const t = this.current ?? [...this.tests.values()].at(-1);
    const file = frame && t && locate(this.root, frame[1]);
    if (frame && t && file) t.frames.unshift({ file, line: Number(frame[2]), column: 1 });
  }

  private readMessage(line: string): boolean {
    const m = MESSAGE.exec(line);
    if (!m) return false;
    this.current!.messages.push({ file: m[1], line: Number(m[2]), text: m[3] ?? '' });
    return true;
  }

  /** A line under a message (or, from testify before 2016, a message with no place of its own). */
  private continueMessage(current: Test, line: string): void {
    const last = current.messages.at(-1);
    if (last) last.text += `\n${line.trim()}`;
    else if (current.failed) current.messages.push({ file: undefined, line: 0, text: line.trim() });
  }

  /** A build error: `pkg/calc/calc.go:10:2: undefined: x` (older Go: no column), relative to where go ran. */
  private readBuildError(line: string): void {
    const build = BUILD_ERROR.exec(line);
    const buildFile = build && locate(this.root, build[1]);
    if (build && buildFile) {
      this.failures.push({
        location: { file: buildFile, line: Number(build[2]), column: Number(build[3] ?? 1) },
        message: shorten(build[4]),
        test: undefined,
        related: [],
      });
    }
  }

  private named(name: string): Test {
    let t = this.tests.get(name);
    if (!t) this.tests.set(name, (t = { name, messages: [], failed: false, frames: [] }));
    return t;
  }

  /** Reads the failed tests of the package that just ended. */
  private flush(importPath: string | undefined): void {
    const dir = packageDir(importPath, this.module);
    for (const t of this.tests.values()) {
      const failure = t.failed ? readTest(t, dir, this.root) : undefined;
      if (failure) this.failures.push(failure);
    }
    this.tests = new Map();
    this.current = undefined;
  }
}

/**
 * A failed test's failure: at its first testify assertion (whose Error Trace leads back to the
 * test's own line), else at its last located message (t.Log lines come first, t.Fatal last).
 * A test whose only output was its subtests' has no place of its own and is left out.
 */
function readTest(t: Test, dir: string, root: string): TestFailure | undefined {
  let chosen: Message | undefined;
  let chosenPlaces: SourceLocation[] = [];
  for (const m of t.messages) {
    if (m.text.includes('Error Trace:') && (chosenPlaces = placesOf(m, dir, root)).length) {
      chosen = m;
      break;
    }
  }
  for (let k = t.messages.length - 1; !chosen && k >= 0; k--) {
    if ((chosenPlaces = placesOf(t.messages[k], dir, root)).length) chosen = t.messages[k];
  }
  // The failing message first; the test's other lines (its logs, a race report) after it.
  const texts = chosen ? [chosen, ...t.messages.filter((m) => m !== chosen)] : t.messages;
  const message = shorten(t.panic ?? (texts.map((m) => m.text.trim()).join('\n') || `${t.name} failed`));
  const placed = placeFailure([...t.frames, ...chosenPlaces], message, root);
  if (!placed) return undefined;
  return failureAt(placed, message, t.name, chosen && expectedActual(chosen.text));
}

/** Where a message points: testify's Error Trace (outermost call first), then its own file:line. */
function placesOf(m: Message, dir: string, root: string): SourceLocation[] {
  const found: SourceLocation[] = [];
  const trace = m.text.includes('Error Trace:')
    ? /Error Trace:\s+([^\n]*(?:\n[\w./-]+\.go:\d+:?)*)/.exec(m.text)
    : null;
  // The trace lists the innermost call first; placed failures want the outermost first.
  for (const [, file, line] of trace ? trace[1].matchAll(TRACE_ENTRY) : []) {
    const abs = locate(root, dir ? `${dir}/${file}` : file);
    if (abs) found.unshift({ file: abs, line: Number(line), column: 1 });
  }
  const own = m.file && locate(root, dir ? `${dir}/${m.file}` : m.file);
  if (own && !found.some((f) => f.file === own && f.line === m.line))
    found.push({ file: own, line: m.line, column: 1 });
  return found;
}

/** testify's `expected: X` / `actual  : Y` lines, or its older `Not equal: X (expected) != Y (actual)`. */
function expectedActual(text: string): Values | undefined {
  if (!text.includes('xpected')) return undefined;
  const expected = /^expected: (.*)$/m.exec(text);
  const actual = /^actual\s*: (.*)$/m.exec(text);
  if (expected && actual) return { expected: expected[1], actual: actual[1] };
  const old = /Not equal: (.*) \(expected\)\n\s*!= (.*) \(actual\)/.exec(text);
  return old ? { expected: old[1], actual: old[2] } : undefined;
}

function goModule(root: string): string | undefined {
  try {
    return /^module\s+(\S+)/m.exec(fs.readFileSync(path.join(root, 'go.mod'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The folder of a package, relative to the root, from its import path and go.mod's module path.
 * Without go.mod (or for another module) the whole import path is given, and locate() maps it by
 * its longest tail that exists in the folder.
 */
function packageDir(importPath: string | undefined, module: string | undefined): string {
  if (!importPath) return '';
  if (module && (importPath === module || importPath.startsWith(`${module}/`)))
    return importPath.slice(module.length + 1);
  return importPath;
}
