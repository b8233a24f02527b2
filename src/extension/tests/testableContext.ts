import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSettings } from '../config';

/**
 * Keeps the `turbo.testable` context key true while the active file sits in a folder with a test
 * command (the setting, or a detected package.json script, pytest config, go.mod, Cargo.toml), so
 * Run Tests and Fix Until Green appear in the editor's context menu only where they can run.
 */
export function trackTestableEditor(): vscode.Disposable {
  let asked = 0;
  const update = async (editor: vscode.TextEditor | undefined) => {
    const mine = ++asked;
    const testable = editor ? await hasTestCommand(editor.document.uri) : false;
    if (mine === asked) await vscode.commands.executeCommand('setContext', 'turbo.testable', testable);
  };
  void update(vscode.window.activeTextEditor);
  return vscode.window.onDidChangeActiveTextEditor((e) => void update(e));
}

async function hasTestCommand(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme !== 'file') return false;
  const workspace = vscode.workspace.getWorkspaceFolder(uri);
  if (!workspace) return false;
  if (readSettings(uri).testCommand) return true;
  const { detectTestCommand } = await import('../../core/testDetect');
  for (let dir = path.dirname(uri.fsPath); ; dir = path.dirname(dir)) {
    if (await detectTestCommand(dir)) return true;
    if (dir === workspace.uri.fsPath || path.dirname(dir) === dir || path.relative(workspace.uri.fsPath, dir).startsWith('..')) return false;
  }
}
