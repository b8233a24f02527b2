import * as vscode from 'vscode';
import { unmetClauses } from '../../core/contract/conformance/clauses';
import type { ConformanceReport } from '../../core/contract/conformance/types';
import { safeText } from '../../core/terminalText';
import type { CheckResult, ConformanceService } from '../conformance/service';
import { contractToCheck, folderToCheck } from '../conformance/target';
import type { Services } from '../services';

const REGENERATE = 'Regenerate to Meet';
const SHOW_PROBLEMS = 'Show Problems';
const OPEN_LOG = 'Open Log';
const LISTED = 3;

/**
 * "Turbo: Check Contract": the contract in front of you against the code generated from it, with no
 * model. Unmet clauses become diagnostics on the contract's lines (kept current from then on); the
 * notification sums it up. Returns the report for tests and other commands.
 */
export async function checkContract(
  services: Services,
  conformance: ConformanceService,
  target?: unknown,
): Promise<ConformanceReport | undefined> {
  const document = await contractToCheck(services, target);
  if (!document) return undefined;
  const folder = await folderToCheck(services, conformance, document);
  if (!folder) return undefined;
  let result: CheckResult | undefined;
  try {
    result = await conformance.check(document.uri, folder);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    services.log.error(`Check Contract failed: ${message}`);
    void vscode.window
      .showErrorMessage(safeText(`Turbo: could not check the contract: ${message}`), OPEN_LOG)
      .then((b) => b === OPEN_LOG && services.log.show());
    return undefined;
  }
  if (result) showOutcome(result);
  return result?.report;
}

/** `12/13 clauses met in tasks-api. Unmet: Task.completed.` with Regenerate to Meet and Show Problems. */
function showOutcome({ report, folder, document }: CheckResult): void {
  const where = vscode.workspace.asRelativePath(folder);
  if (report.total === 0) {
    void vscode.window.showInformationMessage('Turbo: the contract declares no models or routes to check.');
    return;
  }
  if (report.filesRead === 0) {
    const generate = 'Generate';
    void vscode.window
      .showInformationMessage(
        safeText(
          `Turbo: there is no code to check in ${where} yet (no Python, TypeScript, JavaScript or Go files). Generate from the contract first.`,
        ),
        generate,
      )
      .then((b) => b === generate && vscode.commands.executeCommand('turbo.generate', document.uri));
    return;
  }
  if (report.met === report.total) {
    void vscode.window.showInformationMessage(
      safeText(`Turbo: all ${report.total} clauses of the contract are met in ${where}.`),
    );
    return;
  }
  const unmet = unmetClauses(report);
  const unknown = report.clauses.filter((c) => c.status === 'unknown').length;
  const names = unmet.slice(0, LISTED).map((c) => c.name);
  const more = unmet.length > LISTED ? ` and ${unmet.length - LISTED} more` : '';
  const unchecked = unknown ? ` ${unknown} could not be checked.` : '';
  const text = unmet.length
    ? `Turbo: ${report.met}/${report.total} clauses met in ${where}. Unmet: ${names.join(', ')}${more}.${unchecked}`
    : `Turbo: ${report.met}/${report.total} clauses met in ${where}.${unchecked}`;
  const show = unmet.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const buttons = unmet.length ? [REGENERATE, SHOW_PROBLEMS] : [SHOW_PROBLEMS];
  void show(safeText(text), ...buttons).then(async (b) => {
    if (b === REGENERATE) await vscode.commands.executeCommand('turbo.fixConformance', document.uri);
    if (b === SHOW_PROBLEMS) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.actions.view.problems');
    }
  });
}
