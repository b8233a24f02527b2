import { jsFrames, placeJs } from './stack';
import { failureAt, shorten } from './failure';
import { locate } from './locate';
import { splitLines } from './text';
import type { ParsedTestOutput, TestFailure, Values } from './types';

/** Node's own test runner: the TAP reporter (default without a TTY) and the spec reporter. */
export function parseNodeTest(output: string, root: string): ParsedTestOutput {
  const failures =
    /^TAP version/m.test(output) || /^not ok \d+/m.test(output) ? parseTap(output, root) : parseSpec(output, root);
  const count = (name: string) => {
    const m = new RegExp(`^(?:#|ℹ) ${name} (\\d+)`, 'm').exec(output);
    return m ? Number(m[1]) : undefined;
  };
  return { runner: 'node', failures, passed: count('pass'), failed: count('fail') };
}

function parseTap(output: string, root: string): TestFailure[] {
  const lines = splitLines(output);
  const failures: TestFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = /^(\s*)not ok \d+ - (.*?)(?:\s+#.*)?$/.exec(lines[i]);
    if (!head) continue;
    const indent = head[1].length;
    const block: string[] = [];
    for (i++; i < lines.length && (lines[i].startsWith(' '.repeat(indent + 2)) || lines[i].trim() === ''); i++) {
      if (lines[i].trim() === '...') break;
      block.push(lines[i].slice(indent + 2));
    }
    const yaml = block.join('\n');
    if (/failureType: 'subtestsFailed'/.test(yaml)) continue;
    const error = yamlValue(yaml, 'error');
    const name = yamlValue(yaml, 'name');
    // Kept as printed ('hello' with its quotes), as the spec reporter shows them.
    const expected = /^expected: (.*)$/m.exec(yaml)?.[1];
    const actual = /^actual: (.*)$/m.exec(yaml)?.[1];
    const firstLine = (error ?? 'test failed').split('\n')[0];
    const values = expected !== undefined && actual !== undefined ? { expected, actual } : undefined;
    const message = assertionMessage(
      `${name && name !== 'Error' ? `${name}: ` : ''}${firstLine}`,
      name ?? 'AssertionError',
      values,
    );
    const stack = yamlValue(yaml, 'stack')?.split('\n') ?? [];
    const placed = placeJs(jsFrames(stack, root), message, root) ?? fromLocation(yamlValue(yaml, 'location'), root);
    if (placed) failures.push(failureAt(placed, message, head[2], values));
  }
  return failures;
}

function parseSpec(output: string, root: string): TestFailure[] {
  const lines = splitLines(output);
  const failures: TestFailure[] = [];
  const seen = new Set<string>();
  /** The `test at file:line:col` line the failing-tests summary prints above each failure. */
  let testAt: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('test at ')) testAt = lines[i].slice(8).trim();
    const head = /^(\s*)✖ (.*?) \([\d.]+m?s\)\s*$/.exec(lines[i]);
    if (!head) continue;
    const declared = /^test at /.test(lines[i - 1] ?? '') ? testAt : undefined;
    const block: string[] = [];
    for (i++; i < lines.length && (lines[i].startsWith(`${head[1]}  `) || lines[i].trim() === ''); i++) {
      if (lines[i].trim() === '' && /^\s*[✔✖ℹ]/.test(lines[i + 1] ?? '')) break;
      block.push(lines[i].trim());
    }
    i--;
    const errorLine = block.find((l) => l && !l.startsWith('at ')) ?? 'test failed';
    const expected = block
      .find((l) => l.startsWith('expected:'))
      ?.slice(9)
      .trim()
      .replace(/,$/, '');
    const actual = block
      .find((l) => l.startsWith('actual:'))
      ?.slice(7)
      .trim()
      .replace(/,$/, '');
    const name = /^(\w*Error)\b/.exec(errorLine)?.[1] ?? 'AssertionError';
    const values = expected && actual ? { expected, actual } : undefined;
    const message = assertionMessage(errorLine.replace(/ \[\w+\]:/, ':'), name, values);
    // A failure with no frame in the project (a timeout, a thrown non-error) is placed at its test's declaration.
    const placed = placeJs(jsFrames(block, root), message, root) ?? fromLocation(declared, root);
    if (!placed) continue;
    const key = `${head[2]}@${placed.location.file}:${placed.location.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    failures.push(failureAt(placed, message, head[2], values));
  }
  return failures;
}

/** A scalar or block scalar from the runner's small YAML diagnostics. */
function yamlValue(yaml: string, key: string): string | undefined {
  const m = new RegExp(`^${key}: (.*)$`, 'm').exec(yaml);
  if (!m) return undefined;
  const value = m[1];
  if (value === '|-' || value === '|') {
    const rest = yaml.slice(m.index + m[0].length + 1).split('\n');
    const out: string[] = [];
    for (const line of rest) {
      if (!line.startsWith('  ')) break;
      out.push(line.slice(2));
    }
    return out.join('\n');
  }
  return value.replace(/^(['"])(.*)\1$/, '$2');
}

function fromLocation(location: string | undefined, root: string) {
  const m = location ? /^(.*):(\d+):(\d+)$/.exec(location) : null;
  const file = m && locate(root, m[1]);
  if (!m || !file) return undefined;
  return { location: { file, line: Number(m[2]), column: Number(m[3]) }, related: [] };
}

/** Node's assertion messages that say nothing beyond the values: shown as "expected X, got Y". */
const GENERIC = /^(\w*Error: )?(Expected values to be|Input A expected to|Values identical but not|test failed$)/;

function assertionMessage(errorLine: string, name: string, values: Values | undefined): string {
  return shorten(
    values && GENERIC.test(errorLine) ? `${name}: expected ${values.expected}, got ${values.actual}` : errorLine,
  );
}
