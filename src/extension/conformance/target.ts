import * as path from 'node:path';
import * as vscode from 'vscode';
import { safeInline } from '../../core/terminalText';
import { readSettings } from '../config';
import { isContract } from '../contract/documents';
import { outputFolder } from '../contract/outputFolder';
import type { Services } from '../services';
import type { ConformanceService } from './service';

export const NO_CONTRACT =
  'Turbo: open a contract (a file named like tasks.contract.md) to check it against the code generated from it.';

/**
 * The contract to check: the one it was given (a Uri that is not a contract is refused), else the
 * active editor's. Unlike Generate it offers no pick: a check is about the contract in front of you.
 */
export async function contractToCheck(services: Services, target: unknown): Promise<vscode.TextDocument | undefined> {
  if (target instanceof vscode.Uri) {
    const given = await vscode.workspace.openTextDocument(target);
    if (isContract(given)) return given;
    services.log.info(`Refused to check ${safeInline(target.fsPath || target.toString())}: not a contract.`);
    void vscode.window.showErrorMessage(
      `Turbo: ${safeInline(path.basename(target.path))} is not a contract. Check Contract works on contracts, files named like tasks.contract.md.`,
    );
    return undefined;
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active && isContract(active)) return active;
  services.log.info('Nothing to check: the active editor is not a contract.');
  void vscode.window.showErrorMessage(NO_CONTRACT);
  return undefined;
}

/**
 * The folder the contract's code is in: the one it was last checked against, else the one the last
 * generation from it wrote into, else where Generate would write (the person picks one for an
 * untitled contract without `turbo.outputDirectory`). Undefined, with the person told, when it does
 * not exist.
 */
export async function folderToCheck(
  services: Services,
  conformance: ConformanceService,
  document: vscode.TextDocument,
): Promise<vscode.Uri | undefined> {
  const run = services.lastRun;
  const folder =
    conformance.folderOf(document.uri) ??
    (run?.contract?.toString() === document.uri.toString() ? run.outputRoot : undefined) ??
    (await outputFolder(document, readSettings(document.uri).outputDirectory, {
      openLabel: 'Check Here',
      title: 'Turbo: choose the folder the code was generated into',
    }));
  if (!folder) return undefined;
  const stat = await Promise.resolve(vscode.workspace.fs.stat(folder)).catch(() => undefined);
  if (stat && stat.type & vscode.FileType.Directory) return folder;
  const generate = 'Generate';
  services.log.info(`Nothing to check in ${safeInline(folder.fsPath)}: it is not a folder yet.`);
  void vscode.window
    .showInformationMessage(
      `Turbo: there is no code to check yet: ${safeInline(vscode.workspace.asRelativePath(folder))} does not exist. Generate from the contract first.`,
      generate,
    )
    .then((b) => b === generate && vscode.commands.executeCommand('turbo.generate', document.uri));
  return undefined;
}
