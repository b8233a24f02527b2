import { redactSecrets } from '../errors';
import type { Usage } from '../generation/modelClient';
import type { CandidateResult, RaceReport } from './types';

/**
 * A race as one JSON value, for `turbo race --json` and the agents' `race_and_write_files`: the
 * verdicts, counts and file names, never the code. Print it with safeJson (paths, reasons and
 * errors come from the model and the test output); `apiKey` is redacted from every message.
 */
export function raceJson(report: RaceReport, root: string, apiKey?: string) {
  const redact = (text: string) => redactSecrets(text, apiKey);
  const landed = report.landed;
  return {
    winner: report.winner ?? null,
    green: report.green,
    candidates: report.candidates.map((c) => candidateJson(c, redact)),
    files: (landed?.files ?? []).map(({ path, lines, bytes, overwritten }) => ({ path, lines, bytes, overwritten })),
    duration_ms: report.durationMs,
    usage: usageJson(report.usage),
    cost_usd: report.costUsd ?? null,
    // Extras beyond the shape: what the CLI and an agent need to read the verdict right.
    output_dir: root,
    asked: report.asked,
    ran: report.ran,
    /** The winner's files the overwrite policy kept out of the folder (or the sink refused). */
    not_written: (landed?.rejected ?? []).map((r) => ({
      path: r.path,
      reason: redact(r.reason),
      status: r.status ?? 'rejected',
    })),
    baseline_ran: report.baselineRan ?? null,
    max_completion_tokens: report.maxCompletionTokens,
    cancelled: report.cancelled,
    error: report.error === null ? null : redact(report.error),
    notices: report.notices.map(redact),
  };
}

function candidateJson(c: CandidateResult, redact: (text: string) => string) {
  return {
    candidate: c.candidate,
    green: c.green,
    passed: c.passed ?? null,
    failed: c.failed ?? null,
    refused: c.refused.map((r) => ({ path: r.path, reason: redact(r.reason) })),
    files: c.files.map(({ path, lines, bytes }) => ({ path, lines, bytes })),
    error: c.error === null ? null : redact(c.error),
    loads: c.loads,
    conformance: c.conformance ? { met: c.conformance.met, total: c.conformance.total } : null,
    not_green_because: c.notGreenBecause === undefined ? null : redact(c.notGreenBecause),
    /** Test files the candidate added: landed with it if it wins, never counted in its score. */
    new_tests: c.files.filter((f) => f.newTest).map((f) => f.path),
    lines: c.lines,
    tokens: c.usage?.completion_tokens ?? null,
    duration_ms: c.durationMs,
    cost_usd: c.costUsd ?? null,
  };
}

function usageJson(usage: Usage | undefined) {
  return usage ? { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens } : null;
}
