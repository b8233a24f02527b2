import * as vscode from 'vscode';
import { count } from '../progressText';
import { CONFORMANCE_SOURCE, FIXABLE_CODES } from './diagnostics';
import type { ConformanceService } from './service';

/**
 * "Regenerate to meet this clause" on a clause the code lacks or contradicts. It sends one request
 * for every unmet clause of the contract (one answer, one undo), and its title says so when there
 * are several.
 */
export class ConformanceActions implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly conformance: ConformanceService) {}

  provideCodeActions(
    document: vscode.TextDocument,
    _: unknown,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const fixable = (d: vscode.Diagnostic) => d.source === CONFORMANCE_SOURCE && FIXABLE_CODES.includes(String(d.code));
    const here = context.diagnostics.filter(fixable);
    if (here.length === 0 || !this.conformance.reportFor(document.uri)) return [];
    const all = this.conformance.collection.get(document.uri)?.filter(fixable) ?? here;
    const others = all.length - 1;
    const title = others
      ? `Regenerate to meet this clause and ${count(others, 'other unmet clause')}`
      : 'Regenerate to meet this clause';
    const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [...all];
    action.isPreferred = true;
    action.command = { command: 'turbo.fixConformance', title, arguments: [document.uri] };
    return [action];
  }
}
