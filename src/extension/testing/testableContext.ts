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
  return (
    !!readSettings(uri).testCommand ||
    (await nearestTestFolder(path.dirname(uri.fsPath), workspace.uri.fsPath)) !== undefined
  );
}

/**
 * The nearest folder from `dir` up to `top` with a detected test setup (a package.json test script,
 * pytest config, go.mod, Cargo.toml); undefined when there is none. Run Tests, the context menu and
 * the summary's Run Tests button all look the same way.
 */
export async function nearestTestFolder(dir: string, top: string): Promise<string | undefined> {
  const { detectTestCommand } = await import('../../core/testing/detect');
  for (let at = dir; ; at = path.dirname(at)) {
    if (await detectTestCommand(at)) return at;
    if (at === top || path.dirname(at) === at || path.relative(top, at).startsWith('..')) return undefined;
  }
}
