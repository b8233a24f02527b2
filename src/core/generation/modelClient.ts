import type { ReasoningEffort } from './choices';
import type { ProxySettings } from './http';
import type { RateLimit } from './quota';

/**
 * The seam between Turbo and the model service: what the pipeline, the fix loop and the front ends need
 * from a client. `createClient` (clientFactory.ts) builds the one implementation, over the Cerebras SDK;
 * code that only talks to the model takes this interface, so it never loads the SDK for its types.
 */
export interface ModelClient {
  /** The service's base URL in effect, without `/v1`, for messages and logs. */
  readonly baseUrl: string;
  /** The most recent `x-ratelimit-*` headers this client saw (an answer's or a 429's); none before the first. */
  readonly lastRateLimit?: RateLimit;
  /**
   * Streams one chat completion. The iterable ends with exactly one `end` event, or throws a
   * TurboError: a stream that closes without `finish_reason` is `incomplete`, never a silent success.
   */
  stream(request: ChatRequest, options?: StreamOptions): AsyncGenerator<StreamEvent, void, undefined>;
  /** The model ids the service offers to this key. */
  listModels(signal?: AbortSignal): Promise<string[]>;
}

export interface ClientOptions {
  apiKey: string;
  /** Empty or undefined: the SDK's default. A trailing `/v1` (the form of `CEREBRAS_URL` in the speed-run plugin) is accepted. */
  baseUrl?: string;
  /** How long one attempt may wait for the response headers (default 30 s). */
  headersTimeoutMs?: number;
  /** How long one request may take in all, retries and their waits included (default 10 min). */
  requestDeadlineMs?: number;
  /** How long a started stream may stay silent before it counts as stalled. */
  idleTimeoutMs?: number;
  /** Retries for 429, 5xx and connection failures before any content arrived: 0 to 2 (default 2). */
  maxRetries?: number;
  /** A `retry-after` longer than this is not waited for: the call fails with a rate-limit message. */
  maxRetryWaitMs?: number;
  /** Off in tests so that a stand-in's request log holds only what the caller asked for. */
  warmConnection?: boolean;
  /** The proxy to go through (front ends pass proxyFromEnv(env) or the editor's http.proxy); none: direct. */
  proxy?: ProxySettings;
}

export interface ChatRequest {
  model: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  max_completion_tokens?: number;
  temperature?: number;
  reasoning_effort?: ReasoningEffort;
}

export interface StreamOptions {
  signal?: AbortSignal;
  /**
   * Told before each retry: which attempt of this request comes next (2 for the first retry), the
   * most it will make, how long it waits, and why.
   */
  onRetry?: (info: RetryInfo) => void;
  /** Told when a retry has been sent, after its wait: the progress can stop saying "retrying in …". */
  onRetrySent?: (info: { attempt: number; attempts: number }) => void;
  /** Told the quota as soon as an answer's headers arrive (before its content), and on a 429's. */
  onRateLimit?: (limit: RateLimit) => void;
}

export interface RetryInfo {
  attempt: number;
  attempts: number;
  waitMs: number;
  reason: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface TimeInfo {
  queue_time?: number | null;
  prompt_time?: number | null;
  completion_time?: number | null;
  total_time?: number | null;
}

export type StreamEvent =
  | { type: 'content'; text: string }
  | { type: 'reasoning'; text: string }
  | {
      type: 'end';
      finishReason: string;
      usage: Usage | undefined;
      timeInfo: TimeInfo | undefined;
      model: string | undefined;
    };
