import * as vscode from 'vscode';
import { redactSecrets } from '../../core/errors';
import { abortingOnCancel } from '../../core/oneAtATime';
import type { GenerationProgress, GenerationReport } from '../../core/generation/pipeline';
import { openSettingsAt, readSettings, refuseOnBadSettings, type TurboSettings } from '../config';
import type { CommandId } from './ids';
import { safeText } from '../../core/terminalText';
import { keySourceText, type KeySource } from '../apiKey';
import { count, progressMessage, summaryMessage } from '../progressText';
import { contractToGenerate } from '../contract/chooseContract';
import { outputFolder } from '../contract/outputFolder';
import { runGeneration } from '../runGeneration';
import { nearestTestFolder } from '../testing/testableContext';
import type { Services } from '../services';
import { setApiKeyThenRetry } from './setApiKey';
import { GENERATING, runOrWarnBusy, warnedBusy } from '../busyWarning';

const PROGRESS_INTERVAL_MS = 100;
const OUTPUT_DIALOG = { openLabel: 'Generate Here', title: 'Turbo: choose the output folder' };

/**
 * "Turbo: Generate from Contract" on the contract it was invoked on, the active one, or one the person
 * picks (see contractToGenerate). Returns the report so other commands, agents and tests can act on it.
 */
export async function generateFromContract(
  services: Services,
  target?: unknown,
): Promise<GenerationReport | undefined> {
  if (warnedBusy(services.generation, GENERATING)) return undefined;
  // Chosen and checked before the one generation slot is claimed: the person may take a while.
  const document = await contractToGenerate(services, target);
  if (!document) return undefined;
  return runOrWarnBusy(services.generation, (abort) => generateWith(services, document, abort), GENERATING);
}

async function generateWith(
  services: Services,
  document: vscode.TextDocument,
  abort: AbortController,
): Promise<GenerationReport | undefined> {
  const contract = document.getText();
  const prepared = await prepareRun(services, document, 'turbo.generate', OUTPUT_DIALOG);
  if (!prepared) return undefined;
  const { settings, outputRoot, key } = prepared;

  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Turbo', cancellable: true },
    (progress, token) => {
      const shown = throttle(
        (p: GenerationProgress) => progress.report({ message: progressMessage(p) }),
        PROGRESS_INTERVAL_MS,
      );
      progress.report({ message: `Sending contract to ${settings.model}…` });
      return abortingOnCancel(token, abort, async () => {
        try {
          return await runGeneration(services, {
            contract,
            contractUri: document.uri,
            outputRoot,
            settings,
            apiKey: key,
            signal: abort.signal,
            onNotice: (message) => {
              shown.drop();
              progress.report({ message: safeText(message) });
            },
            onProgress: shown.push,
          });
        } finally {
          shown.drop();
        }
      });
    },
  );
  void showOutcome(services, report, key);
  return report;
}

/**
 * What a run from a contract needs before it starts: checked settings, the output folder and the key.
 * Undefined, with the person told, when one is missing; Set API Key then runs `retry` on the contract.
 */
export async function prepareRun(
  services: Services,
  document: vscode.TextDocument,
  retry: CommandId,
  dialog: { openLabel: string; title: string },
): Promise<{ settings: TurboSettings; outputRoot: vscode.Uri; key: { key: string; source: KeySource } } | undefined> {
  const settings = readSettings(document.uri);
  if (refuseOnBadSettings(settings)) return undefined;
  const outputRoot = await outputFolder(document, settings.outputDirectory, dialog);
  if (!outputRoot) return undefined;
  const key = await services.keys.get();
  if (key) return { settings, outputRoot, key };
  const set = 'Set API Key';
  void vscode.window
    .showErrorMessage(
      'Turbo needs a Cerebras API key. Set one, or start VS Code with CEREBRAS_API_KEY in the environment.',
      set,
    )
    .then((b) =>
      b === set ? setApiKeyThenRetry(services, () => vscode.commands.executeCommand(retry, document.uri)) : undefined,
    );
  return undefined;
}

async function showOutcome(
  services: Services,
  report: GenerationReport,
  key: { key: string; source: KeySource },
): Promise<void> {
  const openLog = 'Open Log';
  if (!report.error) {
    await successActions(services, report);
    return;
  }
  const message =
    redactSecrets(report.error.message, key.key) +
    (report.error.kind === 'auth' ? ` Turbo used ${keySourceText(key.source)}.` : '');
  if (report.error.kind === 'discarded') {
    void vscode.window.showInformationMessage(safeText(`Turbo: ${message}`));
    return;
  }
  if (report.error.kind === 'cancelled') {
    services.log.info(`Cancelled after ${count(report.files.length, 'complete file')}.`);
    void vscode.window.showInformationMessage(
      `Turbo: generation cancelled. ${count(report.files.length, 'complete file')} kept; no partial file was written.`,
    );
    return;
  }
  services.log.error(message);
  const fix =
    report.error.kind === 'auth'
      ? 'Set API Key'
      : report.error.kind === 'model_unavailable'
        ? 'Select Model'
        : report.error.kind === 'network'
          ? 'Open Settings'
          : undefined;
  const buttons = fix ? [fix, openLog] : [openLog];
  const kept =
    report.files.length > 0
      ? ` ${count(report.files.length, 'complete file')} ${report.files.length === 1 ? 'was' : 'were'} written.`
      : '';
  const answer = await vscode.window.showErrorMessage(safeText(`Turbo: ${message}${kept}`), ...buttons);
  if (answer === openLog) services.log.show();
  else if (answer === 'Set API Key')
    await setApiKeyThenRetry(services, () =>
      vscode.commands.executeCommand('turbo.generate', services.lastRun?.contract),
    );
  else if (answer === 'Select Model') await vscode.commands.executeCommand('turbo.selectModel');
  // The base URL, or the deadline when that is what ran out.
  else if (answer === 'Open Settings')
    await openSettingsAt(/deadline/.test(message) ? 'turbo.requestTimeout' : 'turbo.baseUrl');
}

/**
 * The summary's buttons: Review Changes when existing files were replaced (else Open, the first file
 * written), Run Tests in the output folder, and Undo (checked against later edits).
 */
async function successActions(services: Services, report: GenerationReport): Promise<void> {
  const run = services.lastRun;
  // What really changed: a file rewritten with its own bytes is neither reviewed nor undone.
  const replaced = (run?.record.overwritten.length ?? 0) > 0;
  const changed = replaced || (run?.record.created.length ?? 0) > 0;
  // The file to open: the first non-empty one that is not a test (an empty __init__.py says little).
  const main =
    report.files.find(
      (f) => f.lines > 0 && !/(^|\/)(tests?|__tests__)\/|[._-](test|spec)\.|(^|\/)test_/.test(f.path),
    ) ??
    report.files.find((f) => f.lines > 0) ??
    report.files[0];
  const first = main && run ? vscode.Uri.joinPath(run.outputRoot, ...main.path.split('/')) : undefined;
  const testable = run ? await hasTestSetup(run.outputRoot) : false;
  const buttons = [
    replaced ? 'Review Changes' : first ? 'Open' : undefined,
    testable ? 'Run Tests' : undefined,
    changed ? 'Undo' : undefined,
    'Open Log',
  ].filter((b): b is string => !!b);
  const answer = await vscode.window.showInformationMessage(summaryMessage(report), ...buttons);
  if (answer === 'Open Log') services.log.show();
  else if (answer === 'Review Changes') await vscode.commands.executeCommand('turbo.reviewChanges', run?.record);
  else if (answer === 'Open' && first) await vscode.window.showTextDocument(first, { preview: false });
  else if (answer === 'Run Tests') await vscode.commands.executeCommand('turbo.runTests', run?.outputRoot);
  else if (answer === 'Undo') await vscode.commands.executeCommand('turbo.revertChanges', run?.record);
}

/**
 * At most one update per interval, and the last one always shown: a file that lands while the
 * stream pauses must not stay uncounted until the next chunk.
 */
export function throttle<T>(
  show: (value: T) => void,
  intervalMs: number,
): { push: (value: T) => void; drop: () => void } {
  let last = Number.NEGATIVE_INFINITY;
  let pending: { value: T } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    if (!pending) return;
    last = performance.now();
    show(pending.value);
    pending = undefined;
  };
  return {
    push: (value) => {
      pending = { value };
      const wait = last + intervalMs - performance.now();
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    drop: () => {
      clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
}

/** Whether Run Tests has something to run in the output folder: the setting, or a detected setup. */
async function hasTestSetup(folder: vscode.Uri): Promise<boolean> {
  if (folder.scheme !== 'file') return false;
  return !!readSettings(folder).testCommand || (await nearestTestFolder(folder.fsPath, folder.fsPath)) !== undefined;
}
