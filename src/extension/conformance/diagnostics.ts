import * as vscode from 'vscode';
import { clauseMessage } from '../../core/contract/conformance/clauses';
import type { Clause, ConformanceReport } from '../../core/contract/conformance/types';
import { safeText } from '../../core/terminalText';

export const CONFORMANCE_SOURCE = 'turbo-conformance';

/**
 * A clause the code lacks or contradicts is a Warning: the contract is fine, the code is not (yet)
 * what it says, and the person may still run it. One Turbo could not judge (a language or framework
 * it cannot read) is Information: nothing is known to be wrong.
 */
type Unmet = Exclude<Clause['status'], 'met'>;

const SEVERITY: Record<Unmet, vscode.DiagnosticSeverity> = {
  missing: vscode.DiagnosticSeverity.Warning,
  mismatch: vscode.DiagnosticSeverity.Warning,
  unknown: vscode.DiagnosticSeverity.Information,
};

/** The clauses "Regenerate to meet this clause" acts on: their diagnostics carry these codes. */
export const FIXABLE_CODES: readonly string[] = ['missing', 'mismatch'];

/** One diagnostic per unmet clause, on the contract line that declares it, pointing at the code when it can. */
export function conformanceDiagnostics(
  report: ConformanceReport,
  document: vscode.TextDocument,
  folder: vscode.Uri,
): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  for (const clause of report.clauses) {
    if (clause.status === 'met') continue;
    const status = clause.status;
    const d = new vscode.Diagnostic(lineRange(document, clause.contractLine), safeText(clauseMessage(clause)));
    d.severity = SEVERITY[status];
    d.source = CONFORMANCE_SOURCE;
    d.code = clause.status;
    if (clause.file) {
      const at = new vscode.Position(Math.max(0, (clause.line ?? 1) - 1), 0);
      const where = new vscode.Location(vscode.Uri.joinPath(folder, ...clause.file.split('/')), at);
      const related = `${clause.name}: ${RELATED[status]}`;
      d.relatedInformation = [new vscode.DiagnosticRelatedInformation(where, safeText(related))];
    }
    out.push(d);
  }
  return out;
}

const RELATED: Record<Unmet, string> = {
  mismatch: 'in the code',
  missing: 'what the code has instead',
  unknown: 'what Turbo could not judge',
};

/** The declaring line's text, without its indentation; the last line when the contract got shorter. */
function lineRange(document: vscode.TextDocument, contractLine: number): vscode.Range {
  const line = document.lineAt(Math.min(Math.max(contractLine - 1, 0), document.lineCount - 1));
  return new vscode.Range(line.lineNumber, line.firstNonWhitespaceCharacterIndex, line.lineNumber, line.text.length);
}
