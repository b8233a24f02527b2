import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkContract } from '../../core/contract/checks';
import { safeInline, safeText } from '../../core/terminalText';
import type { Services } from '../services';
import { contractOf, isContract } from './documents';

const MAX_LISTED = 200;

/**
 * The contract "Generate from Contract" sends, or undefined when there is nothing to send: the one it
 * was given (a Uri that is not a contract is refused), else the active contract, else one the person
 * picks from the workspace's contracts. Empty contracts are refused, and a contract with errors is
 * sent only after the person says so.
 */
export async function contractToGenerate(
  services: Services,
  target: unknown,
  action = 'Generate',
): Promise<vscode.TextDocument | undefined> {
  const document = await chosenContract(services, target, action);
  if (!document) return undefined;
  return (await readyToSend(services, document)) ? document : undefined;
}

async function chosenContract(
  services: Services,
  target: unknown,
  action: string,
): Promise<vscode.TextDocument | undefined> {
  if (target instanceof vscode.Uri) {
    const given = await vscode.workspace.openTextDocument(target);
    if (isContract(given)) return given;
    services.log.info(
      `Refused to ${action.toLowerCase()} from ${safeInline(target.fsPath || target.toString())}: not a contract.`,
    );
    void vscode.window.showErrorMessage(
      `Turbo: ${safeInline(path.basename(target.path))} is not a contract. ${action} works on contracts, files named like tasks.contract.md.`,
    );
    return undefined;
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active && isContract(active)) return active;
  return pickContract(services, action);
}

interface ContractItem extends vscode.QuickPickItem {
  document?: vscode.TextDocument;
  uri?: vscode.Uri;
}

/** A quick pick of the workspace's contracts, most recently changed first, and New Contract…. */
async function pickContract(services: Services, action: string): Promise<vscode.TextDocument | undefined> {
  const found = await contractsInWorkspace();
  const newContract: ContractItem = {
    label: '$(new-file) New Contract…',
    detail: 'Start a contract from a template.',
    alwaysShow: true,
  };
  const items: ContractItem[] = found.map(({ uri, document, firstLine }) => ({
    label: `$(file) ${safeInline(document?.isUntitled ? document.uri.path : path.basename(uri.path))}`,
    description: document?.isUntitled
      ? 'unsaved'
      : safeInline(vscode.workspace.asRelativePath(vscode.Uri.joinPath(uri, '..'), true)),
    detail: firstLine ? safeInline(firstLine) : undefined,
    document,
    uri,
  }));
  if (items.length > 0) items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push(newContract);
  services.log.info(`Asking which contract to ${action.toLowerCase()} from (${found.length} in the workspace).`);
  const picked = await vscode.window.showQuickPick(items, {
    // Race Candidates asks the same question under its own name.
    title: action === 'Generate' ? 'Turbo: Generate from Contract' : `Turbo: ${action}`,
    placeHolder:
      found.length > 0
        ? `${action} from which contract? The active editor is not a contract.`
        : 'This workspace has no contract yet: start one.',
    matchOnDescription: true,
    matchOnDetail: true,
    // Opened from a walkthrough button, the page takes focus back a moment later: without this the pick
    // closed at once, now and then, and Generate did nothing (Escape still closes it).
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  if (picked === newContract) {
    await vscode.commands.executeCommand('turbo.newContract');
    return undefined;
  }
  const document = picked.document ?? (await vscode.workspace.openTextDocument(picked.uri!));
  await vscode.window.showTextDocument(document);
  return document;
}

/** `*.contract.md` files (node_modules left out) and open contract documents, newest first; unsaved ones on top. */
async function contractsInWorkspace(): Promise<
  { uri: vscode.Uri; document?: vscode.TextDocument; firstLine?: string; changed: number }[]
> {
  const byUri = new Map<string, { uri: vscode.Uri; document?: vscode.TextDocument }>();
  for (const uri of await vscode.workspace.findFiles('**/*.contract.md', '**/node_modules/**', MAX_LISTED))
    byUri.set(uri.toString(), { uri });
  for (const document of vscode.workspace.textDocuments) {
    if (isContract(document) && !document.isClosed) byUri.set(document.uri.toString(), { uri: document.uri, document });
  }
  const listed = await Promise.all(
    [...byUri.values()].map(async ({ uri, document }) => {
      if (document?.isUntitled)
        return { uri, document, firstLine: firstLineOf(document.getText()), changed: Number.POSITIVE_INFINITY };
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        const text = document
          ? document.getText()
          : new TextDecoder().decode((await vscode.workspace.fs.readFile(uri)).subarray(0, 400));
        return { uri, document, firstLine: firstLineOf(text), changed: stat.mtime };
      } catch {
        return undefined; // Deleted since it was found.
      }
    }),
  );
  return listed.filter((c) => c !== undefined).sort((a, b) => b.changed - a.changed);
}

function firstLineOf(text: string): string | undefined {
  const line = text.split(/\r?\n/).find((l) => l.trim() && !l.startsWith('#'));
  return line && line.length > 100 ? `${line.slice(0, 99)}…` : line?.trim();
}

/** Document versions the person chose to send despite their problems ("Generate Anyway"). */
const sendAnyway = new WeakMap<vscode.TextDocument, number>();

/** Refuses an empty contract; asks once per version before sending one the checks find errors in. */
async function readyToSend(services: Services, document: vscode.TextDocument): Promise<boolean> {
  const issues = checkContract(document.getText(), contractOf(document));
  if (issues.some((i) => i.code === 'empty-contract')) {
    void vscode.window.showErrorMessage('Turbo: the contract is empty. Write the data models, routes and rules first.');
    return false;
  }
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length === 0 || sendAnyway.get(document) === document.version) return true;
  const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
  const more = errors.length > 1 ? `; ${errors.length - 1} more in the Problems panel` : '';
  services.log.info(`Asking before generating: the contract has ${count}.`);
  const anyway = 'Generate Anyway';
  const show = 'Show Problems';
  const answer = await vscode.window.showWarningMessage(
    safeText(
      `Turbo: the contract has ${count} the model would have to guess around. Line ${errors[0].span.line + 1}: ${errors[0].message.replace(/\.$/, '')}${more}.`,
    ),
    anyway,
    show,
  );
  if (answer === anyway) {
    sendAnyway.set(document, document.version);
    services.log.info(`Generating anyway, with ${count} in the contract.`);
    return true;
  }
  if (answer === show) {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  }
  return false;
}
