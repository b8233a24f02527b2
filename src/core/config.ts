/** Settings the three faces share, resolved from their own sources (VS Code settings, flags, environment). */
export interface EnvLike {
  [name: string]: string | undefined;
}

/**
 * The base URL: an explicit setting wins, then `CEREBRAS_BASE_URL`, then the seed's `CEREBRAS_URL`
 * (which includes `/v1`; the client strips it). Undefined means the SDK's default.
 */
export function resolveBaseUrl(explicit: string | undefined, env: EnvLike): string | undefined {
  for (const candidate of [explicit, env.CEREBRAS_BASE_URL, env.CEREBRAS_URL]) {
    if (candidate && candidate.trim()) return candidate.trim();
  }
  return undefined;
}
