/**
 * What Turbo knows about Cerebras models without asking the service. Prices are US dollars per
 * million tokens; update this table when the catalogue changes (`GET /v1/models` stays the
 * authority on what a key may use: a model it lists that is not here is offered with "price unknown").
 */
export interface ModelInfo {
  id: string;
  inputPerMillion: number;
  outputPerMillion: number;
  /** Tokens per second the service is quoted at, for display. */
  speed?: number;
  note?: string;
  /**
   * The day Cerebras retired the model (YYYY-MM-DD). It stays selectable, since a key may still reach
   * it for a while, but every list says so and suggests `RETIRED_MODELS_SUCCESSOR`.
   */
  retired?: string;
}

/** What Cerebras recommends migrating the retired models to. */
export const RETIRED_MODELS_SUCCESSOR = 'gpt-oss-120b';

export const KNOWN_MODELS: readonly ModelInfo[] = [
  {
    id: 'gpt-oss-120b',
    inputPerMillion: 0.35,
    outputPerMillion: 0.75,
    speed: 3000,
    note: 'default: best value, clean output',
  },
  { id: 'llama-3.3-70b', inputPerMillion: 0.85, outputPerMillion: 1.2, speed: 2100, retired: '2026-02-16' },
  {
    id: 'qwen-3-32b',
    inputPerMillion: 0.4,
    outputPerMillion: 0.8,
    speed: 2600,
    note: 'writes <think> blocks (Turbo drops them)',
    retired: '2026-02-16',
  },
  { id: 'llama3.1-8b', inputPerMillion: 0.1, outputPerMillion: 0.1, speed: 2200, retired: '2026-05-27' },
];

export function modelInfo(id: string): ModelInfo | undefined {
  return KNOWN_MODELS.find((m) => m.id === id);
}

/** "retired by Cerebras on 2026-02-16; use gpt-oss-120b", or undefined for a model Turbo does not know as retired. */
export function retiredNote(id: string): string | undefined {
  const retired = modelInfo(id)?.retired;
  return retired ? `retired by Cerebras on ${retired}; use ${RETIRED_MODELS_SUCCESSOR}` : undefined;
}

/** A model's price in and out per million tokens, or "price unknown" for one the table does not have. */
export function priceText(id: string): string {
  const info = modelInfo(id);
  return info
    ? `${formatPrice(info.inputPerMillion)} / ${formatPrice(info.outputPerMillion)} per million tokens in / out`
    : 'price unknown';
}

/** A model to offer: one the service lists for the key, or one Turbo knows that it does not list now. */
export interface ModelChoice {
  id: string;
  info: ModelInfo | undefined;
  /** Undefined when the service's list is not known (no key, or the request failed). */
  listed: boolean | undefined;
}

/**
 * Every model to offer, none hidden: the models the service lists (known or not), models in service
 * first, then the known ones it does not list, retired ones last.
 */
export function modelChoices(listed: readonly string[] | undefined): ModelChoice[] {
  const ids = [...new Set([...(listed ?? []), ...KNOWN_MODELS.map((m) => m.id)])];
  const choices = ids.map((id) => ({ id, info: modelInfo(id), listed: listed ? listed.includes(id) : undefined }));
  const rank = (c: ModelChoice) => (c.info?.retired ? 2 : c.listed === false ? 1 : 0);
  return choices.sort((a, b) => rank(a) - rank(b));
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
