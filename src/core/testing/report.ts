import * as path from 'node:path';
import type { FixLoopOutcome, TestReport } from './loop';
import { safeInline, safeText } from '../terminalText';
import type { TestFailure } from './parsers';

/** A file as shown to people and agents: relative to the folder when inside it, with forward slashes. */
export function displayPath(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

/** The `diagnostics` array of `turbo test --json`, `turbo parse-output --json` and the MCP `run_tests` tool. */
export function diagnosticsJson(root: string, failures: TestFailure[]) {
  return failures.map((f) => ({
    file: displayPath(root, f.location.file),
    line: f.location.line,
    column: f.location.column,
    message: f.message,
    severity: 'error' as const,
    test: f.test ?? null,
    related: f.related.map((r) => ({
      file: displayPath(root, r.file),
      line: r.line,
      column: r.column,
      message: r.message,
    })),
    ...(f.expected !== undefined && f.actual !== undefined ? { expected: f.expected, actual: f.actual } : {}),
  }));
}

/** Compiler-style lines (`file:line:col: error: message`) that terminals and editors link; names from test output are escaped. */
export function diagnosticsText(root: string, failures: TestFailure[]): string {
  return failures
    .map((f) => {
      const head = `${safeInline(displayPath(root, f.location.file))}:${f.location.line}:${f.location.column}: error: ${safeText(f.message).replace(/\n/g, '\n    ')}${f.test ? ` [${safeInline(f.test)}]` : ''}`;
      const related = f.related
        .map(
          (r) =>
            `\n${safeInline(displayPath(root, r.file))}:${r.line}:${r.column}: note: ${safeInline(r.message.replace(/\n/g, ' '))}`,
        )
        .join('');
      return head + related + '\n';
    })
    .join('');
}

export function countsText(r: {
  passed: number | undefined;
  failed: number | undefined;
  runner: string | undefined;
  green?: boolean;
}): string {
  const failed = r.failed ?? 0;
  const passed = r.passed !== undefined ? `${r.passed} passed` : undefined;
  if (failed === 0 && r.green !== false) return `✓ ${passed ?? 'no failures'}${r.runner ? ` (${r.runner})` : ''}`;
  return `✗ ${failed} failed${passed ? `, ${passed}` : ''}${r.runner ? ` (${r.runner})` : ''}`;
}

export const OUTCOME_TEXT: Record<FixLoopOutcome, string> = {
  green: 'All tests pass',
  no_progress: 'Stopped: the last round did not reduce the failures',
  rounds_exhausted: 'Stopped: no rounds left',
  edits_refused: 'Stopped: the model’s edits did not apply, and nothing was changed',
  unreadable: 'Stopped: the tests fail but Turbo could not locate the failures in the output',
  cancelled: 'Cancelled',
  tests_vanished: 'Not green: the tests pass, but fewer of them ran than before the change',
};

/** `turbo test --json` and the MCP `run_tests` result. */
export function testJson(report: TestReport) {
  return {
    command: report.command,
    exit_code: report.exitCode,
    timed_out: report.timedOut,
    duration_ms: report.durationMs,
    runner: report.runner ?? null,
    passed: report.passed ?? null,
    failed: report.failed ?? null,
    green: report.green,
    diagnostics: diagnosticsJson(report.cwd, report.failures),
  };
}
