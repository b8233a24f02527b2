/**
 * The per-minute token quota. Cerebras reserves a request's whole `max_completion_tokens` (plus its
 * prompt) against the tokens-per-minute bucket before it generates, so a 32K cap costs 32K of quota
 * even when the answer takes 2K: several candidates at 32K each can exhaust a free-tier minute
 * (documented 60K tokens/min). Here: the `x-ratelimit-*` headers, a cap sized to the job, and how
 * many requests of that size fit in what is left.
 */
export interface RateLimit {
  limitTokensMinute?: number;
  remainingTokensMinute?: number;
  resetTokensMinuteS?: number;
  limitRequestsDay?: number;
  remainingRequestsDay?: number;
  resetRequestsDayS?: number;
  /** Date.now() when read */
  at: number;
}

const HEADERS = {
  limitTokensMinute: 'x-ratelimit-limit-tokens-minute',
  remainingTokensMinute: 'x-ratelimit-remaining-tokens-minute',
  resetTokensMinuteS: 'x-ratelimit-reset-tokens-minute',
  limitRequestsDay: 'x-ratelimit-limit-requests-day',
  remainingRequestsDay: 'x-ratelimit-remaining-requests-day',
  resetRequestsDayS: 'x-ratelimit-reset-requests-day',
} as const;

/** A plain non-negative decimal ("40000", "33.5"); anything else (a unit, a sign, "NaN", "1e400") is not a count. */
const COUNT = /^\d{1,15}(?:\.\d{1,9})?$/;

/** x-ratelimit-* headers of a response (success or 429); undefined when it has none. Garbage values are ignored, never NaN. */
export function readRateLimit(headers: { get(name: string): string | null }): RateLimit | undefined {
  const limit: RateLimit = { at: Date.now() };
  let found = false;
  for (const [field, name] of Object.entries(HEADERS) as [keyof typeof HEADERS, string][]) {
    const raw = headers.get(name);
    if (typeof raw !== 'string' || !COUNT.test(raw.trim())) continue;
    limit[field] = Number(raw.trim());
    found = true;
  }
  return found ? limit : undefined;
}

/** Never below this: gpt-oss reasons before it writes, and a cap that its reasoning eats leaves no files at all. */
export const MIN_COMPLETION_TOKENS = 8192;
/** gpt-oss-120b's output limit on the free tier; a larger cap only reserves more quota. */
export const MAX_COMPLETION_TOKENS = 32_768;
/** What gpt-oss spends reasoning at its default (medium) effort before the first file, whatever the contract. */
const REASONING_TOKENS = 4096;
/** Answer (about 6×) and contract-dependent reasoning (about 2×) per token of contract. */
const TOKENS_PER_CONTRACT_TOKEN = 8;
/** The previous answer of the same contract is one sample: another may reason or write half as much again. */
const PREVIOUS_MARGIN = 1.5;

/**
 * max_completion_tokens sized from the contract (and the previous answer's completion tokens when known),
 * within [floor, 32768]: the continuation mechanism (maxContinuations) rescues an answer the cap cuts
 * off, so the size may be tight, but not so tight that gpt-oss's reasoning eats it.
 *
 * 4096 + 8 × contract tokens, or 1.5 × the previous answer's completion tokens when that is more, rounded
 * up to a multiple of 1024, within [8192, 32768]. The evidence: the contracts in the repo (templates,
 * test/fixtures/conformance) are 130–1,550 characters, 35–390 tokens, and the reference implementations
 * the conformance fixtures hold for them are 2–6 times the contract's size, so 6× covers the answer; the
 * reasoning gpt-oss does first is a few thousand tokens at medium effort for a task of this size (reports
 * of reasoning models spending 1–3K tokens on small tasks, and answers with `length` and no content under
 * 2K caps), so a fixed 4096 plus 2× the contract covers it. `completion_tokens` includes the reasoning, so
 * the previous answer measures both. Every contract in the repo gets 8192 (the fix loop's cap too): three
 * candidates reserve about 27K of a 60K free minute instead of 98K. A contract of 12K characters gets
 * about 28K; 14K characters and more get the full 32K.
 */
export function sizeCompletionTokens(contract: string, options: { previousCompletionTokens?: number } = {}): number {
  // Four characters a token, as prompt.ts's estimateTokens (not imported: prompt.ts sizes through this module).
  const contractTokens = Math.ceil(String(contract ?? '').length / 4);
  const fromContract = REASONING_TOKENS + TOKENS_PER_CONTRACT_TOKEN * contractTokens;
  const previous = options.previousCompletionTokens;
  const fromPrevious =
    typeof previous === 'number' && Number.isFinite(previous) && previous > 0 ? previous * PREVIOUS_MARGIN : 0;
  const wanted = Math.ceil(Math.max(fromContract, fromPrevious) / 1024) * 1024;
  return Math.min(MAX_COMPLETION_TOKENS, Math.max(MIN_COMPLETION_TOKENS, wanted));
}

/** A bucket's window when the headers gave no reset time: the minute, or the day. */
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * How many of `asked` requests, each reserving `perRequest` tokens (max_completion_tokens + prompt tokens),
 * fit in what the headers say is left this minute; `why` is a sentence for the person when fewer fit
 * ("The Cerebras quota has 40,000 tokens left this minute; each candidate reserves 12,000, so 3 of 4 run.").
 * A limit read longer ago than its reset window is stale: then all run. Never fewer than 1.
 */
export function plannedCandidates(
  asked: number,
  perRequest: number,
  limit: RateLimit | undefined,
  now: number = Date.now(),
): { run: number; why?: string } {
  const wanted = Number.isFinite(asked) ? Math.max(1, Math.floor(asked)) : 1;
  if (!limit || !Number.isFinite(limit.at)) return { run: wanted };
  // A clock that went back counts as a fresh read, not a stale one.
  const age = Math.max(0, now - limit.at);
  const fresh = (resetS: number | undefined, window: number) => age <= (resetS ?? window / 1000) * 1000;

  let run = wanted;
  let why: string | undefined;
  const tokensLeft = limit.remainingTokensMinute;
  const each = Number.isFinite(perRequest) && perRequest > 0 ? Math.ceil(perRequest) : 0;
  if (tokensLeft !== undefined && each > 0 && fresh(limit.resetTokensMinuteS, MINUTE_MS)) {
    const fit = Math.max(1, Math.floor(tokensLeft / each));
    if (fit < run) {
      run = fit;
      why =
        `The Cerebras quota has ${count(tokensLeft)} tokens left this minute; each candidate reserves ${count(each)}, ` +
        `so ${ofAsked(run, wanted)}.`;
    }
  }
  const requestsLeft = limit.remainingRequestsDay;
  const dayFit = requestsLeft === undefined ? run : Math.max(1, Math.floor(requestsLeft));
  if (requestsLeft !== undefined && dayFit < run && fresh(limit.resetRequestsDayS, DAY_MS)) {
    run = dayFit;
    why = `The Cerebras quota allows ${count(requestsLeft)} more requests today, so ${ofAsked(run, wanted)}.`;
  }
  return why ? { run, why } : { run };
}

function count(n: number): string {
  return Math.floor(n).toLocaleString('en-US');
}

function ofAsked(run: number, asked: number): string {
  return `${run} of ${asked} ${run === 1 ? 'runs' : 'run'}`;
}
