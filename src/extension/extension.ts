import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { registerContractEditor } from './contract/register';
import { registerLanguageModelTool } from './lmTool';
import { Services } from './services';
import { createStatusBar } from './statusBar';
import { TestFailureActions } from './tests/codeActions';
import { TestLoop } from './tests/service';
import { warmOnContractOpen } from './warmUp';

/** What other extensions (and the integration suites) may use. */
export interface TurboApi {
  /** Folder of Turbo's log files; the "Turbo" channel writes `Turbo.log` there. */
  logUri: vscode.Uri;
  /** Fires after every test run Turbo makes, with its report. */
  onDidRunTests: vscode.Event<import('../core/testLoop').TestReport>;
}

/** Only wires: services first, then commands. Heavy work waits for the first command. */
export function activate(context: vscode.ExtensionContext): TurboApi {
  try {
    const services = new Services(context);
    context.subscriptions.push(services);
    const tests = new TestLoop(services);
    context.subscriptions.push(tests, vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new TestFailureActions(tests), { providedCodeActionKinds: TestFailureActions.kinds }));
    registerCommands(services, tests);
    context.subscriptions.push(createStatusBar(services), warmOnContractOpen(services), registerLanguageModelTool(services), registerContractEditor());
    return { logUri: context.logUri, onDidRunTests: tests.onDidRun };
  } catch (err) {
    // VS Code would only log a failed activation; tell the person.
    void vscode.window.showErrorMessage(`Turbo failed to start: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

export function deactivate(): void {}
