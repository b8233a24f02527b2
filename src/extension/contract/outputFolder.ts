import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * Where a contract's code goes: `turbo.outputDirectory` relative to the contract's workspace folder;
 * empty means the contract's own folder. An untitled contract without the setting has no folder of its
 * own, so the person picks one (`dialog` names the button and the title).
 */
export async function outputFolder(
  document: vscode.TextDocument,
  setting: string,
  dialog: { openLabel: string; title: string },
): Promise<vscode.Uri | undefined> {
  const configured = configuredFolder(document, setting);
  if (configured) return configured;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, ...dialog });
  return picked?.[0];
}

/** The folder the settings name for this contract, without asking; undefined when only the person can say. */
export function configuredFolder(document: vscode.TextDocument, setting: string): vscode.Uri | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  if (setting) {
    if (path.isAbsolute(setting)) return vscode.Uri.file(setting);
    const base = folder?.uri ?? (document.isUntitled ? undefined : vscode.Uri.joinPath(document.uri, '..'));
    if (base) return vscode.Uri.joinPath(base, ...setting.split(/[\\/]/));
  } else if (!document.isUntitled) {
    return vscode.Uri.joinPath(document.uri, '..');
  }
  return undefined;
}
