import * as vscode from 'vscode';
import type { Services } from '../services';

/** "Turbo: Clear API Key". */
export async function clearApiKey(services: Services): Promise<void> {
  await services.keys.clear();
  services.log.info('API key removed from secret storage.');
  const fallback = process.env.CEREBRAS_API_KEY?.trim() ? ' CEREBRAS_API_KEY from the environment is still used.' : '';
  void vscode.window.showInformationMessage(`Turbo: Cerebras API key cleared.${fallback}`);
}
