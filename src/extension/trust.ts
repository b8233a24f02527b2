import * as vscode from 'vscode';
import type { Services } from './services';

export const RESTRICTED_MESSAGE =
  'Turbo: generation and test runs are off in Restricted Mode. They write files into this workspace and run its test commands, so they wait until you trust the workspace. The contract editor keeps working.';

/**
 * Generation, fixes and test runs write files and run commands from the workspace: in an untrusted
 * workspace they stop here with a message that says why and how to trust it. Returns whether to go on.
 */
export function requireTrust(services: Services, what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  services.log.info(`Refused in Restricted Mode: ${what}.`);
  const manage = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(RESTRICTED_MESSAGE, manage)
    .then((b) => b === manage && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}
