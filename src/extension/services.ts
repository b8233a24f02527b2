import * as vscode from 'vscode';
import { sizeCompletionTokens } from '../core/generation/quota';
import type { ModelClient } from '../core/generation/modelClient';
import type { GenerationReport } from '../core/generation/pipeline';
import { resolveBaseUrl } from '../core/generation/clientConfig';
import { OneAtATime } from '../core/oneAtATime';
import { safeLogChannel } from './safeChannel';
import { ApiKeyStore } from './apiKey';
import { readProxySettings, type TurboSettings } from './config';
import { GenerationHistory, type GenerationRecord } from './generationHistory';

/** Everything commands share. Created once by activate(); owns its disposables. */
export class Services implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly keys: ApiKeyStore;
  readonly history = new GenerationHistory();
  private client: { id: string; client: ModelClient } | undefined;
  private models: { client: ModelClient; ids: string[]; at: number } | undefined;
  /** The last generation's report and contract, for the commands that follow up on it. */
  lastRun:
    | { report: GenerationReport; contract: vscode.Uri | undefined; outputRoot: vscode.Uri; record: GenerationRecord }
    | undefined;
  /**
   * Completion tokens of the last answer per contract (its URI): the next request from that contract is
   * sized from it (1.5×), so an answer that was cut off gets more room, and a short one reserves less quota.
   */
  readonly answerTokens = new Map<string, number>();

  /** `max_completion_tokens` for a request from this contract: the setting when set, else sized. */
  completionTokensFor(contract: string, contractUri: vscode.Uri | undefined, setting: number | undefined): number {
    if (setting !== undefined) return setting;
    const previousCompletionTokens = contractUri ? this.answerTokens.get(contractUri.toString()) : undefined;
    return sizeCompletionTokens(contract, { previousCompletionTokens });
  }

  /** Remembers how long the answer from this contract was (the longest candidate's, after a race). */
  noteAnswer(contractUri: vscode.Uri | undefined, completionTokens: number | undefined): void {
    if (contractUri && completionTokens) this.answerTokens.set(contractUri.toString(), completionTokens);
  }

  /** The one generation under way, so "Turbo: Cancel Generation" can stop it; `turbo.generating` while it runs. */
  readonly generation = new OneAtATime(
    (busy) => void vscode.commands.executeCommand('setContext', 'turbo.generating', busy),
  );

  constructor(readonly context: vscode.ExtensionContext) {
    this.log = safeLogChannel(vscode.window.createOutputChannel('Turbo', { log: true }));
    this.keys = new ApiKeyStore(context.secrets);
    context.subscriptions.push(
      this.log,
      this.keys,
      this.costChanged,
      this.generated,
      this.keys.onDidChange(() => (this.client = undefined)),
    );
  }

  /** Dollars spent by generations in this window, for the status bar. */
  sessionCostUsd = 0;
  private readonly costChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCost = this.costChanged.event;

  private readonly generated = new vscode.EventEmitter<{ contract: vscode.Uri; outputRoot: vscode.Uri }>();
  /** Fires after a generation from a contract document wrote files: the conformance check follows it. */
  readonly onDidGenerate = this.generated.event;

  didGenerate(run: { contract: vscode.Uri; outputRoot: vscode.Uri }): void {
    this.generated.fire(run);
  }

  addCost(dollars: number | undefined): void {
    if (dollars === undefined) return;
    this.sessionCostUsd += dollars;
    this.costChanged.fire();
  }

  /**
   * One client per key, base URL, timeouts and proxy: the SDK warms its connection when it is built.
   * The SDK is loaded here, on first use, so activation does not pay for it (nor for the proxy code,
   * which loads only when a proxy is configured).
   */
  async clientFor(
    apiKey: string,
    settings: Pick<TurboSettings, 'baseUrl' | 'streamIdleTimeoutMs' | 'requestTimeoutMs'>,
  ): Promise<ModelClient> {
    const baseUrl = resolveBaseUrl(settings.baseUrl, process.env);
    const proxy = readProxySettings(process.env);
    const id = JSON.stringify([baseUrl, settings.streamIdleTimeoutMs, settings.requestTimeoutMs, proxy, apiKey]);
    if (this.client?.id !== id) {
      const { createClient } = await import('../core/generation/clientFactory');
      this.client = {
        id,
        client: createClient({
          apiKey,
          baseUrl,
          idleTimeoutMs: settings.streamIdleTimeoutMs,
          headersTimeoutMs: settings.requestTimeoutMs,
          proxy,
        }),
      };
      this.models = undefined;
    }
    return this.client.client;
  }

  /** Model ids the service lists for this key, cached for ten minutes. */
  async listModels(apiKey: string, settings: TurboSettings): Promise<string[]> {
    const client = await this.clientFor(apiKey, settings);
    if (this.models && this.models.client === client && Date.now() - this.models.at < 10 * 60_000)
      return this.models.ids;
    const ids = await client.listModels();
    this.models = { client, ids, at: Date.now() };
    return ids;
  }

  dispose(): void {
    this.generation.stop();
    this.client = undefined;
  }
}
