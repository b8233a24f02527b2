import { failureAt, shorten } from './failure';
import { locate } from './locate';
import { splitLines } from './text';
import type { ParsedTestOutput, SourceLocation, TestFailure } from './types';

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
      for (i++; i < lines.length && !/^---- \S+ stdout ----$/.test(lines[i]) && !/^failures:$/.test(lines[i]); i++)
        block.push(lines[i]);
      i--;
      const failure = readPanic(head[1], block, root);
      if (failure) failures.push(failure);
      continue;
    }
    const error = /^error(?:\[(E\d+)\])?: (.*)$/.exec(lines[i]);
    const at = error && /^\s*--> (.+?):(\d+):(\d+)$/.exec(lines[i + 1] ?? '');
    const file = error && at && locate(root, at[1]);
    if (error && at && file) {
      failures.push({
        location: { file, line: Number(at[2]), column: Number(at[3]) },
        message: shorten(`${error[1] ? `${error[1]}: ` : ''}${error[2]}`),
        test: undefined,
        related: [],
      });
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

const NO_PANIC = /^note: test did not panic as expected(?: at (.+):(\d+):(\d+))?$/;

function readPanic(test: string, block: string[], root: string): TestFailure | undefined {
  const index = block.findIndex((l) => /^thread '.*?'(?: \(\d+\))? panicked at /.test(l));
  if (index < 0) return noPanic(test, block, root);
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
    // Before Rust 1.73: panicked at 'message', src/lib.rs:17:9 — the message may run over several lines.
    const last = block.findIndex((l, j) => j >= index && l.length < 4096 && /', \S+:\d+:\d+$/.test(l));
    const old =
      last < 0 ? null : /panicked at '([\s\S]*)', (\S+):(\d+):(\d+)$/.exec(block.slice(index, last + 1).join('\n'));
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
      return withValues(
        testFrame,
        sameLine ? [] : [{ ...panic, message: `panicked here: ${text}` }],
        text,
        test,
        message,
      );
    }
  }
  return withValues(panic, [], text, test, message);
}

/** `note: test did not panic as expected at src/lib.rs:21:8` (the place since Rust 1.80): a should_panic test that returned. */
function noPanic(test: string, block: string[], root: string): TestFailure | undefined {
  for (const line of block) {
    const m = NO_PANIC.exec(line);
    const file = m?.[1] && locate(root, m[1]);
    if (m && file)
      return {
        location: { file, line: Number(m[2]), column: Number(m[3]) },
        message: 'test did not panic as expected',
        test,
        related: [],
      };
  }
  return undefined;
}

/**
 * assert_eq!'s `left: 5` / `right: 4` (older toolchains: `` left: `5`, `` and `` right: `4` ``).
 * Rust does not say which side is expected; `assert_eq!(actual, expected)` is the common order.
 */
function withValues(
  location: SourceLocation,
  related: TestFailure['related'],
  text: string,
  test: string,
  message: string,
): TestFailure {
  const left = valueAfter(message, 'left: ');
  const right = left === undefined ? undefined : valueAfter(message, 'right: ');
  return failureAt(
    { location, related },
    text,
    test,
    left !== undefined && right !== undefined ? { expected: right, actual: left } : undefined,
  );
}

/** The rest of the line after `key`, without the old format's backticks and comma. */
function valueAfter(message: string, key: string): string | undefined {
  const at = message.indexOf(key);
  if (at < 0) return undefined;
  const end = message.indexOf('\n', at);
  let value = message.slice(at + key.length, end < 0 ? undefined : end);
  if (value.endsWith(',')) value = value.slice(0, -1);
  return value.length > 1 && value.startsWith('`') && value.endsWith('`') ? value.slice(1, -1) : value;
}
