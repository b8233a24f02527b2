import * as vscode from 'vscode';
import { formatCost, modelChoices, priceText, retiredNote, type ModelChoice } from '../../core/generation/models';
import { safeInline } from '../../core/terminalText';
import { readSettings } from '../config';
import type { Services } from '../services';

interface ModelPick extends vscode.QuickPickItem {
  id: string;
}

/**
 * "Turbo: Select Model": the models `GET /v1/models` lists for this key, with prices from the model
 * table ("price unknown" for the others); known models the service no longer lists are shown as
 * unavailable, and retired ones say when and what to use instead. Returns the id.
 */
export async function selectModel(services: Services, preset?: unknown): Promise<string | undefined> {
  const settings = readSettings();
  const listed = await listedModels(services, settings);
  const items = modelChoices(listed).map((choice) => pickItem(choice, settings.model));
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
  const retired = retiredNote(chosen.id);
  if (listed && !listed.includes(chosen.id)) {
    void vscode.window.showWarningMessage(
      `Turbo: ${safeInline(chosen.id)} is not offered to your key right now${retired ? ` (${retired})` : ''}; generations with it will fail until it is.`,
    );
  } else if (retired) {
    void vscode.window.showWarningMessage(
      `Turbo: ${safeInline(chosen.id)} was ${retired}. Your key still has it for now.`,
    );
  }
  await vscode.workspace.getConfiguration('turbo').update('model', chosen.id, vscode.ConfigurationTarget.Global);
  services.log.info(`Model set to ${chosen.id}.`);
  return chosen.id;
}

/** The ids the service lists for the key, or undefined without a key or when the request fails. */
async function listedModels(services: Services, settings: ReturnType<typeof readSettings>) {
  const key = await services.keys.get();
  if (!key) return undefined;
  try {
    return await services.listModels(key.key, settings);
  } catch (err) {
    services.log.warn(`Could not list models: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

function pickItem({ id, info, listed }: ModelChoice, current: string): ModelPick {
  const available = listed !== false;
  const retired = retiredNote(id);
  return {
    id,
    label: `${id === current ? '$(check) ' : ''}${id}`,
    description: [available ? priceText(id) : 'not offered to your key', retired].filter(Boolean).join(' · '),
    detail:
      [
        info?.speed ? `~${info.speed} tokens/s` : undefined,
        info?.note,
        available ? undefined : 'Cerebras does not list this model for your key now.',
      ]
        .filter(Boolean)
        .join(' · ') || undefined,
  };
}
