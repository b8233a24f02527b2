import * as vscode from 'vscode';
import type { CerebrasClient } from '../core/client';
import { resolveBaseUrl } from '../core/config';
import { ApiKeyStore } from './apiKey';
import { GenerationHistory } from './generationHistory';

/** Everything commands share. Created once by activate(); owns its disposables. */
export class Services implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly keys: ApiKeyStore;
  readonly history = new GenerationHistory();
  private client: { id: string; client: CerebrasClient } | undefined;
  /** The generation under way, so "Turbo: Cancel Generation" can stop it. */
  running: AbortController | undefined;

  constructor(readonly context: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Turbo', { log: true });
    this.keys = new ApiKeyStore(context.secrets);
    context.subscriptions.push(this.log, this.keys, this.keys.onDidChange(() => (this.client = undefined)));
  }

  /**
   * One client per key and base URL: the SDK warms its connection when it is built. The SDK is
   * loaded here, on first use, so activation does not pay for it.
   */
  async clientFor(apiKey: string, baseUrlSetting: string): Promise<CerebrasClient> {
    const baseUrl = resolveBaseUrl(baseUrlSetting, process.env);
    const id = `${baseUrl ?? ''}\u0000${apiKey}`;
    if (this.client?.id !== id) {
      const { CerebrasClient } = await import('../core/client');
      this.client = { id, client: new CerebrasClient({ apiKey, baseUrl }) };
    }
    return this.client.client;
  }

  dispose(): void {
    this.running?.abort();
    this.client = undefined;
  }
}
