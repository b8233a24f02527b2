import * as vscode from 'vscode';
import type { GenerationReport } from '../core/generation/pipeline';
import type { TestReport } from '../core/testing/loop';
import { isContract } from './contract/documents';
import type { Services } from './services';

type Step = 'setApiKey' | 'newContract' | 'generate' | 'runTests';

/** The context keys the walkthrough's completion events (`onContext:`) wait for; see package.json. */
const DONE_KEYS: Partial<Record<Step, string>> = {
  setApiKey: 'turbo.hasApiKey',
  generate: 'turbo.hasGenerated',
  runTests: 'turbo.hasRunTests',
};

/**
 * The walkthrough ticks a step when it is done, not when its button is clicked. Its `onContext:` and
 * `onLanguage:` events count once per window, and not at all when the condition already held when the
 * walkthrough loaded (it loads lazily), so the step is also marked complete directly.
 */
function stepDone(services: Services, step: Step): void {
  const key = DONE_KEYS[step];
  if (key) void vscode.commands.executeCommand('setContext', key, true);
  const id = `${services.context.extension.id}#turbo.gettingStarted#${step}`;
  void Promise.resolve(vscode.commands.executeCommand('welcome.markStepComplete', id)).then(undefined, (err) =>
    services.log.debug(`Walkthrough step ${step} not marked: ${String(err)}`),
  );
}

/** Called with every report of "Generate from Contract": one that wrote files completes the Generate step. */
export function countGeneration(
  services: Services,
  report: GenerationReport | undefined,
): GenerationReport | undefined {
  if (report && !report.error && report.files.length > 0) stepDone(services, 'generate');
  return report;
}

/** A key stored, a contract opened or created, a test run finished. */
export function trackWalkthroughProgress(
  services: Services,
  onDidRunTests: vscode.Event<TestReport>,
): vscode.Disposable {
  const keyStored = () =>
    void services.keys.get().then((key) => {
      if (key) stepDone(services, 'setApiKey');
      else void vscode.commands.executeCommand('setContext', DONE_KEYS.setApiKey, false);
    });
  keyStored();
  let contractSeen = false;
  const contractOpened = (document: vscode.TextDocument) => {
    if (contractSeen || !isContract(document)) return;
    contractSeen = true;
    stepDone(services, 'newContract');
  };
  vscode.workspace.textDocuments.forEach(contractOpened);
  return vscode.Disposable.from(
    services.keys.onDidChange(keyStored),
    vscode.workspace.onDidOpenTextDocument(contractOpened),
    onDidRunTests(() => stepDone(services, 'runTests')),
  );
}
