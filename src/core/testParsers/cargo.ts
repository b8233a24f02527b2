import { locate, placeFailure, shorten, type ParsedTestOutput, type SourceLocation, type TestFailure, splitLines } from './types';

/**
 * `cargo test`: each `---- name stdout ----` block holds the panic (`panicked at src/lib.rs:17:9:`
 * with the message on the next lines; older toolchains print `panicked at 'message', file:l:c`) and,
 * with RUST_BACKTRACE, the frames. Compile errors (`error[E0308]: …` then ` --> src/lib.rs:3:5`) too.
 */
export function parseCargo(output: string, root: string): ParsedTestOutput {
  const lines = splitLines(output);
  const failures: TestFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = /^---- (\S+) stdout ----$/.exec(lines[i]);
    if (head) {
      const block: string[] = [];
      for (i++; i < lines.length && !/^---- \S+ stdout ----$/.test(lines[i]) && !/^failures:$/.test(lines[i]); i++) block.push(lines[i]);
      i--;
      const failure = readPanic(head[1], block, root);
      if (failure) failures.push(failure);
      continue;
    }
    const error = /^error(?:\[(E\d+)\])?: (.*)$/.exec(lines[i]);
    const at = error && /^\s*--> (.+?):(\d+):(\d+)$/.exec(lines[i + 1] ?? '');
    const file = error && at && locate(root, at[1]);
    if (error && at && file) {
      failures.push({ location: { file, line: Number(at[2]), column: Number(at[3]) }, message: shorten(`${error[1] ? `${error[1]}: ` : ''}${error[2]}`), test: undefined, related: [] });
    }
  }
  let passed: number | undefined;
  let failed: number | undefined;
  for (const m of output.matchAll(/^test result: \w+\. (\d+) passed; (\d+) failed;/gm)) {
    passed = (passed ?? 0) + Number(m[1]);
    failed = (failed ?? 0) + Number(m[2]);
  }
  return { runner: 'cargo', failures, passed, failed: failed ?? failures.length };
}

function readPanic(test: string, block: string[], root: string): TestFailure | undefined {
  const index = block.findIndex((l) => /^thread '.*?'(?: \(\d+\))? panicked at /.test(l));
  if (index < 0) return undefined;
  const line = block[index];
  let where: string[];
  let message: string;
  const modern = /panicked at (.+?):(\d+):(\d+):$/.exec(line);
  if (modern) {
    where = modern.slice(1, 4);
    const rest = block.slice(index + 1);
    const end = rest.findIndex((l) => /^(stack backtrace:|note: )/.test(l) || l === '');
    message = (end < 0 ? rest : rest.slice(0, end)).join('\n');
  } else {
    // Before Rust 1.73: panicked at 'message', src/lib.rs:17:9
    const old = /panicked at '([\s\S]*)', (.+?):(\d+):(\d+)$/.exec(line);
    if (!old) return undefined;
    where = old.slice(2, 5);
    message = old[1];
  }
  const panicFile = locate(root, where[0]);
  if (!panicFile) return undefined;
  const panic: SourceLocation = { file: panicFile, line: Number(where[1]), column: Number(where[2]) };
  const text = shorten(message || 'panicked');
  // With a backtrace, the test's own frame is where the failure shows; the panic site is related.
  const short = test.split('::').pop()!;
  for (let j = index + 1; j < block.length - 1; j++) {
    const fn = /^\s+\d+: (.+)$/.exec(block[j]);
    const at = /^\s+at (.+?):(\d+):(\d+)$/.exec(block[j + 1]);
    const file = fn && at && fn[1].endsWith(`::${short}`) && locate(root, at[1]);
    if (at && file) {
      const testFrame = { file, line: Number(at[2]), column: Number(at[3]) };
      const sameLine = testFrame.file === panic.file && testFrame.line === panic.line;
      return { location: testFrame, related: sameLine ? [] : [{ ...panic, message: `panicked here: ${text}` }], message: text, test };
    }
  }
  return { ...placeFailure([panic], text)!, message: text, test };
}
