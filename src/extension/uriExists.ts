import * as vscode from 'vscode';

/** Whether anything (a file, a folder) is at `uri`, through VS Code's file system (remote ones too). */
export async function uriExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
