import { TurboError } from '../errors';
import { parseHttpUrl, shownUrl, type EnvLike } from '../inputs';
import { hasUnsafeChars, safeInline } from '../terminalText';

/**
 * What the client is configured with, the same way in every front end: the API key, the base URL and the
 * model, each from its front end's sources (VS Code settings or secret storage, flags, the environment).
 */

export type { EnvLike } from '../inputs';

export const DEFAULT_BASE_URL = 'https://api.cerebras.ai';

/** Accepts `https://host`, `https://host/`, and `https://host/v1` (the form CEREBRAS_URL takes in the speed-run plugin); the SDK adds `/v1` itself. */
export function normalizeBaseUrl(raw: string | undefined): string | undefined {
  const trimmed = raw?.trim();
  if (!trimmed) return undefined;
  return trimmed.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** `CEREBRAS_API_KEY` from an environment, trimmed; undefined when unset or blank. */
export function apiKeyFromEnv(env: EnvLike): string | undefined {
  return env.CEREBRAS_API_KEY?.trim() || undefined;
}

/**
 * The base URL: an explicit setting wins, then `CEREBRAS_BASE_URL`, then `CEREBRAS_URL` (the name the
 * speed-run plugin's MCP server reads, whose value includes `/v1`; the client strips it). Undefined
 * means the SDK's default. A value that is not an http(s) URL is an error naming where it came from:
 * the key must never go to `file:` or a typo.
 */
export function resolveBaseUrl(
  explicit: string | undefined,
  env: EnvLike,
  explicitSource = 'turbo.baseUrl',
): string | undefined {
  const candidates: [string | undefined, string][] = [
    [explicit, explicitSource],
    [env.CEREBRAS_BASE_URL, 'CEREBRAS_BASE_URL'],
    [env.CEREBRAS_URL, 'CEREBRAS_URL'],
  ];
  for (const [candidate, source] of candidates) {
    if (candidate && candidate.trim()) return checkBaseUrl(candidate.trim(), source);
  }
  return undefined;
}

export function checkBaseUrl(url: string, source: string): string {
  if (!parseHttpUrl(url) || hasUnsafeChars(url)) {
    throw new TurboError('config', `${source} takes an http:// or https:// URL; got "${safeInline(shownUrl(url))}".`);
  }
  return url;
}

/** Longer than any model id the service lists, short enough to show in one line. */
const MAX_MODEL_ID = 128;

/** A model id from a flag, the environment or a setting: printable, one line, of sane length. */
export function checkModel(model: string, source: string): string {
  if (!model.trim() || model.length > MAX_MODEL_ID || hasUnsafeChars(model) || /\s/.test(model.trim())) {
    throw new TurboError(
      'config',
      `${source} takes a model id such as gpt-oss-120b; got "${safeInline(model.slice(0, 40))}${model.length > 40 ? '…' : ''}".`,
    );
  }
  return model.trim();
}

/** `--model`, else `CEREBRAS_MODEL`, else the default; whichever is used is checked and named. */
export function resolveModel(flag: string | undefined, env: EnvLike, fallback: string, flagSource = '--model'): string {
  if (flag !== undefined && flag !== '') return checkModel(flag, flagSource);
  const fromEnv = env.CEREBRAS_MODEL;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return checkModel(fromEnv, 'CEREBRAS_MODEL');
  return fallback;
}
