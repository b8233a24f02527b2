// The SDK's documented switch to the global, web-standard fetch: Node 20 has fetch, streams, FormData
// and Blob built in, so node-fetch and its polyfills are never used. Must come before the SDK itself.
// (esbuild.mjs also keeps them out of the bundles; test/unit/sdkShims.test.ts pins how.)
import '@cerebras/cerebras_cloud_sdk/shims/web';
import Cerebras, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@cerebras/cerebras_cloud_sdk';
import { attemptsFor, formatWait, jsonErrorMessage, mapError, retryWaitMs, type RequestContext } from './clientErrors';
import { RequestGuard, sleep } from './requestGuard';
import { TurboError } from '../errors';
import { fetchFor } from './http';
import { DEFAULT_BASE_URL, normalizeBaseUrl } from './clientConfig';
import { clampTimerMs, shownUrl } from '../inputs';
import { safeInline } from '../terminalText';
import { readRateLimit, type RateLimit } from './quota';
import type {
  ChatRequest,
  ClientOptions,
  ModelClient,
  StreamEvent,
  StreamOptions,
  TimeInfo,
  Usage,
} from './modelClient';

export { DEFAULT_BASE_URL, normalizeBaseUrl } from './clientConfig';
export type {
  ChatRequest,
  ClientOptions,
  ModelClient,
  RetryInfo,
  StreamEvent,
  StreamOptions,
  TimeInfo,
  Usage,
} from './modelClient';
export { mapError, retryWaitMs } from './clientErrors';

export const DEFAULT_HEADERS_TIMEOUT_MS = 30_000;
export const DEFAULT_REQUEST_DEADLINE_MS = 10 * 60_000;
/** One retry layer, at most three attempts per request, whatever fails. */
const MAX_RETRIES = 2;

/**
 * A thin wrapper over the official SDK. It owns the parts the SDK leaves to the caller: a stream that
 * ends without `finish_reason`, a stall inside the body, `retry-after` values the SDK would honour
 * without limit, deadlines, and errors whose class names minification destroys. Retries are one layer
 * here (the SDK's are off): at most three attempts. Built through `createClient` (clientFactory.ts).
 */
export class CerebrasClient implements ModelClient {
  private readonly sdk: Cerebras;
  private readonly idleTimeoutMs: number;
  private readonly headersTimeoutMs: number;
  private readonly requestDeadlineMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryWaitMs: number;
  private rateLimit: RateLimit | undefined;

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
      // The SDK's documented `fetch` option: the global fetch, or undici's through a proxy.
      fetch: fetchFor(options.proxy) ?? globalThis.fetch,
    });
  }

  get baseUrl(): string {
    return normalizeBaseUrl(this.options.baseUrl) ?? DEFAULT_BASE_URL;
  }

  get lastRateLimit(): RateLimit | undefined {
    return this.rateLimit;
  }

  /** Keeps the quota a response (or a 429) reported and tells the caller; a response without the headers changes nothing. */
  private noteRateLimit(headers: { get(name: string): string | null }, options: StreamOptions): void {
    const limit = readRateLimit(headers);
    if (!limit) return;
    this.rateLimit = limit;
    options.onRateLimit?.(limit);
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
          for await (const event of this.once(request, guard, context, options)) {
            if (event.type !== 'end') yielded = true;
            yield event;
          }
          return;
        } catch (err) {
          if (guard.aborted || err instanceof APIUserAbortError) throw guard.reason();
          // A 429's headers say how much is left and when it refills: worth keeping even though the call failed.
          if (err instanceof APIError && err.headers) {
            const headers = err.headers;
            this.noteRateLimit({ get: (name) => headers[name] ?? null }, options);
          }
          // Once content has arrived a new attempt would repeat it: only failures before it are retried.
          if (yielded) throw mapError(err, context);
          await this.waitToRetry(err, attempt, { guard, context, options });
        }
      }
    } finally {
      guard.dispose();
    }
  }

  /** Waits before the next attempt after `err`, or throws the failure when it is not to be retried. */
  private async waitToRetry(
    err: unknown,
    attempt: number,
    { guard, context, options }: { guard: RequestGuard; context: RequestContext; options: StreamOptions },
  ): Promise<void> {
    const mapped = mapError(err, context);
    const wait = attempt >= this.maxRetries ? undefined : retryWaitMs(err, attempt);
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

  /** One attempt: opens the stream and reads it to its end. Failures to open come out as the SDK raised them. */
  private async *once(
    request: ChatRequest,
    guard: RequestGuard,
    context: RequestContext,
    options: StreamOptions,
  ): AsyncGenerator<StreamEvent, void, undefined> {
    const sdkStream = await this.open(request, guard, context, options);
    const end: StreamEnd = {};
    guard.idle.touch();
    try {
      for await (const chunk of sdkStream) {
        guard.idle.touch();
        yield* eventsOf(chunk, end);
      }
    } catch (err) {
      throw midStreamFailure(err, guard, context);
    }
    // An aborted stream and a server that hangs up early both end the loop without an error.
    if (guard.aborted) throw guard.reason();
    if (!end.finishReason) {
      throw new TurboError(
        'incomplete',
        'The connection to Cerebras closed before the model finished. Files completed so far were kept; try again.',
      );
    }
    yield { type: 'end', finishReason: end.finishReason, usage: end.usage, timeInfo: end.timeInfo, model: end.model };
  }

  /** Sends the request; an answer that is JSON instead of an event stream is an error here, not an early close. */
  private async open(request: ChatRequest, guard: RequestGuard, context: RequestContext, options: StreamOptions) {
    const { data, response } = await this.sdk.chat.completions
      .create({ ...request, stream: true }, { signal: guard.signal })
      .withResponse();
    this.noteRateLimit(response.headers, options);
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('text/event-stream') && type.includes('json'))
      throw await jsonInsteadOfStream(response, context);
    return data;
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

/** What the last chunks said about the end of the answer. */
interface StreamEnd {
  finishReason?: string;
  usage?: Usage;
  timeInfo?: TimeInfo;
  model?: string;
}

type Chunk = Cerebras.Chat.ChatCompletion;

/** The events in one chunk of the SDK's stream; what it says about the end is noted in `end`. */
function* eventsOf(chunk: Chunk, end: StreamEnd): Generator<StreamEvent, void, undefined> {
  if ('error' in chunk && chunk.error) {
    throw new TurboError(
      'server',
      `Cerebras reported an error mid-stream: ${safeInline(String(chunk.error.message ?? 'unknown error'))}.`,
    );
  }
  if (!('choices' in chunk)) return;
  end.model ??= chunk.model;
  if (chunk.usage) end.usage = chunk.usage as Usage;
  if (chunk.time_info) end.timeInfo = chunk.time_info;
  const choice = chunk.choices?.[0];
  if (!choice) return;
  const delta = 'delta' in choice ? choice.delta : undefined;
  if (delta?.reasoning) yield { type: 'reasoning', text: delta.reasoning };
  if (delta?.content) yield { type: 'content', text: delta.content };
  if (choice.finish_reason) end.finishReason = choice.finish_reason;
}

/** A failure while reading a started stream, as the TurboError to throw. */
function midStreamFailure(err: unknown, guard: RequestGuard, context: RequestContext): TurboError {
  if (err instanceof TurboError) return err;
  if (guard.aborted) return guard.reason();
  // Mid-stream, a cut socket is a plain Error; the SDK raises an `event: error` as APIConnectionError.
  if (err instanceof APIConnectionError && !(err instanceof APIConnectionTimeoutError)) {
    const said = (err.cause as { message?: unknown } | undefined)?.message;
    const detail =
      typeof said === 'string' && said && said !== 'undefined' && !said.startsWith('[object')
        ? `: "${safeInline(said)}"`
        : '';
    return new TurboError(
      'server',
      `Cerebras reported an error in the middle of the answer${detail}. Files completed so far were kept; try again.`,
      { cause: err },
    );
  }
  return mapError(err, context);
}
