import type { ParsedFile } from './fileParser';
import { DEFAULT_DENY } from './pathGuard';
import { emptyReport, type GenerateOptions, type GenerationReport } from './pipeline';
import { WriteQueue } from './pipelineWrites';

/**
 * Writes files that are already complete (a race's winner) through the path guard and the sink, exactly as
 * a generation writes its files, and reports them the same way (the sink's question and undo included).
 */
export async function landFiles(
  files: readonly ParsedFile[],
  options: Pick<GenerateOptions, 'sink' | 'onFile' | 'deny'> & { model: string },
): Promise<GenerationReport> {
  const started = performance.now();
  const report = emptyReport(options.model);
  const writes = new WriteQueue(options, options.deny ?? DEFAULT_DENY, report, () => undefined);
  writes.add([...files]);
  await writes.written();
  report.streamMs = Math.round(performance.now() - started);
  await writes.settle();
  report.durationMs = Math.round(performance.now() - started);
  return report;
}
