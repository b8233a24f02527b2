import * as path from 'node:path';
import { redactSecrets } from '../errors';
import type { GenerationReport } from './pipeline';

/**
 * The `generate_and_write_files` result of the speed-run plugin's Turbo MCP server (status, model,
 * generation_time_ms, files_written, total_files, total_lines, errors) plus Turbo's extras. Metadata
 * only: no file content.
 */
export function metadataResult(report: GenerationReport, root: string, apiKey: string | undefined) {
  const errors: string[] = [
    ...report.rejected.map((r) => `${r.status === 'skipped' ? 'skipped' : 'rejected'} ${r.path}: ${r.reason}`),
    ...report.unfinished.map((p) => `truncated: ${p} was cut off and not written`),
    ...report.warnings.map((w) => `warning: ${w}`),
    ...(report.error ? [redactSecrets(report.error.message, apiKey)] : []),
  ];
  const completion = report.usage?.completion_tokens;
  const seconds = report.timeInfo?.completion_time ?? report.durationMs / 1000;
  return {
    // "success" only when everything the model wrote landed: a refused or skipped file makes it partial.
    status: report.error
      ? report.files.length > 0
        ? 'partial'
        : 'error'
      : report.rejected.length > 0 || report.unfinished.length > 0
        ? 'partial'
        : 'success',
    model: report.model,
    generation_time_ms: report.durationMs,
    files_written: report.files.map((f) => ({
      path: path.join(root, f.path),
      filename: f.path,
      lines: f.lines,
      overwritten: f.overwritten,
    })),
    // Replacing a file is the one write an agent cannot take back: named apart so it is not missed.
    files_replaced: report.files.filter((f) => f.overwritten).map((f) => path.join(root, f.path)),
    total_files: report.files.length,
    total_lines: report.files.reduce((n, f) => n + f.lines, 0),
    errors,
    output_dir: root,
    usage: report.usage
      ? { prompt_tokens: report.usage.prompt_tokens, completion_tokens: report.usage.completion_tokens }
      : null,
    cost_usd: report.costUsd ?? null,
    tokens_per_second: completion !== undefined && seconds > 0 ? Math.round(completion / seconds) : null,
    finish_reason: report.finishReason ?? null,
    truncated: report.truncated,
    continuations: report.continuations,
  };
}
