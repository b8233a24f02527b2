import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { safeText } from '../../core/terminalText';
import type { TestFailure } from '../../core/testing/parsers';

/** Where diagnostics come from, and what the code actions look for. */
export const TURBO_SOURCE = 'turbo';

/** A diagnostic Turbo made for a failure, with the failure behind it (VS Code drops extra fields). */
export interface FailureDiagnostic {
  uri: vscode.Uri;
  diagnostic: vscode.Diagnostic;
  failure: TestFailure;
}

/**
 * Each failure becomes an error at its location (the test's assertion) with the other frames as
 * related information; the line that raised in project code gets its own error too, so the file
 * that most likely needs the fix shows it.
 */
export async function failureDiagnostics(failures: TestFailure[]): Promise<FailureDiagnostic[]> {
  const lines = new Map<string, Promise<string[] | undefined>>();
  const linesOf = (file: string) => {
    let p = lines.get(file);
    if (!p)
      lines.set(
        file,
        (p = fs.readFile(file, 'utf8').then(
          (t) => t.split(/\r?\n/),
          () => undefined,
        )),
      );
    return p;
  };
  const out: FailureDiagnostic[] = [];
  for (const failure of failures) {
    const uri = vscode.Uri.file(failure.location.file);
    const diagnostic = new vscode.Diagnostic(
      rangeAt(await linesOf(failure.location.file), failure.location.line, failure.location.column),
      safeText(failure.message),
      vscode.DiagnosticSeverity.Error,
    );
    diagnostic.source = TURBO_SOURCE;
    if (failure.test) diagnostic.code = failure.test;
    diagnostic.relatedInformation = failure.related.map(
      (r) =>
        new vscode.DiagnosticRelatedInformation(
          new vscode.Location(vscode.Uri.file(r.file), positionOf(r)),
          safeText(r.message),
        ),
    );
    out.push({ uri, diagnostic, failure });
    for (const r of failure.related) {
      const at = new vscode.Diagnostic(
        rangeAt(await linesOf(r.file), r.line, r.column),
        safeText(r.message),
        vscode.DiagnosticSeverity.Error,
      );
      at.source = TURBO_SOURCE;
      if (failure.test) at.code = failure.test;
      at.relatedInformation = [
        new vscode.DiagnosticRelatedInformation(
          new vscode.Location(uri, diagnostic.range),
          safeText(`failing test${failure.test ? ` ${failure.test}` : ''}: ${failure.message.split('\n')[0]}`),
        ),
      ];
      out.push({ uri: vscode.Uri.file(r.file), diagnostic: at, failure });
    }
  }
  return out;
}

/**
 * Shows a folder's new failures in place of its previous ones. Other folders' diagnostics in the
 * same files stay.
 */
export async function replaceFolderDiagnostics(
  collection: vscode.DiagnosticCollection,
  previous: FailureDiagnostic[],
  failures: TestFailure[],
): Promise<FailureDiagnostic[]> {
  for (const d of previous) collection.delete(d.uri);
  const diagnostics = await failureDiagnostics(failures);
  const byUri = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
  for (const d of diagnostics) {
    const entry = byUri.get(d.uri.toString()) ?? { uri: d.uri, list: [] };
    entry.list.push(d.diagnostic);
    byUri.set(d.uri.toString(), entry);
  }
  for (const { uri, list } of byUri.values()) collection.set(uri, [...(collection.get(uri) ?? []), ...list]);
  return diagnostics;
}

/** A runner's 1-based line and column as a position (a 0 from a runner is the first line or column). */
export function positionOf(at: { line: number; column: number }): vscode.Position {
  return new vscode.Position(Math.max(0, at.line - 1), Math.max(0, at.column - 1));
}

/** From the column to the end of the line's code (the whole line's code when the column is 1). */
function rangeAt(lines: string[] | undefined, line: number, column: number): vscode.Range {
  const l = Math.max(0, line - 1);
  const text = lines?.[l];
  if (text === undefined) return new vscode.Range(l, Math.max(0, column - 1), l, Math.max(0, column - 1) + 1);
  const first = text.search(/\S/);
  const start = column > 1 ? Math.min(column - 1, text.length) : Math.max(0, first);
  const end = text.trimEnd().length;
  return new vscode.Range(l, start, l, Math.max(end, start + 1));
}
