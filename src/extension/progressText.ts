import { formatCost } from '../core/generation/models';
import type { GenerationProgress, GenerationReport } from '../core/generation/pipeline';
import { safeInline, safeText } from '../core/terminalText';

const fmt = new Intl.NumberFormat('en-US');

/** "1 file", "2 files", "1,024 lines": a count with its noun spelled to match. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${fmt.format(n)} ${n === 1 ? noun : plural}`;
}

export function progressMessage(p: GenerationProgress): string {
  const parts = [`${fmt.format(p.tokens)} tokens`];
  if (p.tokensPerSecond > 0) parts.push(`${fmt.format(Math.round(p.tokensPerSecond))} tok/s`);
  parts.push(`${count(p.filesWritten, 'file')} written`);
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
  const head = `Turbo wrote ${count(r.files.length, 'file')} (${count(lines, 'line')}`;
  const rate =
    tokens !== undefined && r.timeInfo?.completion_time
      ? `, ${fmt.format(Math.round(tokens / r.timeInfo.completion_time))} tok/s`
      : '';
  const tail = `${tokens !== undefined ? `, ${fmt.format(tokens)} tokens` : ''}${rate}) in ${(r.streamMs / 1000).toFixed(1)} s with ${r.model}, ${formatCost(r.costUsd)}.`;
  const skipped = r.rejected.length > 0 ? ` ${r.rejected.length} not written: ${refusals(r.rejected)}.` : '';
  const continued = r.continuations > 0 ? ` Continued ${r.continuations}× after the output limit.` : '';
  return safeText(head + tail + wallTime(r) + skipped + continued);
}

/**
 * "a.txt, b.txt and 3 more: exists, and you chose Skip Existing; c.txt: open with unsaved changes".
 * Files are grouped by reason, so a reason is said once. A notification too tall for the window is
 * not shown at all: two files are named, the rest counted (the log lists each with its reason).
 */
function refusals(rejected: GenerationReport['rejected']): string {
  const byReason = new Map<string, string[]>();
  for (const x of rejected) byReason.set(x.reason, [...(byReason.get(x.reason) ?? []), x.path]);
  const parts: string[] = [];
  let left = SHOWN_REFUSALS;
  let unnamed = 0;
  for (const [reason, paths] of byReason) {
    if (left === 0) {
      unnamed += paths.length;
      continue;
    }
    const named = paths.slice(0, left);
    left -= named.length;
    const rest = paths.length - named.length;
    parts.push(`${named.map(safeInline).join(', ')}${rest > 0 ? ` and ${rest} more` : ''}: ${safeInline(reason)}`);
  }
  if (unnamed > 0) parts.push(`${unnamed} more for other reasons, listed in the log`);
  return parts.join('; ');
}
