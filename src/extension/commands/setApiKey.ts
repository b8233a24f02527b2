import * as vscode from 'vscode';
import type { Services } from '../services';

/** "Turbo: Set API Key". A key passed as an argument (from another extension or a test) skips the prompt. */
export async function setApiKey(services: Services, key?: unknown): Promise<boolean> {
  const saved = await askAndStore(services, key);
  if (saved) void vscode.window.showInformationMessage('Turbo: Cerebras API key saved.');
  return saved;
}

/**
 * Set API Key from a generation that failed for want of a valid key: once a key is saved, the
 * notification offers Retry, which runs that generation again.
 */
export async function setApiKeyThenRetry(services: Services, retry: () => Thenable<unknown>): Promise<void> {
  if (!(await askAndStore(services))) return;
  const again = 'Retry';
  if ((await vscode.window.showInformationMessage('Turbo: Cerebras API key saved.', again)) === again) await retry();
}

async function askAndStore(services: Services, key?: unknown): Promise<boolean> {
  let value = typeof key === 'string' ? key : undefined;
  value ??= await vscode.window.showInputBox({
    title: 'Turbo: Cerebras API Key',
    prompt: "Paste your Cerebras API key. It is kept in VS Code's secret storage, never in settings.",
    placeHolder: 'csk-…',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'The key cannot be empty.'),
  });
  if (!value?.trim()) return false;
  await services.keys.set(value);
  services.log.info('API key stored in secret storage.');
  return true;
}
