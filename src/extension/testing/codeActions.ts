import * as vscode from 'vscode';
import { TURBO_SOURCE } from './diagnostics';
import type { TestingService } from './service';

/** Quick fixes on Turbo's test diagnostics: Fix with Turbo, Fix All Failures, Re-run Tests, Show Test Output. */
export class TestFailureActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly tests: TestingService) {}

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const ours = context.diagnostics.filter(
      (d) => d.source === TURBO_SOURCE && this.tests.collection.has(document.uri),
    );
    const actions: vscode.CodeAction[] = [];
    let folder: string | undefined;
    for (const diagnostic of ours) {
      const found = this.tests.failureFor(document.uri, diagnostic);
      if (!found) continue;
      folder = found.folder;
      const name = found.failure.test ? ` (${found.failure.test})` : '';
      const fix = new vscode.CodeAction(`Fix with Turbo${name}`, vscode.CodeActionKind.QuickFix);
      fix.diagnostics = [diagnostic];
      fix.isPreferred = true;
      fix.command = {
        command: 'turbo.fixFailure',
        title: 'Fix with Turbo',
        arguments: [document.uri, diagnostic.range, diagnostic.message],
      };
      actions.push(fix);
    }
    if (!folder) return actions;
    const count = this.tests.failuresOf(folder).length;
    const extra: [string, string, unknown[]][] = [
      ...(count > 1
        ? ([[`Fix All ${count} Failures with Turbo`, 'turbo.fixAllFailures', [vscode.Uri.file(folder)]]] as [
            string,
            string,
            unknown[],
          ][])
        : []),
      // The folder of this failure, which need not be the folder tested last.
      ['Re-run Tests', 'turbo.runTests', [vscode.Uri.file(folder)]],
      ['Show Test Output', 'turbo.showTestOutput', []],
    ];
    for (const [title, command, args] of extra) {
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = ours;
      action.command = { command, title, arguments: args };
      actions.push(action);
    }
    return actions;
  }
}
