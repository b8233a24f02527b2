import { frames } from './stack';
import { failureAt, locate, placeFailure, shorten, type ParsedTestOutput, type TestFailure, splitLines } from './types';

/** Node's own test runner: the TAP reporter (default without a TTY) and the spec reporter. */
export function parseNodeTest(output: string, root: string): ParsedTestOutput {
  const failures = /^TAP version/m.test(output) || /^not ok \d+/m.test(output) ? parseTap(output, root) : parseSpec(output, root);
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
    const message = shorten(
      expected !== undefined && actual !== undefined
        ? `${name ?? 'AssertionError'}: expected ${expected}, got ${actual}`
        : `${name && name !== 'Error' ? `${name}: ` : ''}${(error ?? 'test failed').split('\n')[0]}`,
    );
    const stack = yamlValue(yaml, 'stack')?.split('\n') ?? [];
    const placed = placeFailure(frames(stack, root), message) ?? fromLocation(yamlValue(yaml, 'location'), root, message);
    if (placed) failures.push(failureAt(placed, message, head[2]));
  }
  return failures;
}

function parseSpec(output: string, root: string): TestFailure[] {
  const lines = splitLines(output);
  const failures: TestFailure[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const head = /^(\s*)✖ (.*?) \([\d.]+m?s\)\s*$/.exec(lines[i]);
    if (!head) continue;
    const block: string[] = [];
    for (i++; i < lines.length && (lines[i].startsWith(`${head[1]}  `) || lines[i].trim() === ''); i++) {
      if (lines[i].trim() === '' && /^\s*[✔✖ℹ]/.test(lines[i + 1] ?? '')) break;
      block.push(lines[i].trim());
    }
    i--;
    const errorLine = block.find((l) => l && !l.startsWith('at ')) ?? 'test failed';
    const expected = block.find((l) => l.startsWith('expected:'))?.slice(9).trim().replace(/,$/, '');
    const actual = block.find((l) => l.startsWith('actual:'))?.slice(7).trim().replace(/,$/, '');
    const name = /^(\w*Error)\b/.exec(errorLine)?.[1];
    const message = shorten(expected && actual ? `${name ?? 'AssertionError'}: expected ${expected}, got ${actual}` : errorLine.replace(/ \[\w+\]:/, ':'));
    const placed = placeFailure(frames(block, root), message);
    if (!placed) continue;
    const key = `${head[2]}@${placed.location.file}:${placed.location.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    failures.push(failureAt(placed, message, head[2]));
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

function fromLocation(location: string | undefined, root: string, message: string) {
  const m = location ? /^(.*):(\d+):(\d+)$/.exec(location) : null;
  const file = m && locate(root, m[1]);
  if (!m || !file) return undefined;
  return { location: { file, line: Number(m[2]), column: Number(m[3]) }, related: [], message };
}
