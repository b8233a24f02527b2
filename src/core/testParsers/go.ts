import * as fs from 'node:fs';
import * as path from 'node:path';
import { failureAt, locate, placeFailure, shorten, type ParsedTestOutput, type SourceLocation, type TestFailure, splitLines } from './types';

interface Pending {
  test: string;
  messages: { file: string; line: number; text: string }[];
  panic?: string;
  frames: SourceLocation[];
}

/**
 * `go test` output (plain or -v): `--- FAIL: TestX` with `file_test.go:10: message` lines that are
 * relative to the package folder (known only from the `FAIL <import path>` line that ends the
 * package), panics with their goroutine traces, and build errors.
 */
export function parseGo(output: string, root: string): ParsedTestOutput {
  const lines = splitLines(output);
  const failures: TestFailure[] = [];
  const module = goModule(root);
  let pending: Pending[] = [];
  let current: Pending | undefined;
  let passed = 0;
  let inPanic = false;
  const byName = (name: string) => {
    let p = pending.find((x) => x.test === name);
    if (!p) pending.push((p = { test: name, messages: [], frames: [] }));
    return p;
  };
  const flush = (importPath: string) => {
    const dir = packageDir(importPath, module, root);
    for (const p of pending) {
      // A message names its file relative to the package folder; a standard-library file is not there.
      const located = p.messages.flatMap((m) => {
        const file = locate(root, path.join(dir, m.file));
        return file ? [{ file, line: m.line, column: 1 }] : [];
      });
      const message = shorten(p.panic ?? (p.messages.map((m) => m.text).join('\n') || `${p.test} failed`));
      const placed = placeFailure(located.length ? [...p.frames, ...located] : p.frames, message);
      if (placed) failures.push(failureAt(placed, message, p.test));
    }
    pending = [];
    current = undefined;
  };
  for (const line of lines) {
    let m: RegExpExecArray | null;
    // Cheap checks first: most lines of a long run are none of these.
    const goFile = line.includes('.go:');
    if (line.startsWith('=== ') && (m = /^=== (?:RUN|CONT|PAUSE)\s+(\S+)/.exec(line))) {
      current = undefined;
      if (!line.startsWith('=== RUN')) continue;
      current = { test: m[1], messages: [], frames: [] };
      continue;
    }
    if (line.includes('--- ') && (m = /^\s*--- (FAIL|PASS|SKIP): (\S+)/.exec(line))) {
      if (m[1] === 'PASS') passed++;
      if (m[1] !== 'FAIL') continue;
      const p = byName(m[2]);
      if (current?.test === m[2]) p.messages.push(...current.messages);
      current = p;
      continue;
    }
    if ((line.startsWith('FAIL') || line.startsWith('ok')) && ((m = /^(?:FAIL|ok)\s+(\S+)\s+(?:[\d.]+s|\(cached\))/.exec(line)) || (m = /^FAIL\s+(\S+) \[(?:build|setup) failed\]/.exec(line)))) {
      flush(m[1]);
      inPanic = false;
      continue;
    }
    if (!inPanic && line.startsWith('panic: ') && (m = /^panic: (.*?)(?: \[recovered\])?$/.exec(line))) {
      inPanic = true;
      const p = current ?? pending.at(-1);
      if (p) p.panic = `panic: ${m[1]}`;
      continue;
    }
    if (inPanic) {
      // Goroutine frames: a tab, the absolute file, its line and an offset. Innermost first.
      const frame = goFile && line.startsWith('\t') ? /^\t(\/.+?\.go):(\d+)(?: \+0x[0-9a-f]+)?$/.exec(line) : null;
      const p = current ?? pending.at(-1);
      const file = frame && p && locate(root, frame[1]);
      if (frame && p && file) p.frames.unshift({ file, line: Number(frame[2]), column: 1 });
      continue;
    }
    if (goFile && current && (m = /^ {4,}([\w.-]+\.go):(\d+): (.*)$/.exec(line))) {
      current.messages.push({ file: m[1], line: Number(m[2]), text: m[3] });
      continue;
    }
    if (current?.messages.length && line.startsWith('        ') && (m = /^ {8,}(.*)$/.exec(line))) {
      current.messages[current.messages.length - 1].text += `\n${m[1]}`;
      continue;
    }
    // A build error: `pkg/calc/calc.go:10:2: undefined: x`, relative to where go ran.
    const build = goFile ? /^(\.?\.?\/?[\w./-]+\.go):(\d+):(\d+): (.*)$/.exec(line) : null;
    const buildFile = build && locate(root, build[1]);
    if (build && buildFile) {
      failures.push({ location: { file: buildFile, line: Number(build[2]), column: Number(build[3]) }, message: shorten(build[4]), test: undefined, related: [] });
    }
  }
  if (pending.length) flush(module ?? '');
  return { runner: 'go', failures, passed: passed || undefined, failed: failures.length };
}

function goModule(root: string): string | undefined {
  try {
    return /^module\s+(\S+)/m.exec(fs.readFileSync(path.join(root, 'go.mod'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** The folder of a package from its import path and the module path in go.mod. */
function packageDir(importPath: string, module: string | undefined, root: string): string {
  if (module && (importPath === module || importPath.startsWith(`${module}/`))) return path.join(root, importPath.slice(module.length));
  return root;
}
