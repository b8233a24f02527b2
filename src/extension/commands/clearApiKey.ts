import * as vscode from 'vscode';
import { apiKeyFromEnv } from '../../core/generation/clientConfig';
import type { Services } from '../services';

/** "Turbo: Clear API Key": says what it removed, or that there was nothing to remove. */
export async function clearApiKey(services: Services): Promise<void> {
  const stored = await services.keys.stored();
  const fromEnv = Boolean(apiKeyFromEnv(process.env));
  if (!stored) {
    services.log.info('Clear API Key: no key was stored in secret storage.');
    const env = fromEnv ? ' Turbo uses CEREBRAS_API_KEY from the environment; unset it there to stop.' : '';
    void vscode.window.showInformationMessage(
      `Turbo: no Cerebras API key was stored, so there was nothing to clear.${env}`,
    );
    return;
  }
  await services.keys.clear();
  services.log.info('API key removed from secret storage.');
  const env = fromEnv ? ' CEREBRAS_API_KEY from the environment is used from now on.' : '';
  void vscode.window.showInformationMessage(`Turbo: Cerebras API key removed from VS Code's secret storage.${env}`);
}
