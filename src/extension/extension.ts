import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Services } from './services';
import { createStatusBar } from './statusBar';
import { warmOnContractOpen } from './warmUp';

/** Only wires: services first, then commands. Heavy work waits for the first command. */
export function activate(context: vscode.ExtensionContext): void {
  try {
    const services = new Services(context);
    context.subscriptions.push(services);
    registerCommands(services);
    context.subscriptions.push(createStatusBar(services), warmOnContractOpen(services));
  } catch (err) {
    // VS Code would only log a failed activation; tell the person.
    void vscode.window.showErrorMessage(`Turbo failed to start: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

export function deactivate(): void {}
