import { XMLParser } from 'fast-xml-parser';
import { frames as jsFrames } from './stack';
import { isProjectFile, placeFailure, resolveIn, shorten, type ParsedTestOutput, type SourceLocation, type TestFailure, splitLines } from './types';

type Node = Record<string, unknown>;

const LISTS = new Set(['testsuites', 'testsuite', 'testcase', 'failure', 'error']);

/**
 * JUnit XML as written by pytest `--junitxml`, jest-junit, vitest's and mocha's junit/xunit
 * reporters: every `<testcase>` with a `<failure>` or `<error>` becomes a failure placed from the
 * stack or traceback in its text, else from the case's `file`/`line` attributes.
 */
export function parseJunit(xml: string, root: string): ParsedTestOutput {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    textNodeName: '#text',
    isArray: (name) => LISTS.has(name),
    processEntities: true,
    htmlEntities: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
  });
  const doc = parser.parse(xml) as Node;
  const failures: TestFailure[] = [];
  let passed = 0;
  let failed = 0;
  for (const testcase of cases(doc)) {
    const problems = [...list(testcase.failure), ...list(testcase.error)];
    if (problems.length === 0) {
      if (testcase.skipped === undefined && testcase['@_skipped'] === undefined) passed++;
      continue;
    }
    failed++;
    const problem = problems[0];
    const text = typeof problem === 'string' ? problem : String((problem as Node)['#text'] ?? '');
    const attr = typeof problem === 'object' ? String((problem as Node)['@_message'] ?? '') : '';
    const type = typeof problem === 'object' ? String((problem as Node)['@_type'] ?? '') : '';
    const message = shorten(messageOf(type && attr && !attr.startsWith(type) ? `${type}: ${attr}` : attr, text));
    const test = testName(String(testcase['@_classname'] ?? ''), String(testcase['@_name'] ?? ''));
    const placed = placeFailure(locate(text, root), message) ?? fromAttributes(testcase, root);
    if (placed) failures.push({ ...placed, message, test });
  }
  return { runner: 'junit', failures, passed, failed };
}

function* cases(node: unknown): Generator<Node> {
  if (Array.isArray(node)) {
    for (const n of node) yield* cases(n);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as Node;
  for (const c of list(n.testcase)) if (c && typeof c === 'object') yield c as Node;
  yield* cases(n.testsuites);
  yield* cases(n.testsuite);
}

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function testName(classname: string, name: string): string {
  if (!classname || name.startsWith(classname) || /[\\/]|\.[cm]?[jt]sx?$/.test(classname)) return name;
  return `${classname}${/^\w+$/.test(name) ? '.' : ' '}${name}`;
}

function messageOf(attr: string, text: string): string {
  const lines = splitLines(text).map((l) => l.trim());
  const errorLine = lines.find((l) => /^[A-Z]\w*(Error|Exception)\b.*:/.test(l));
  const head = attr.split('\n')[0].trim() || errorLine || lines.find((l) => l !== '') || 'test failed';
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

/** Project frames in a failure's text, outermost first, whichever runner wrote it. */
export function locate(text: string, root: string): SourceLocation[] {
  const lines = splitLines(text);
  const js = jsFrames(lines.filter((l) => /^\s*(at|❯) /.test(l)).map((l) => l.replace('❯', 'at')), root);
  if (js.length) return js;
  const found: SourceLocation[] = [];
  for (const line of lines) {
    const m =
      /^\s*File "(.+?)", line (\d+)/.exec(line) ??
      /^(\S[^:\s]*\.py):(\d+):(?: .*)?$/.exec(line) ??
      /panicked at (?:'.*', )?(.+?\.rs):(\d+):(\d+)/.exec(line) ??
      /^\s*(\S+\.go):(\d+)(?::|\s|$)/.exec(line);
    if (m && isProjectFile(m[1], root)) found.push({ file: resolveIn(root, m[1]), line: Number(m[2]), column: m[3] ? Number(m[3]) : 1 });
  }
  return found;
}

function fromAttributes(testcase: Node, root: string): { location: SourceLocation; related: TestFailure['related'] } | undefined {
  const classname = String(testcase['@_classname'] ?? '');
  const file = testcase['@_file'] ? String(testcase['@_file']) : /[\\/]|\.[cm]?[jt]sx?$/.test(classname) ? classname : undefined;
  if (!file || !isProjectFile(file, root)) return undefined;
  // pytest's xunit1 `line` attribute is 0-based.
  const line = testcase['@_line'] !== undefined ? Number(testcase['@_line']) + 1 : 1;
  return { location: { file: resolveIn(root, file), line: Number.isFinite(line) ? line : 1, column: 1 }, related: [] };
}
