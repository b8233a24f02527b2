import { formatCost } from '../core/models';
import type { GenerationProgress, GenerationReport } from '../core/pipeline';
import { safeInline, safeText } from '../core/terminalText';

const fmt = new Intl.NumberFormat('en-US');

export function progressMessage(p: GenerationProgress): string {
  const parts = [`${fmt.format(p.tokens)} tokens`];
  if (p.tokensPerSecond > 0) parts.push(`${fmt.format(Math.round(p.tokensPerSecond))} tok/s`);
  parts.push(`${p.filesWritten} file${p.filesWritten === 1 ? '' : 's'} written`);
  if (p.currentFile) parts.push(safeInline(p.currentFile));
  return parts.join(' · ');
}

const SHOWN_REFUSALS = 2;

/** The wall time, when the question after the stream (existing files) took a while: it is not stream time. */
function wallTime(r: GenerationReport): string {
  return r.durationMs - r.streamMs >= 1000 ? ` ${(r.durationMs / 1000).toFixed(1)} s in all, with your answer.` : '';
}

export function summaryMessage(r: GenerationReport): string {
  const lines = r.files.reduce((n, f) => n + f.lines, 0);
  const tokens = r.usage?.completion_tokens;
  const head = `Turbo wrote ${r.files.length} file${r.files.length === 1 ? '' : 's'} (${fmt.format(lines)} lines`;
  const rate = tokens !== undefined && r.timeInfo?.completion_time ? `, ${fmt.format(Math.round(tokens / r.timeInfo.completion_time))} tok/s` : '';
  const tail = `${tokens !== undefined ? `, ${fmt.format(tokens)} tokens` : ''}${rate}) in ${(r.streamMs / 1000).toFixed(1)} s with ${r.model}, ${formatCost(r.costUsd)}.`;
  // A notification too tall for the window is not shown at all: name two, count the rest (the log lists each).
  const named = r.rejected.slice(0, SHOWN_REFUSALS).map((x) => `${safeInline(x.path)} (${safeInline(x.reason)})`).join(', ');
  const more = r.rejected.length > SHOWN_REFUSALS ? ` and ${r.rejected.length - SHOWN_REFUSALS} more (Open Log for each reason)` : '';
  const skipped = r.rejected.length > 0 ? ` ${r.rejected.length} not written: ${named}${more}.` : '';
  const continued = r.continuations > 0 ? ` Continued ${r.continuations}× after the output limit.` : '';
  return safeText(head + tail + wallTime(r) + skipped + continued);
}
