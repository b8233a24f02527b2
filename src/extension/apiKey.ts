import * as vscode from 'vscode';
import { apiKeyFromEnv } from '../core/generation/clientConfig';

const SECRET_KEY = 'turbo.cerebrasApiKey';

export type KeySource = 'secret-storage' | 'environment';

/** Where the key came from, for a message about a rejected key. */
export function keySourceText(source: KeySource): string {
  return source === 'environment'
    ? 'CEREBRAS_API_KEY from the environment'
    : 'the key stored with "Turbo: Set API Key"';
}

/** The API key lives in SecretStorage; `CEREBRAS_API_KEY` is the fallback. It is never logged. */
export class ApiKeyStore {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(): Promise<{ key: string; source: KeySource } | undefined> {
    const stored = (await this.secrets.get(SECRET_KEY))?.trim();
    if (stored) return { key: stored, source: 'secret-storage' };
    const env = apiKeyFromEnv(process.env);
    return env ? { key: env, source: 'environment' } : undefined;
  }

  /** Whether secret storage holds a key (the environment's does not count). */
  async stored(): Promise<boolean> {
    return Boolean((await this.secrets.get(SECRET_KEY))?.trim());
  }

  async set(key: string): Promise<void> {
    await this.secrets.store(SECRET_KEY, key.trim());
    this.changed.fire();
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
