import * as path from 'node:path';
import * as vscode from 'vscode';
import { redactSecrets } from '../../core/errors';
import { generate as runPipeline, type GenerationReport } from '../../core/pipeline';
import { readSettings } from '../config';
import { askAboutExisting } from '../overwritePrompt';
import { revertGeneration } from '../revert';
import { progressMessage, summaryMessage } from '../progressText';
import type { Services } from '../services';
import { WorkspaceEditSink } from '../workspaceEditSink';

const PROGRESS_INTERVAL_MS = 100;

/**
 * "Turbo: Generate from Contract" on the active document (or the file it was invoked on). Returns
 * the report so other commands, agents and tests can act on it.
 */
export async function generateFromContract(services: Services, target?: unknown): Promise<GenerationReport | undefined> {
  if (services.running) {
    const cancel = 'Cancel It';
    void vscode.window.showWarningMessage('Turbo is already generating. Wait for it to finish or cancel it.', cancel).then((b) => b === cancel && services.running?.abort());
    return undefined;
  }
  // Claimed before the first await, so a second invocation cannot slip in while this one prepares.
  const abort = new AbortController();
  services.running = abort;
  void vscode.commands.executeCommand('setContext', 'turbo.generating', true);
  try {
    return await generateWith(services, target, abort);
  } finally {
    services.running = undefined;
    void vscode.commands.executeCommand('setContext', 'turbo.generating', false);
  }
}

async function generateWith(services: Services, target: unknown, abort: AbortController): Promise<GenerationReport | undefined> {
  const document = await contractDocument(target);
  if (!document) {
    void vscode.window.showErrorMessage('Turbo: open a contract file first, then run "Generate from Contract".');
    return undefined;
  }
  const contract = document.getText();
  if (!contract.trim()) {
    void vscode.window.showErrorMessage('Turbo: the contract is empty. Write the data models, routes and rules first.');
    return undefined;
  }
  const settings = readSettings(document.uri);
  const outputRoot = await outputFolder(document, settings.outputDirectory);
  if (!outputRoot) return undefined;

  const key = await services.keys.get();
  if (!key) {
    const set = 'Set API Key';
    void vscode.window
      .showErrorMessage('Turbo needs a Cerebras API key. Set one, or start VS Code with CEREBRAS_API_KEY in the environment.', set)
      .then((b) => b === set && vscode.commands.executeCommand('turbo.setApiKey'));
    return undefined;
  }

  const client = await services.clientFor(key.key, settings);
  const record = services.history.begin();
  const sink = new WorkspaceEditSink(outputRoot, settings.overwrite, record, settings.previewBeforeWrite, (paths) => askAboutExisting(paths, services.log), (m) => services.log.info(m));
  services.log.info(`Generating from ${document.uri.fsPath || document.uri.toString()} with ${settings.model} into ${outputRoot.fsPath} (key from ${key.source}, ${client.baseUrl}).`);

  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Turbo', cancellable: true },
    async (progress, token) => {
      const onCancel = token.onCancellationRequested(() => abort.abort());
      let lastShown = 0;
      progress.report({ message: `Sending contract to ${settings.model}…` });
      try {
        return await runPipeline({
          client,
          contract,
          model: settings.model,
          maxCompletionTokens: settings.maxCompletionTokens,
          maxContinuations: settings.maxContinuations,
          temperature: settings.temperature,
          reasoningEffort: settings.reasoningEffort,
          deny: settings.denyPatterns,
          sink,
          signal: abort.signal,
          onNotice: (message) => {
            services.log.info(message);
            progress.report({ message });
          },
          onProgress: (p) => {
            if (p.elapsedMs - lastShown < PROGRESS_INTERVAL_MS) return;
            lastShown = p.elapsedMs;
            progress.report({ message: progressMessage(p) });
          },
          onFile: (f) => services.log.info(`${f.overwritten ? 'Replaced' : 'Wrote'} ${f.path} (${f.lines} lines, ${f.bytes} bytes).`),
        });
      } finally {
        onCancel.dispose();
      }
    },
  );
  if (report.error?.kind === 'discarded') {
    // Cancel in the overwrite dialog: the files this run already created go too.
    const reverted = await revertGeneration(record);
    services.log.info(`Generation discarded; removed ${reverted?.removed ?? 0} file(s) it had created.`);
    report.files = [];
  } else {
    services.history.commit(record);
  }
  services.addCost(report.costUsd);
  services.lastRun = { report, contract: document.uri, outputRoot };
  report.rejected.forEach((r) => services.log.warn(`Not written: ${r.path} (${r.reason}).`));
  report.warnings.forEach((w) => services.log.warn(w));
  if (report.unfinished.length > 0) services.log.warn(`Cut off, not written: ${report.unfinished.join(', ')}.`);
  services.log.info(
    `Finished: ${report.files.length} files, finish_reason ${report.finishReason ?? 'none'}, ` +
      `usage ${JSON.stringify(report.usage ?? null)}, time_info ${JSON.stringify(report.timeInfo ?? null)}, ${report.durationMs} ms.`,
  );
  void showOutcome(services, report, key.key);
  return report;
}

async function showOutcome(services: Services, report: GenerationReport, apiKey: string): Promise<void> {
  const openLog = 'Open Log';
  if (!report.error) {
    if ((await vscode.window.showInformationMessage(summaryMessage(report), openLog)) === openLog) services.log.show();
    return;
  }
  const message = redactSecrets(report.error.message, apiKey);
  if (report.error.kind === 'discarded') {
    void vscode.window.showInformationMessage('Turbo: generation discarded. No file was changed.');
    return;
  }
  if (report.error.kind === 'cancelled') {
    services.log.info(`Cancelled after ${report.files.length} complete file(s).`);
    void vscode.window.showInformationMessage(`Turbo: generation cancelled. ${report.files.length} complete file(s) kept; no partial file was written.`);
    return;
  }
  services.log.error(message);
  const fix = report.error.kind === 'auth' ? 'Set API Key' : report.error.kind === 'model_unavailable' ? 'Select Model' : undefined;
  const buttons = fix ? [fix, openLog] : [openLog];
  const kept = report.files.length > 0 ? ` ${report.files.length} complete file(s) were written.` : '';
  const answer = await vscode.window.showErrorMessage(`Turbo: ${message}${kept}`, ...buttons);
  if (answer === openLog) services.log.show();
  else if (answer === 'Set API Key') await vscode.commands.executeCommand('turbo.setApiKey');
  else if (answer === 'Select Model') await vscode.commands.executeCommand('turbo.selectModel');
}

async function contractDocument(target: unknown): Promise<vscode.TextDocument | undefined> {
  if (target instanceof vscode.Uri) return vscode.workspace.openTextDocument(target);
  return vscode.window.activeTextEditor?.document;
}

/** `turbo.outputDirectory` relative to the contract's workspace folder; empty means the contract's own folder. */
async function outputFolder(document: vscode.TextDocument, setting: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  if (setting) {
    if (path.isAbsolute(setting)) return vscode.Uri.file(setting);
    const base = folder?.uri ?? (document.isUntitled ? undefined : vscode.Uri.joinPath(document.uri, '..'));
    if (base) return vscode.Uri.joinPath(base, ...setting.split(/[\\/]/));
  } else if (!document.isUntitled) {
    return vscode.Uri.joinPath(document.uri, '..');
  }
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Generate Here', title: 'Turbo: choose the output folder' });
  return picked?.[0];
}

