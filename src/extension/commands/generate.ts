import * as path from 'node:path';
import * as vscode from 'vscode';
import { redactSecrets } from '../../core/errors';
import type { GenerationReport } from '../../core/pipeline';
import { readSettings, refuseOnBadSettings } from '../config';
import { safeText } from '../../core/terminalText';
import { progressMessage, summaryMessage } from '../progressText';
import { contractToGenerate } from '../contract/chooseContract';
import { runGeneration } from '../runGeneration';
import type { Services } from '../services';

const PROGRESS_INTERVAL_MS = 100;

/**
 * "Turbo: Generate from Contract" on the contract it was invoked on, the active one, or one the person
 * picks (see contractToGenerate). Returns the report so other commands, agents and tests can act on it.
 */
export async function generateFromContract(services: Services, target?: unknown): Promise<GenerationReport | undefined> {
  if (!services.running) {
    // Chosen and checked before the one generation slot is claimed: the person may take a while.
    const document = await contractToGenerate(services, target);
    if (!document) return undefined;
    const result = await services.exclusive((abort) => generateWith(services, document, abort));
    if (result !== 'busy') return result;
  }
  const cancel = 'Cancel It';
  void vscode.window.showWarningMessage('Turbo is already generating. Wait for it to finish or cancel it.', cancel).then((b) => b === cancel && services.running?.abort());
  return undefined;
}

async function generateWith(services: Services, document: vscode.TextDocument, abort: AbortController): Promise<GenerationReport | undefined> {
  const contract = document.getText();
  const settings = readSettings(document.uri);
  if (refuseOnBadSettings(settings)) return undefined;
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

  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Turbo', cancellable: true },
    async (progress, token) => {
      const onCancel = token.onCancellationRequested(() => abort.abort());
      let lastShown = 0;
      progress.report({ message: `Sending contract to ${settings.model}…` });
      try {
        return await runGeneration(services, {
          contract,
          contractUri: document.uri,
          outputRoot,
          settings,
          apiKey: key,
          signal: abort.signal,
          onNotice: (message) => progress.report({ message: safeText(message) }),
          onProgress: (p) => {
            if (p.elapsedMs - lastShown < PROGRESS_INTERVAL_MS) return;
            lastShown = p.elapsedMs;
            progress.report({ message: progressMessage(p) });
          },
        });
      } finally {
        onCancel.dispose();
      }
    },
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
  const fix = report.error.kind === 'auth' ? 'Set API Key' : report.error.kind === 'model_unavailable' ? 'Select Model' : report.error.kind === 'network' ? 'Open Settings' : undefined;
  const buttons = fix ? [fix, openLog] : [openLog];
  const kept = report.files.length > 0 ? ` ${report.files.length} complete file(s) were written.` : '';
  const answer = await vscode.window.showErrorMessage(safeText(`Turbo: ${message}${kept}`), ...buttons);
  if (answer === openLog) services.log.show();
  else if (answer === 'Set API Key') await vscode.commands.executeCommand('turbo.setApiKey');
  else if (answer === 'Select Model') await vscode.commands.executeCommand('turbo.selectModel');
  // The base URL, or the deadline when that is what ran out.
  else if (answer === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', /deadline/.test(message) ? 'turbo.requestTimeout' : 'turbo.baseUrl');
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

