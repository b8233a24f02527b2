import { SaxesParser } from 'saxes';
import { frames as jsFrames } from './stack';
import { failureAt, locate, placeFailure, shorten, type ParsedTestOutput, type SourceLocation, type TestFailure, splitLines } from './types';

/** A `<testcase>` as read: its attributes, its first `<failure>`/`<error>`, whether it was skipped. */
interface TestCase {
  attrs: Record<string, string>;
  problem?: { attrs: Record<string, string>; text: string[] };
  skipped: boolean;
}

/**
 * JUnit XML as written by pytest `--junitxml`, jest-junit, vitest's and mocha's junit/xunit
 * reporters: every `<testcase>` with a `<failure>` or `<error>` becomes a failure placed from the
 * stack or traceback in its text, else from the case's `file`/`line` attributes.
 *
 * Read with a streaming XML parser (saxes): entities and character references are decoded, a DTD
 * defines nothing, and a report cut short (a run killed while writing it) still yields every case
 * that was complete. Malformed XML is read as far as it goes, never thrown.
 */
export function parseJunit(xml: string, root: string): ParsedTestOutput {
  const failures: TestFailure[] = [];
  let passed = 0;
  let failed = 0;
  for (const testcase of readCases(xml)) {
    const problem = testcase.problem;
    if (!problem) {
      if (!testcase.skipped && testcase.attrs.skipped === undefined) passed++;
      continue;
    }
    failed++;
    const text = problem.text.join('');
    const lines = splitLines(text);
    const attr = problem.attrs.message ?? '';
    const type = problem.attrs.type ?? '';
    const message = shorten(messageOf(type && attr && !attr.startsWith(type) ? `${type}: ${attr}` : attr, lines, text));
    const test = testName(testcase.attrs.classname ?? '', testcase.attrs.name ?? '');
    const placed = placeFailure(locationsIn(lines, root, testcase.attrs.classname), message) ?? fromAttributes(testcase.attrs, root);
    if (placed) failures.push(failureAt(placed, message, test));
  }
  return { runner: 'junit', failures, passed, failed };
}

/** Every complete `<testcase>`, wherever it is nested (testsuites → testsuite → testsuite …). */
function readCases(xml: string): TestCase[] {
  const cases: TestCase[] = [];
  let current: TestCase | undefined;
  /** The text of the `<failure>`/`<error>` being read, when it is the case's first. */
  let text: string[] | undefined;
  let depth = 0;
  let caseDepth = -1;
  const parser = new SaxesParser({ xmlns: false, position: false });
  parser.on('opentag', (tag) => {
    depth++;
    const attrs = tag.attributes as Record<string, string>;
    if (tag.name === 'testcase') {
      current = { attrs, skipped: false };
      caseDepth = depth;
    } else if (current && depth === caseDepth + 1) {
      if ((tag.name === 'failure' || tag.name === 'error') && !current.problem) {
        current.problem = { attrs, text: [] };
        text = current.problem.text;
      } else if (tag.name === 'skipped') current.skipped = true;
    }
  });
  parser.on('text', (t) => text?.push(t));
  parser.on('cdata', (t) => text?.push(t));
  parser.on('closetag', (tag) => {
    if (current && depth === caseDepth) {
      if (tag.name === 'testcase') cases.push(current);
      current = undefined;
      caseDepth = -1;
    } else if (current && depth === caseDepth + 1) text = undefined;
    depth--;
  });
  // Keep reading past an error (an undefined entity, a stray character); stop at the first few
  // hundred, which is not a report any more.
  let errors = 0;
  parser.on('error', () => {
    if (++errors > 200) throw new StopReading();
  });
  try {
    parser.write(xml);
    parser.close();
  } catch (err) {
    if (!(err instanceof StopReading)) throw err;
  }
  return cases;
}

class StopReading extends Error {}

function testName(classname: string, name: string): string {
  if (!classname || name.startsWith(classname) || /[\\/]|\.[cm]?[jt]sx?$/.test(classname)) return name;
  return `${classname}${/^\w+$/.test(name) ? '.' : ' '}${name}`;
}

function messageOf(attr: string, textLines: string[], text: string): string {
  // The common case: the `message` attribute says it, and no expected/received values to add.
  const attrHead = attr.split('\n', 1)[0].trim();
  if (attrHead && !text.includes('Expected') && !text.includes('+ actual - expected')) return attrHead;
  const lines = textLines.map(trim);
  const errorLine = lines.find((l) => /^[A-Z]\w*(Error|Exception)\b.*:/.test(l));
  const head = attrHead || errorLine || lines.find((l) => l !== '') || 'test failed';
  const expected = lines.find((l) => /^Expected(?: \w+)?: /.test(l));
  const received = lines.find((l) => /^Received(?: \w+)?: /.test(l));
  if (expected && received) return `${head}\n${expected}\n${received}`;
  const diff = lines.indexOf('+ actual - expected');
  if (diff >= 0) {
    const actual = lines.slice(diff + 1).find((l) => l.startsWith('+ '))?.slice(2);
    const wanted = lines.slice(diff + 1).find((l) => l.startsWith('- '))?.slice(2);
    if (actual !== undefined && wanted !== undefined) return `${/^(\w*Error)/.exec(errorLine ?? '')?.[1] ?? 'AssertionError'}: expected ${wanted}, got ${actual}`;
  }
  return head;
}

const trim = (l: string): string => l.trim();

/**
 * Project frames in a failure's text (its lines), outermost first, whichever runner wrote it. Go's
 * reports (go-junit-report, gotestsum) name a test's file relative to its package, whose import
 * path is the classname.
 */
function locationsIn(lines: string[], root: string, classname = ''): SourceLocation[] {
  const stack: string[] = [];
  for (const l of lines) {
    if ((l.includes('at ') || l.includes('❯ ')) && /^\s*(at|❯) /.test(l)) stack.push(l.replace('❯', 'at'));
  }
  const js = stack.length ? jsFrames(stack, root) : [];
  if (js.length) return js;
  const found: SourceLocation[] = [];
  for (const line of lines) {
    // Cheap checks first: most lines of a traceback are code and messages, not locations.
    const m =
      (line.includes('File "') ? /^\s*File "(.+?)", line (\d+)/.exec(line) : null) ??
      (line.includes('.py:') ? /^(\S[^:\s]*\.py):(\d+):(?: .*)?$/.exec(line) : null) ??
      (line.includes('panicked at') ? /panicked at (?:'.*', )?(.+?\.rs):(\d+):(\d+)/.exec(line) : null) ??
      (line.includes('.go:') ? /^\s*(\S+\.go):(\d+)(?::|\s|$)/.exec(line) : null);
    const goPackage = m && classname.includes('/') && m[1].endsWith('.go') && !/[\\/]/.test(m[1]);
    const file = m && ((goPackage && locate(root, `${classname}/${m[1]}`)) || locate(root, m[1]));
    if (m && file) found.push({ file, line: Number(m[2]), column: m[3] ? Number(m[3]) : 1 });
  }
  return found;
}

function fromAttributes(attrs: Record<string, string>, root: string): { location: SourceLocation; related: TestFailure['related'] } | undefined {
  const classname = attrs.classname ?? '';
  const file = attrs.file ? attrs.file : /[\\/]|\.[cm]?[jt]sx?$/.test(classname) ? classname : undefined;
  const abs = file && locate(root, file);
  if (!abs) return undefined;
  // pytest's xunit1 `line` attribute is 0-based.
  const line = attrs.line !== undefined ? Number(attrs.line) + 1 : 1;
  return { location: { file: abs, line: Number.isFinite(line) ? line : 1, column: 1 }, related: [] };
}
