import { apiKeyFromEnv, DEFAULT_BASE_URL, normalizeBaseUrl } from '../core/generation/clientConfig';
import { TurboError } from '../core/errors';
import { KNOWN_MODELS, modelInfo, priceText, RETIRED_MODELS_SUCCESSOR, retiredNote } from '../core/generation/models';
import { turboVersion } from '../core/version';
import { MAX_PROMPT_BYTES, readSettings } from './settings';
import type { ToolContext } from './toolContext';

/** The status `check_status` reports: a wrong CEREBRAS_MODEL or base URL is reported in it, not thrown past it. */
export async function checkStatus(tools: ToolContext): Promise<Record<string, unknown>> {
  const problems: string[] = [];
  const shown = <T>(read: () => T): T | null => {
    try {
      return read();
    } catch (err) {
      problems.push(tools.message(err));
      return null;
    }
  };
  const model = shown(tools.model);
  const status: Record<string, unknown> = {
    server: 'turbo',
    version: turboVersion(),
    api_key_set: Boolean(apiKeyFromEnv(tools.env)),
    model,
    ...retiredWarning(model),
    base_url: shown(() => normalizeBaseUrl(tools.baseUrl()) ?? DEFAULT_BASE_URL),
    known_models: KNOWN_MODELS.map((m) => modelEntry(m.id)),
  };
  try {
    if (problems.length) throw new TurboError('config', problems.join(' '));
    const settings = await readSettings(tools.env);
    status.overwrite = settings.overwrite;
    status.allowed_dirs = settings.allowedDirs;
    status.max_prompt_bytes = MAX_PROMPT_BYTES;
    const models = await tools.client().listModels();
    status.models = models;
    // Every model the key may use, with its price where Turbo knows it: none is hidden.
    status.offered_models = models.map(modelEntry);
    status.status = models.includes(tools.model()) ? 'ok' : 'model_unavailable';
  } catch (err) {
    status.status = 'error';
    status.error = tools.message(err);
  }
  return status;
}

/** A model as check_status shows it: its price per million tokens (null when unknown), and when it was retired. */
function modelEntry(id: string) {
  const info = modelInfo(id);
  return {
    id,
    input_per_million: info?.inputPerMillion ?? null,
    output_per_million: info?.outputPerMillion ?? null,
    price: priceText(id),
    ...(info?.retired ? { retired: info.retired, use_instead: RETIRED_MODELS_SUCCESSOR } : {}),
  };
}

/** A warning when the configured model is one Cerebras retired. */
function retiredWarning(model: string | null): { warning?: string } {
  const retired = model ? retiredNote(model) : undefined;
  return retired ? { warning: `The model ${model} was ${retired} (set CEREBRAS_MODEL).` } : {};
}
