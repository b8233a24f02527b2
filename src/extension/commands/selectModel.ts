import * as vscode from 'vscode';
import { formatCost, formatPrice, KNOWN_MODELS, modelInfo } from '../../core/generation/models';
import { safeInline } from '../../core/terminalText';
import { readSettings } from '../config';
import type { Services } from '../services';

interface ModelPick extends vscode.QuickPickItem {
  id: string;
}

/**
 * "Turbo: Select Model": the models `GET /v1/models` lists for this key, with prices from the
 * model table; known models the service no longer lists are shown as unavailable. Returns the id.
 */
export async function selectModel(services: Services, preset?: unknown): Promise<string | undefined> {
  const settings = readSettings();
  let listed: string[] | undefined;
  const key = await services.keys.get();
  if (key) {
    try {
      listed = await services.listModels(key.key, settings);
    } catch (err) {
      services.log.warn(`Could not list models: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const ids = [...new Set([...(listed ?? []), ...KNOWN_MODELS.map((m) => m.id)])];
  const items: ModelPick[] = ids.map((id) => {
    const info = modelInfo(id);
    const available = listed === undefined || listed.includes(id);
    const price = info
      ? `${formatPrice(info.inputPerMillion)} / ${formatPrice(info.outputPerMillion)} per million tokens in / out`
      : 'price unknown';
    return {
      id,
      label: `${id === settings.model ? '$(check) ' : ''}${id}`,
      description: available ? price : 'not offered to your key',
      detail:
        [
          info?.speed ? `~${info.speed} tokens/s` : undefined,
          info?.note,
          available ? undefined : 'Cerebras does not list this model for your key now.',
        ]
          .filter(Boolean)
          .join(' · ') || undefined,
    };
  });
  const chosen =
    typeof preset === 'string'
      ? items.find((i) => i.id === preset)
      : await vscode.window.showQuickPick(items, {
          title: 'Turbo: Select Model',
          placeHolder: listed
            ? `${listed.length} models offered to your key · session so far ${formatCost(services.sessionCostUsd)}`
            : 'Models Turbo knows (set an API key to see what your key offers)',
          matchOnDescription: true,
          matchOnDetail: true,
        });
  if (!chosen) return undefined;
  if (listed && !listed.includes(chosen.id)) {
    void vscode.window.showWarningMessage(
      `Turbo: ${safeInline(chosen.id)} is not offered to your key right now; generations with it will fail until it is.`,
    );
  }
  await vscode.workspace.getConfiguration('turbo').update('model', chosen.id, vscode.ConfigurationTarget.Global);
  services.log.info(`Model set to ${chosen.id}.`);
  return chosen.id;
}
