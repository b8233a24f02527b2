import * as vscode from 'vscode';
import { readSettings } from './config';
import type { Services } from './services';
import { isContract } from './contract/documents';

/**
 * When a contract is opened, build the client: the SDK then opens its connection to Cerebras
 * (`/v1/tcp_warming`), so the first token of the next generation comes sooner.
 */
export function warmOnContractOpen(services: Services): vscode.Disposable {
  const warm = async (doc: vscode.TextDocument) => {
    // No network on behalf of a workspace that is not trusted.
    if (!isContract(doc) || !vscode.workspace.isTrusted) return;
    const key = await services.keys.get();
    const settings = readSettings(doc.uri);
    // A setting that failed its check is not guessed at, not even to warm a connection.
    if (key && settings.problems.length === 0) await services.clientFor(key.key, settings);
  };
  const run = (doc: vscode.TextDocument) =>
    void warm(doc).catch((err) => services.log.debug(`Warm-up skipped: ${String(err)}`));
  vscode.workspace.textDocuments.forEach(run);
  return vscode.workspace.onDidOpenTextDocument(run);
}
