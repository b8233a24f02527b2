import * as vscode from 'vscode';
import type { Services } from '../services';

/** "Turbo: Set API Key". A key passed as an argument (from another extension or a test) skips the prompt. */
export async function setApiKey(services: Services, key?: unknown): Promise<boolean> {
  let value = typeof key === 'string' ? key : undefined;
  value ??= await vscode.window.showInputBox({
    title: 'Turbo: Cerebras API Key',
    prompt: 'Paste your Cerebras API key. It is kept in VS Code\'s secret storage, never in settings.',
    placeHolder: 'csk-…',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'The key cannot be empty.'),
  });
  if (!value?.trim()) return false;
  await services.keys.set(value);
  services.log.info('API key stored in secret storage.');
  void vscode.window.showInformationMessage('Turbo: Cerebras API key saved.');
  return true;
}
