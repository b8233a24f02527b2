import { SaxesParser } from 'saxes';
import { expectedActual } from './jsExpect';
import { placeJunitFailure, type Placed } from './junitFrames';
import { failureAt, shorten } from './failure';
import { locate } from './locate';
import { splitLines } from './text';
import type { ParsedTestOutput, SourceLocation, TestFailure } from './types';

/** A `<testcase>` as read: its attributes, every `<failure>`/`<error>` in it, whether it was skipped. */
interface TestCase {
  attrs: Record<string, string>;
  problems: { attrs: Record<string, string>; text: string[] }[];
  skipped: boolean;
}

/**
 * JUnit XML as written by pytest `--junitxml`, jest-junit, vitest's and mocha's junit/xunit
 * reporters, Maven Surefire, Gradle, PHPUnit, go-junit-report: every `<failure>` or `<error>` of a
 * `<testcase>` (soft assertions write several), and one written for a whole `<testsuite>`, becomes a
 * failure placed from the stack or traceback in its text, else from the case's `file`/`line`
 * attributes. A compile or configuration error that stops several suites is reported once.
 *
 * Read with a streaming XML parser (saxes): entities and character references are decoded, a DTD
 * defines nothing, and a report cut short (a run killed while writing it) still yields every case
 * that was complete. Malformed XML is read as far as it goes, never thrown.
 */
export function parseJunit(xml: string, root: string): ParsedTestOutput {
  const failures: TestFailure[] = [];
  let passed = 0;
  let failed = 0;
  const seen = new Set<string>();
  readCases(xml, (testcase) => {
    if (testcase.problems.length === 0) {
      if (!testcase.skipped && testcase.attrs.skipped === undefined) passed++;
      return;
    }
    failed++;
    const test = testName(testcase.attrs.classname ?? '', testcase.attrs.name ?? '');
    for (const problem of testcase.problems) {
      const text = problem.text.join('');
      const lines = splitLines(text);
      const attr = problem.attrs.message ?? '';
      const type = problem.attrs.type ?? '';
      const message = shorten(
        messageOf(type && attr && !attr.startsWith(type) ? `${type}: ${attr}` : attr, lines, text),
      );
      const placed: Placed | undefined =
        placeJunitFailure(text, lines, testcase.attrs, root, message) ?? fromAttributes(testcase.attrs, root);
      if (!placed) continue;
      if (placed.compiler) {
        const key = `${placed.location.file}:${placed.location.line}:${placed.location.column} ${placed.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      const said = placed.compiler ? shorten(placed.message ?? message) : message;
      const values = text.includes('Expected') || text.includes('Received') ? expectedActual(lines) : undefined;
      failures.push(failureAt(placed, said, test, values));
    }
  });
  return { runner: 'junit', failures, passed, failed };
}

/** Hands over every complete `<testcase>` as it closes, wherever it is nested (testsuites → testsuite → testsuite …). */
function readCases(xml: string, onCase: (testcase: TestCase) => void): void {
  let current: TestCase | undefined;
  /** The text of the `<failure>`/`<error>` being read. */
  let text: string[] | undefined;
  let depth = 0;
  let caseDepth = -1;
  /** The open `<testsuite>`s, innermost last: an error written for a whole suite is a case of its own. */
  const suites: { attrs: Record<string, string>; depth: number }[] = [];
  let suiteProblem: TestCase | undefined;
  const parser = new SaxesParser({ xmlns: false, position: false });
  parser.on('opentag', (tag) => {
    depth++;
    const attrs = tag.attributes as Record<string, string>;
    if (tag.name === 'testsuite') suites.push({ attrs, depth });
    if (tag.name === 'testcase') {
      current = { attrs, problems: [], skipped: false };
      caseDepth = depth;
    } else if (current && depth === caseDepth + 1) {
      if (tag.name === 'failure' || tag.name === 'error') {
        const problem = { attrs, text: [] as string[] };
        current.problems.push(problem);
        text = problem.text;
      } else if (tag.name === 'skipped') current.skipped = true;
    } else if (!current && (tag.name === 'failure' || tag.name === 'error') && suites.at(-1)?.depth === depth - 1) {
      const suite = suites.at(-1)!.attrs;
      const problem = { attrs, text: [] as string[] };
      suiteProblem = {
        attrs: { name: suite.name ?? '', classname: suite.name ?? '', ...(suite.file ? { file: suite.file } : {}) },
        problems: [problem],
        skipped: false,
      };
      text = problem.text;
    }
  });
  parser.on('text', (t) => text?.push(t));
  parser.on('cdata', (t) => text?.push(t));
  parser.on('closetag', (tag) => {
    if (suiteProblem) {
      onCase(suiteProblem);
      suiteProblem = undefined;
      text = undefined;
    } else if (tag.name === 'testsuite' && suites.at(-1)?.depth === depth) suites.pop();
    if (current && depth === caseDepth) {
      if (tag.name === 'testcase') onCase(current);
      current = undefined;
      caseDepth = -1;
    } else if (current && depth === caseDepth + 1) text = undefined;
    depth--;
  });
  readLeniently(parser, xml);
}

/**
 * Keeps reading past an error (an undefined entity, a stray character); stops at the first few
 * hundred, which is not a report any more.
 */
function readLeniently(parser: SaxesParser<{ xmlns: false; position: false }>, xml: string): void {
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
}

class StopReading extends Error {}

function testName(classname: string, name: string): string {
  if (!classname || name.startsWith(classname) || /[\\/]|\.[cm]?[jt]sx?$/.test(classname)) return name;
  return `${classname}${/^\w+$/.test(name) ? '.' : ' '}${name}`;
}

function messageOf(attr: string, textLines: string[], text: string): string {
  // pytest's message is its whole traceback: the `E   ` line says what failed.
  const eLine = text.includes('.py:') ? textLines.find((l) => /^\s*E\s+\S/.test(l)) : undefined;
  if (eLine) return eLine.trim().slice(1).trim();
  // go-junit-report and others write only "Failed": the text (`file.go:12: message`) says what.
  if (/^(failed|failure|error)$/i.test(attr.trim())) {
    const said = textLines.find((l) => l.trim() !== '');
    if (said) return said.trim().replace(/^\S+\.\w+:\d+: /, '');
  }
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
    const actual = lines
      .slice(diff + 1)
      .find((l) => l.startsWith('+ '))
      ?.slice(2);
    const wanted = lines
      .slice(diff + 1)
      .find((l) => l.startsWith('- '))
      ?.slice(2);
    if (actual !== undefined && wanted !== undefined)
      return `${/^(\w*Error)/.exec(errorLine ?? '')?.[1] ?? 'AssertionError'}: expected ${wanted}, got ${actual}`;
  }
  return head;
}

const trim = (l: string): string => l.trim();

function fromAttributes(
  attrs: Record<string, string>,
  root: string,
): { location: SourceLocation; related: TestFailure['related'] } | undefined {
  const classname = attrs.classname ?? '';
  const file = attrs.file ? attrs.file : /[\\/]|\.[cm]?[jt]sx?$/.test(classname) ? classname : undefined;
  const abs = file && locate(root, file);
  if (!abs) return undefined;
  // pytest's xunit1 `line` attribute is 0-based.
  const line = attrs.line !== undefined ? Number(attrs.line) + 1 : 1;
  return { location: { file: abs, line: Number.isFinite(line) ? line : 1, column: 1 }, related: [] };
}
