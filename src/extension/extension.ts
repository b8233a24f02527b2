import { vscodeLoadedAt } from './loadMark';
import * as vscode from 'vscode';
import { safeText } from '../core/terminalText';
import { registerCommands } from './commands';
import { ConformanceActions } from './conformance/codeActions';
import { ConformanceService } from './conformance/service';
import { CONTRACT_SELECTOR } from './contract/documents';
import { registerContractEditor } from './contract/register';
import { registerLanguageModelTool } from './lmTool';
import { Services } from './services';
import { createStatusBar } from './statusBar';
import { TestFailureActions } from './testing/codeActions';
import { TestingService } from './testing/service';
import { TestingView } from './testing/testingView';
import { trackTestableEditor } from './testing/testableContext';
import { trackWalkthroughProgress } from './walkthrough';
import { warmOnContractOpen } from './warmUp';

declare const TURBO_LOAD_START: number | undefined;
declare const TURBO_LOAD_END: number | undefined;

/** What other extensions (and the integration suites) may use. */
export interface TurboApi {
  /** Folder of Turbo's log files; the "Turbo" channel writes `Turbo.log` there. */
  logUri: vscode.Uri;
  /** Fires after every test run Turbo makes, with its report. */
  onDidRunTests: vscode.Event<import('../core/testing/loop').TestReport>;
  /** @internal What the Testing view shows for a folder after its last run (for the integration suites). */
  testingView: Pick<TestingView, 'shownFor'>;
  /**
   * What activation cost, in milliseconds: evaluating the bundle, VS Code's own work between loading
   * it and calling activate() (the extension context, its storage), and activate() itself.
   */
  activation: {
    loadMs: number | undefined;
    vscodeApiMs: number | undefined;
    hostMs: number | undefined;
    activateMs: number;
  };
}

/** Only wires: services first, then commands. Heavy work waits for the first command. */
export function activate(context: vscode.ExtensionContext): TurboApi {
  const started = performance.now();
  try {
    const services = new Services(context);
    context.subscriptions.push(services);
    const tests = new TestingService(services);
    context.subscriptions.push(
      tests,
      vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new TestFailureActions(tests), {
        providedCodeActionKinds: TestFailureActions.kinds,
      }),
    );
    const testingView = new TestingView(tests, services);
    const conformance = new ConformanceService(services);
    context.subscriptions.push(
      testingView,
      conformance,
      vscode.languages.registerCodeActionsProvider(CONTRACT_SELECTOR, new ConformanceActions(conformance), {
        providedCodeActionKinds: ConformanceActions.providedCodeActionKinds,
      }),
    );
    registerCommands(services, tests, conformance);
    context.subscriptions.push(
      createStatusBar(services),
      warmOnContractOpen(services),
      registerLanguageModelTool(services),
      registerContractEditor(conformance),
      trackTestableEditor(),
      trackWalkthroughProgress(services, tests.onDidRun),
    );
    const loaded = typeof TURBO_LOAD_START === 'number' && typeof TURBO_LOAD_END === 'number';
    const activation = {
      loadMs: loaded ? TURBO_LOAD_END! - TURBO_LOAD_START! : undefined,
      vscodeApiMs: typeof TURBO_LOAD_START === 'number' ? vscodeLoadedAt - TURBO_LOAD_START : undefined,
      hostMs: loaded ? started - TURBO_LOAD_END! : undefined,
      activateMs: performance.now() - started,
    };
    services.log.debug(
      `Activated: bundle ${activation.loadMs?.toFixed(1) ?? '?'} ms, VS Code ${activation.hostMs?.toFixed(1) ?? '?'} ms, activate() ${activation.activateMs.toFixed(1)} ms.`,
    );
    return { logUri: context.logUri, onDidRunTests: tests.onDidRun, testingView, activation };
  } catch (err) {
    // VS Code would only log a failed activation; tell the person.
    void vscode.window.showErrorMessage(
      safeText(`Turbo failed to start: ${err instanceof Error ? err.message : String(err)}`),
    );
    throw err;
  }
}

export function deactivate(): void {}
