/**
 * What Turbo knows about Cerebras models without asking the service. Prices are US dollars per
 * million tokens; update this table when the catalogue changes (`GET /v1/models` stays the
 * authority on what a key may use).
 */
export interface ModelInfo {
  id: string;
  inputPerMillion: number;
  outputPerMillion: number;
  /** Tokens per second the service is quoted at, for display. */
  speed?: number;
  note?: string;
}

export const KNOWN_MODELS: readonly ModelInfo[] = [
  {
    id: 'gpt-oss-120b',
    inputPerMillion: 0.35,
    outputPerMillion: 0.75,
    speed: 3000,
    note: 'default: best value, clean output',
  },
  { id: 'llama-3.3-70b', inputPerMillion: 0.85, outputPerMillion: 1.2, speed: 2100, note: 'reliable fallback' },
  {
    id: 'qwen-3-32b',
    inputPerMillion: 0.4,
    outputPerMillion: 0.8,
    speed: 2600,
    note: 'writes <think> blocks (Turbo drops them)',
  },
  {
    id: 'llama3.1-8b',
    inputPerMillion: 0.1,
    outputPerMillion: 0.1,
    speed: 2200,
    note: 'cheapest; may need more fixes',
  },
];

export function modelInfo(id: string): ModelInfo | undefined {
  return KNOWN_MODELS.find((m) => m.id === id);
}

/** Cost of a run in dollars, or undefined for a model whose price Turbo does not know. */
export function costOf(
  model: string,
  usage: { prompt_tokens: number; completion_tokens: number } | undefined,
): number | undefined {
  const info = modelInfo(model);
  if (!info || !usage) return undefined;
  return (usage.prompt_tokens * info.inputPerMillion + usage.completion_tokens * info.outputPerMillion) / 1_000_000;
}

/**
 * Dollars spent, with the same precision wherever they are shown: four decimals under a dollar
 * (a run costs fractions of a cent, and a session total must not jump from $0.0078 to "$0.02"),
 * cents from a dollar up.
 */
export function formatCost(dollars: number | undefined): string {
  if (dollars === undefined) return 'cost unknown';
  if (dollars === 0) return '$0';
  if (dollars < 0.00005) return 'under $0.0001';
  return dollars < 1 ? `$${dollars.toFixed(4)}` : `$${dollars.toFixed(2)}`;
}

/** A price per million tokens, in dollars and cents: "$0.35", "$1.20". */
export function formatPrice(dollarsPerMillion: number): string {
  return `$${dollarsPerMillion.toFixed(2)}`;
}
