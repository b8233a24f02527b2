import * as vscode from 'vscode';
import { shownUrl } from '../core/inputs';
import { generate, type GenerationProgress, type GenerationReport } from '../core/generation/pipeline';
import type { TurboSettings } from './config';
import type { GenerationRecord } from './generationHistory';
import { askAboutExisting } from './overwritePrompt';
import { count } from './progressText';
import { revertGeneration } from './revert';
import type { Services } from './services';
import { WorkspaceEditSink } from './workspaceEditSink';

export interface RunRequest {
  contract: string;
  /** Where the contract came from, when it is a document (the fix loop follows up on it). */
  contractUri: vscode.Uri | undefined;
  outputRoot: vscode.Uri;
  settings: TurboSettings;
  apiKey: { key: string; source: string };
  signal: AbortSignal;
  onProgress?: (progress: GenerationProgress) => void;
  onNotice?: (message: string) => void;
}

/**
 * One generation in the editor, shared by the command and the language-model tool: the engine's
 * pipeline into a WorkspaceEdit sink, then the bookkeeping (undo record, cost, last run, log).
 */
export async function runGeneration(services: Services, req: RunRequest): Promise<GenerationReport> {
  const { settings, outputRoot } = req;
  const client = await services.clientFor(req.apiKey.key, settings);
  const record = services.history.begin();
  const sink = workspaceSink(services, req, record);
  services.log.info(
    `Generating${req.contractUri ? ` from ${req.contractUri.fsPath || req.contractUri.toString()}` : ''} with ${settings.model} into ${outputRoot.fsPath} (key from ${req.apiKey.source}, ${shownUrl(client.baseUrl)}).`,
  );
  const report = await generate({
    client,
    contract: req.contract,
    model: settings.model,
    maxCompletionTokens: services.completionTokensFor(req.contract, req.contractUri, settings.maxCompletionTokens),
    maxContinuations: settings.maxContinuations,
    temperature: settings.temperature,
    reasoningEffort: settings.reasoningEffort,
    deny: settings.denyPatterns,
    sink,
    signal: req.signal,
    onNotice: (message) => {
      services.log.info(message);
      req.onNotice?.(message);
    },
    onProgress: req.onProgress,
    onFile: (f) =>
      services.log.info(`${f.overwritten ? 'Replaced' : 'Wrote'} ${f.path} (${f.lines} lines, ${f.bytes} bytes).`),
  });
  services.noteAnswer(req.contractUri, report.usage?.completion_tokens);
  return finishRun(services, req, record, report);
}

/**
 * The bookkeeping after files landed through `workspaceSink` (a generation, or a race's winner): the
 * files of a discarded run removed again, the undo record, the cost, the last run, the log.
 */
export async function finishRun(
  services: Services,
  req: Pick<RunRequest, 'contractUri' | 'outputRoot'>,
  record: GenerationRecord,
  report: GenerationReport,
  costUsd = report.costUsd,
): Promise<GenerationReport> {
  const { outputRoot } = req;
  if (report.error?.kind === 'discarded') {
    // Cancel in the overwrite question: the files this run already created go too.
    const reverted = await revertGeneration(record);
    services.log.info(`Generation discarded; removed ${count(reverted?.removed ?? 0, 'file')} it had created.`);
    report.files = [];
  } else {
    services.history.commit(record);
  }
  services.addCost(costUsd);
  services.lastRun = { report, contract: req.contractUri, outputRoot, record };
  logOutcome(services.log, report);
  if (req.contractUri && report.files.length > 0) services.didGenerate({ contract: req.contractUri, outputRoot });
  return report;
}

/**
 * The sink that writes through WorkspaceEdits. When it waits for the person (the overwrite question,
 * the Refactor Preview) it says so in the log and beside the progress.
 */
export function workspaceSink(
  services: Services,
  req: Pick<RunRequest, 'outputRoot' | 'settings' | 'signal' | 'onNotice'>,
  record: GenerationRecord,
): WorkspaceEditSink {
  const { settings } = req;
  return new WorkspaceEditSink(
    req.outputRoot,
    settings.overwrite,
    record,
    settings.previewBeforeWrite,
    (paths) => {
      req.onNotice?.(`Waiting for your answer about ${count(paths.length, 'existing file')}…`);
      return askAboutExisting(paths, services.log, req.signal);
    },
    (m) => {
      services.log.info(m);
      req.onNotice?.(m);
    },
    settings.denyPatterns,
  );
}

/** What was not written and why, and the run's numbers, for the log. */
function logOutcome(log: vscode.LogOutputChannel, report: GenerationReport): void {
  report.rejected.forEach((r) => log.warn(`Not written: ${r.path} (${r.reason}).`));
  report.warnings.forEach((w) => log.warn(w));
  if (report.unfinished.length > 0) log.warn(`Cut off, not written: ${report.unfinished.join(', ')}.`);
  log.info(
    `Finished: ${report.files.length} files, finish_reason ${report.finishReason ?? 'none'}, ` +
      `usage ${JSON.stringify(report.usage ?? null)}, time_info ${JSON.stringify(report.timeInfo ?? null)}, ${report.durationMs} ms.`,
  );
}
