/**
 * The stand-in's rate limits, as Cerebras applies them (CEREBRAS-API.md): a chat request reserves its
 * `max_completion_tokens` plus its prompt against the tokens-per-minute bucket before it is answered,
 * and counts one against the requests-per-day bucket. Every chat answer carries `x-ratelimit-*` headers.
 */

export interface StandInQuota {
  tokensPerMinute: number;
  requestsPerDay?: number;
}

/** What a request sent is refused with: the service's flat 429 bodies. */
export const TOKEN_QUOTA_EXCEEDED = {
  message: 'Tokens per minute limit exceeded - too many tokens processed.',
  type: 'too_many_requests_error',
  param: 'quota',
  code: 'token_quota_exceeded',
};
export const REQUEST_QUOTA_EXCEEDED = {
  message: 'Requests per day limit exceeded - too many requests sent.',
  type: 'too_many_requests_error',
  param: 'quota',
  code: 'request_quota_exceeded',
};

/** Without a simulated quota: a paid tier's generous limits, never exhausted (no test is slowed by them). */
const OPEN_TOKENS_PER_MINUTE = 1_000_000;
const OPEN_REQUESTS_PER_DAY = 1_000_000;
/** The free tier's documented limits, for the headers of a simulated quota that leaves the day unset. */
const FREE_REQUESTS_PER_DAY = 14_400;
/** What the service reserves when a request sends no cap: the free tier's context, less the prompt. */
const CONTEXT_TOKENS = 65_536;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export type Reservation =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; headers: Record<string, string>; body: typeof TOKEN_QUOTA_EXCEEDED };

export class QuotaBucket {
  private minuteStart = 0;
  private usedTokens = 0;
  private dayStart = 0;
  private usedRequests = 0;

  /** `quota` undefined: nothing is refused and the headers show the open limits. */
  constructor(private readonly quota: StandInQuota | undefined) {}

  /** Reserves one chat request (`maxCompletionTokens` undefined: the context less the prompt), or refuses it. */
  reserve(maxCompletionTokens: number | undefined, promptTokens: number, now = Date.now()): Reservation {
    const cost = (maxCompletionTokens ?? Math.max(0, CONTEXT_TOKENS - promptTokens)) + promptTokens;
    if (!this.quota) {
      return { ok: true, headers: this.headers(OPEN_TOKENS_PER_MINUTE, cost, OPEN_REQUESTS_PER_DAY, 1, now) };
    }
    if (now - this.minuteStart >= MINUTE_MS) [this.minuteStart, this.usedTokens] = [now, 0];
    if (now - this.dayStart >= DAY_MS) [this.dayStart, this.usedRequests] = [now, 0];
    const perDay = this.quota.requestsPerDay ?? FREE_REQUESTS_PER_DAY;
    const perMinute = this.quota.tokensPerMinute;
    if (this.quota.requestsPerDay !== undefined && this.usedRequests + 1 > perDay) {
      const headers = this.headers(perMinute, this.usedTokens, perDay, this.usedRequests, now);
      const retryAfter = String(Math.ceil((this.dayStart + DAY_MS - now) / 1000));
      return { ok: false, headers: { ...headers, 'retry-after': retryAfter }, body: REQUEST_QUOTA_EXCEEDED };
    }
    if (this.usedTokens + cost > perMinute) {
      return {
        ok: false,
        headers: this.headers(perMinute, this.usedTokens, perDay, this.usedRequests, now),
        body: TOKEN_QUOTA_EXCEEDED,
      };
    }
    this.usedTokens += cost;
    this.usedRequests += 1;
    return { ok: true, headers: this.headers(perMinute, this.usedTokens, perDay, this.usedRequests, now) };
  }

  private headers(
    tokensPerMinute: number,
    usedTokens: number,
    requestsPerDay: number,
    usedRequests: number,
    now: number,
  ): Record<string, string> {
    // The live service sends the resets as seconds with a fraction.
    const minuteLeft = this.quota ? this.minuteStart + MINUTE_MS - now : MINUTE_MS - (now % MINUTE_MS);
    const dayLeft = this.quota ? this.dayStart + DAY_MS - now : DAY_MS - (now % DAY_MS);
    return {
      'x-ratelimit-limit-requests-day': String(requestsPerDay),
      'x-ratelimit-limit-tokens-minute': String(tokensPerMinute),
      'x-ratelimit-remaining-requests-day': String(Math.max(0, requestsPerDay - usedRequests)),
      'x-ratelimit-remaining-tokens-minute': String(Math.max(0, tokensPerMinute - usedTokens)),
      'x-ratelimit-reset-requests-day': (dayLeft / 1000).toFixed(2),
      'x-ratelimit-reset-tokens-minute': (minuteLeft / 1000).toFixed(2),
    };
  }
}
