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

/**
 * One diagnostic per unmet clause, on the contract line that declares it, pointing at the code when it can.
 * None when no source file was read: every clause would only say "no code here", which the CodeLens and
 * Check Contract say once.
 */
export function conformanceDiagnostics(
  report: ConformanceReport,
  document: vscode.TextDocument,
  folder: vscode.Uri,
): vscode.Diagnostic[] {
  if (report.filesRead === 0) return [];
  const out: vscode.Diagnostic[] = [];
  for (const clause of report.clauses) {
    if (clause.status === 'met') continue;
    const d = new vscode.Diagnostic(lineRange(document, clause.contractLine), safeText(clauseMessage(clause)));
    d.severity = SEVERITY[clause.status];
    d.source = CONFORMANCE_SOURCE;
    d.code = clause.status;
    const related = relatedTo(clause, clause.status, report, folder);
    if (related) d.relatedInformation = [related];
    out.push(d);
  }
  return out;
}

/**
 * Where the code has the clause; for a field the code lacks, the model that lacks it (found, so that
 * is where the field goes).
 */
function relatedTo(
  clause: Clause,
  status: Unmet,
  report: ConformanceReport,
  folder: vscode.Uri,
): vscode.DiagnosticRelatedInformation | undefined {
  const at = (c: Clause, text: string) =>
    new vscode.DiagnosticRelatedInformation(
      new vscode.Location(
        vscode.Uri.joinPath(folder, ...c.file!.split('/')),
        new vscode.Position(Math.max(0, (c.line ?? 1) - 1), 0),
      ),
      safeText(`${clause.name}: ${text}`),
    );
  if (clause.file) return at(clause, RELATED[status]);
  if (clause.kind !== 'field' || status !== 'missing') return undefined;
  const model = clause.name.split('.')[0];
  const found = report.clauses.find((c) => c.kind === 'model' && c.name === model && c.status === 'met' && c.file);
  return found && at(found, 'the model in the code');
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
