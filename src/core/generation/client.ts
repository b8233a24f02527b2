// The SDK's web shims: Node 20 has fetch, streams, FormData and Blob built in, so node-fetch and its
// polyfills (most of the SDK's weight) stay out of the bundles. Must come before the SDK itself.
import '@cerebras/cerebras_cloud_sdk/shims/web';
import Cerebras, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
} from '@cerebras/cerebras_cloud_sdk';
import type { ClientOptions as SdkOptions } from '@cerebras/cerebras_cloud_sdk';
import { attemptsFor, formatWait, jsonErrorMessage, mapError, retryWaitMs, type RequestContext } from './clientErrors';
import { RequestGuard, sleep } from './requestGuard';
import { TurboError } from '../errors';
import { fetchFor, type ProxySettings } from './http';
import { clampTimerMs, shownUrl } from '../inputs';
import { safeInline } from '../terminalText';

export { mapError, retryWaitMs } from './clientErrors';

export const DEFAULT_BASE_URL = 'https://api.cerebras.ai';

export interface ClientOptions {
  apiKey: string;
  /** Empty or undefined: the SDK's default. A trailing `/v1` (the seed's `CEREBRAS_URL`) is accepted. */
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
  /** The proxy to go through (faces pass proxyFromEnv(env) or the editor's http.proxy); none: direct. */
  proxy?: ProxySettings;
}

export const DEFAULT_HEADERS_TIMEOUT_MS = 30_000;
export const DEFAULT_REQUEST_DEADLINE_MS = 10 * 60_000;
/** One retry layer, at most three attempts per request, whatever fails. */
const MAX_RETRIES = 2;

export interface ChatRequest {
  model: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  max_completion_tokens?: number;
  temperature?: number;
  reasoning_effort?: 'low' | 'medium' | 'high';
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

/** Accepts `https://host`, `https://host/`, and `https://host/v1` (the seed's form); the SDK adds `/v1` itself. */
export function normalizeBaseUrl(raw: string | undefined): string | undefined {
  const trimmed = raw?.trim();
  if (!trimmed) return undefined;
  return trimmed.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/**
 * A thin wrapper over the official SDK. It owns the parts the SDK leaves to the caller
 * (see CEREBRAS-API.md): a stream that ends without `finish_reason`, a stall inside the body,
 * `retry-after` values the SDK would honour without limit, deadlines, and errors whose class names
 * minification destroys. Retries are one layer here (the SDK's are off): at most three attempts.
 */
export class CerebrasClient {
  private readonly sdk: Cerebras;
  private readonly idleTimeoutMs: number;
  private readonly headersTimeoutMs: number;
  private readonly requestDeadlineMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryWaitMs: number;

  constructor(private readonly options: ClientOptions) {
    if (!options.apiKey) throw new TurboError('config', 'No Cerebras API key is set.');
    this.idleTimeoutMs = clampTimerMs(options.idleTimeoutMs ?? 30_000);
    this.headersTimeoutMs = Math.max(1, clampTimerMs(options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS));
    this.requestDeadlineMs = clampTimerMs(options.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS);
    this.maxRetries = Math.min(MAX_RETRIES, Math.max(0, Math.floor(options.maxRetries ?? MAX_RETRIES)));
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 20_000;
    this.sdk = new Cerebras({
      apiKey: options.apiKey,
      baseURL: this.baseUrl,
      // The SDK's timeout ends when the response headers arrive: it is the per-attempt headers deadline.
      timeout: this.headersTimeoutMs,
      // Retries are ours: the SDK would sleep as long as any retry-after says, even a day.
      maxRetries: 0,
      warmTCPConnection: options.warmConnection ?? true,
      // node-fetch 2 breaks keep-alive streams on some Node releases VS Code ships; the global fetch does not.
      fetch: (fetchFor(options.proxy) ?? globalThis.fetch) as unknown as NonNullable<SdkOptions['fetch']>,
    });
  }

  get baseUrl(): string {
    return normalizeBaseUrl(this.options.baseUrl) ?? DEFAULT_BASE_URL;
  }

  private context(path: string): RequestContext {
    // Named in messages: without the user and password a base URL may carry.
    return { url: shownUrl(`${this.baseUrl}/v1${path}`), headersTimeoutMs: this.headersTimeoutMs };
  }

  /**
   * Streams one chat completion. The iterable ends with exactly one `end` event, or throws a
   * TurboError: a stream that closes without `finish_reason` is `incomplete`, never a silent success.
   */
  async *stream(request: ChatRequest, options: StreamOptions = {}): AsyncGenerator<StreamEvent, void, undefined> {
    if (options.signal?.aborted) throw new TurboError('cancelled', 'Generation cancelled.');
    const context = this.context('/chat/completions');
    const guard = new RequestGuard(options.signal, this.idleTimeoutMs, this.requestDeadlineMs, context.url);
    let yielded = false;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          for await (const event of this.once(request, guard, context)) {
            if (event.type !== 'end') yielded = true;
            yield event;
          }
          return;
        } catch (err) {
          if (guard.aborted || err instanceof APIUserAbortError) throw guard.reason();
          const mapped = mapError(err, context);
          // Once content has arrived a new attempt would repeat it: only failures before it are retried.
          const wait = yielded || attempt >= this.maxRetries ? undefined : retryWaitMs(err, attempt);
          if (wait === undefined) throw mapped;
          if (wait > this.maxRetryWaitMs) {
            throw new TurboError(
              mapped.kind,
              `${mapped.message} Cerebras asks to wait ${formatWait(wait)}; Turbo does not wait that long.`,
              { status: mapped.status, cause: err },
            );
          }
          guard.idle.stop();
          const next = { attempt: attempt + 2, attempts: Math.max(attempt + 2, attemptsFor(err, this.maxRetries)) };
          options.onRetry?.({ ...next, waitMs: wait, reason: mapped.message });
          await sleep(wait, guard.signal);
          if (guard.aborted) throw guard.reason();
          options.onRetrySent?.(next);
        }
      }
    } finally {
      guard.dispose();
    }
  }

  /** One attempt: opens the stream and reads it to its end. Failures to open come out as the SDK raised them. */
  private async *once(
    request: ChatRequest,
    guard: RequestGuard,
    context: RequestContext,
  ): AsyncGenerator<StreamEvent, void, undefined> {
    const { data: sdkStream, response } = await this.sdk.chat.completions
      .create({ ...request, stream: true }, { signal: guard.signal })
      .withResponse();
    const type = response.headers.get('content-type') ?? '';
    // A 200 that carries a JSON error instead of an event stream would otherwise read as an early close.
    if (!type.includes('text/event-stream') && type.includes('json'))
      throw await jsonInsteadOfStream(response, context);
    let finishReason: string | undefined;
    let usage: Usage | undefined;
    let timeInfo: TimeInfo | undefined;
    let model: string | undefined;
    guard.idle.touch();
    try {
      for await (const chunk of sdkStream) {
        guard.idle.touch();
        if ('error' in chunk && chunk.error) {
          throw new TurboError(
            'server',
            `Cerebras reported an error mid-stream: ${safeInline(String(chunk.error.message ?? 'unknown error'))}.`,
          );
        }
        if (!('choices' in chunk)) continue;
        model ??= chunk.model;
        if (chunk.usage) usage = chunk.usage as Usage;
        if (chunk.time_info) timeInfo = chunk.time_info;
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = 'delta' in choice ? choice.delta : undefined;
        if (delta?.reasoning) yield { type: 'reasoning', text: delta.reasoning };
        if (delta?.content) yield { type: 'content', text: delta.content };
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
    } catch (err) {
      if (err instanceof TurboError) throw err;
      if (guard.aborted) throw guard.reason();
      // Mid-stream, a cut socket is a plain Error; the SDK raises an `event: error` as APIConnectionError.
      if (err instanceof APIConnectionError && !(err instanceof APIConnectionTimeoutError)) {
        const said = (err.cause as { message?: unknown } | undefined)?.message;
        const detail =
          typeof said === 'string' && said && said !== 'undefined' && !said.startsWith('[object')
            ? `: "${safeInline(said)}"`
            : '';
        throw new TurboError(
          'server',
          `Cerebras reported an error in the middle of the answer${detail}. Files completed so far were kept; try again.`,
          { cause: err },
        );
      }
      throw mapError(err, context);
    }
    // An aborted stream and a server that hangs up early both end the loop without an error.
    if (guard.aborted) throw guard.reason();
    if (!finishReason) {
      throw new TurboError(
        'incomplete',
        'The connection to Cerebras closed before the model finished. Files completed so far were kept; try again.',
      );
    }
    yield { type: 'end', finishReason, usage, timeInfo, model };
  }

  /** Lists model ids from `GET /v1/models`. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const context = this.context('/models');
    const guard = new RequestGuard(signal, this.idleTimeoutMs, this.requestDeadlineMs, context.url);
    try {
      const page = await this.sdk.models.list({}, { signal: guard.signal });
      return page.data.map((m) => m.id);
    } catch (err) {
      throw guard.aborted ? guard.reason() : mapError(err, context);
    } finally {
      guard.dispose();
    }
  }
}

async function jsonInsteadOfStream(response: Response, context: RequestContext): Promise<TurboError> {
  const text = await response.text().catch(() => '');
  const said = jsonErrorMessage(text);
  const url = safeInline(context.url);
  if (said) return new TurboError('server', `${url} answered with an error instead of a stream: "${said}".`);
  return new TurboError(
    'server',
    `${url} answered with JSON instead of an event stream (${safeInline(text.slice(0, 120))}). Check the base URL.`,
  );
}
