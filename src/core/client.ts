// The SDK's web shims: Node 20 has fetch, streams, FormData and Blob built in, so node-fetch and its
// polyfills (most of the SDK's weight) stay out of the bundles. Must come before the SDK itself.
import '@cerebras/cerebras_cloud_sdk/shims/web';
import Cerebras, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@cerebras/cerebras_cloud_sdk';
import type { ClientOptions as SdkOptions } from '@cerebras/cerebras_cloud_sdk';
import { TurboError } from './errors';

export const DEFAULT_BASE_URL = 'https://api.cerebras.ai';

export interface ClientOptions {
  apiKey: string;
  /** Empty or undefined: the SDK's default. A trailing `/v1` (the seed's `CEREBRAS_URL`) is accepted. */
  baseUrl?: string;
  /** How long to wait for response headers, per attempt. */
  timeoutMs?: number;
  /** How long a started stream may stay silent before it counts as stalled. */
  idleTimeoutMs?: number;
  /** Retries for 429, 5xx and connection failures before any content arrived. */
  maxRetries?: number;
  /** A `retry-after` longer than this is not waited for: the call fails with a rate-limit message. */
  maxRetryWaitMs?: number;
  /** Off in tests so that a stand-in's request log holds only what the caller asked for. */
  warmConnection?: boolean;
}

export interface ChatRequest {
  model: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  max_completion_tokens?: number;
  temperature?: number;
  reasoning_effort?: 'low' | 'medium' | 'high';
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** Told before each retry: which attempt comes next, how long it waits, and why. */
  onRetry?: (info: { attempt: number; waitMs: number; reason: string }) => void;
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
  | { type: 'end'; finishReason: string; usage: Usage | undefined; timeInfo: TimeInfo | undefined; model: string | undefined };

/** Accepts `https://host`, `https://host/`, and `https://host/v1` (the seed's form); the SDK adds `/v1` itself. */
export function normalizeBaseUrl(raw: string | undefined): string | undefined {
  const trimmed = raw?.trim();
  if (!trimmed) return undefined;
  return trimmed.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/**
 * Calls `onIdle` once nothing has touched it for `ms`. A stream touches it for every chunk, hundreds
 * of times a second: one timer that re-arms itself for the time left, not a new timer per chunk.
 */
class IdleWatch {
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {}

  touch(): void {
    this.last = performance.now();
    if (!this.timer) this.arm(this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => {
      const quiet = performance.now() - this.last;
      if (quiet >= this.ms) {
        this.timer = undefined;
        this.onIdle();
      } else this.arm(this.ms - quiet);
    }, delay);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * A thin wrapper over the official SDK. It owns the parts the SDK leaves to the caller
 * (see CEREBRAS-API.md): a stream that ends without `finish_reason`, a stall inside the body,
 * `retry-after` values the SDK would honour without limit, and errors whose class names
 * minification destroys.
 */
export class CerebrasClient {
  private readonly sdk: Cerebras;
  private readonly idleTimeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryWaitMs: number;

  constructor(private readonly options: ClientOptions) {
    if (!options.apiKey) throw new TurboError('config', 'No Cerebras API key is set.');
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 2;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 20_000;
    this.sdk = new Cerebras({
      apiKey: options.apiKey,
      baseURL: normalizeBaseUrl(options.baseUrl) ?? DEFAULT_BASE_URL,
      timeout: options.timeoutMs ?? 60_000,
      // Retries are ours: the SDK would sleep as long as any retry-after says, even a day.
      maxRetries: 0,
      warmTCPConnection: options.warmConnection ?? true,
      // node-fetch 2 breaks keep-alive streams on some Node releases VS Code ships; the global fetch does not.
      fetch: globalThis.fetch as unknown as NonNullable<SdkOptions['fetch']>,
    });
  }

  get baseUrl(): string {
    return normalizeBaseUrl(this.options.baseUrl) ?? DEFAULT_BASE_URL;
  }

  /**
   * Streams one chat completion. The iterable ends with exactly one `end` event, or throws a
   * TurboError: a stream that closes without `finish_reason` is `incomplete`, never a silent success.
   */
  async *stream(request: ChatRequest, options: StreamOptions = {}): AsyncGenerator<StreamEvent, void, undefined> {
    const { signal } = options;
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort();
    if (signal?.aborted) throw new TurboError('cancelled', 'Generation cancelled.');
    signal?.addEventListener('abort', onOuterAbort, { once: true });
    let stalled = false;
    const idle = new IdleWatch(this.idleTimeoutMs, () => {
      stalled = true;
      controller.abort();
    });
    const cancelledOrStalled = () =>
      stalled
        ? new TurboError('stalled', `The model stopped sending for ${formatWait(this.idleTimeoutMs)}. Try again.`)
        : new TurboError('cancelled', 'Generation cancelled.');

    let yielded = false;
    try {
      for (let retry = 0; ; retry++) {
        try {
          for await (const event of this.once(request, controller, idle, cancelledOrStalled, options.onRetry)) {
            if (event.type !== 'end') yielded = true;
            yield event;
          }
          return;
        } catch (err) {
          // A stream that broke before sending anything is safe to open again.
          const again = !yielded && !controller.signal.aborted && err instanceof TurboError && (err.kind === 'network' || err.kind === 'incomplete') && retry < this.maxRetries;
          if (!again) throw err;
          const wait = 500 * 2 ** retry;
          idle.stop();
          options.onRetry?.({ attempt: retry + 2, waitMs: wait, reason: err.message });
          await sleep(wait, controller.signal);
          if (controller.signal.aborted) throw cancelledOrStalled();
        }
      }
    } finally {
      idle.stop();
      signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  /** One request: opens the stream (with retries for failed opens) and reads it to its end. */
  private async *once(
    request: ChatRequest,
    controller: AbortController,
    idle: IdleWatch,
    cancelledOrStalled: () => TurboError,
    onRetry: StreamOptions['onRetry'],
  ): AsyncGenerator<StreamEvent, void, undefined> {
    const sdkStream = await this.openWithRetries(request, controller.signal, cancelledOrStalled, onRetry);
    let finishReason: string | undefined;
    let usage: Usage | undefined;
    let timeInfo: TimeInfo | undefined;
    let model: string | undefined;
    idle.touch();
    try {
      for await (const chunk of sdkStream) {
        idle.touch();
        if ('error' in chunk && chunk.error) {
          throw new TurboError('server', `Cerebras reported an error mid-stream: ${chunk.error.message ?? 'unknown error'}.`);
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
      if (controller.signal.aborted) throw cancelledOrStalled();
      // Mid-stream, a cut socket is a plain Error; the SDK raises an `event: error` as APIConnectionError.
      if (err instanceof APIConnectionError && !(err instanceof APIConnectionTimeoutError)) {
        const said = (err.cause as { message?: unknown } | undefined)?.message;
        const detail = typeof said === 'string' && said && said !== 'undefined' && !said.startsWith('[object') ? `: "${said}"` : '';
        throw new TurboError('server', `Cerebras reported an error in the middle of the answer${detail}. Files completed so far were kept; try again.`, { cause: err });
      }
      throw mapError(err);
    }
    // An aborted stream and a server that hangs up early both end the loop without an error.
    if (controller.signal.aborted) throw cancelledOrStalled();
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
    try {
      const page = await this.sdk.models.list({}, { signal });
      return page.data.map((m) => m.id);
    } catch (err) {
      throw mapError(err);
    }
  }

  private async openWithRetries(request: ChatRequest, signal: AbortSignal, aborted: () => TurboError, onRetry: StreamOptions['onRetry']) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.sdk.chat.completions.create({ ...request, stream: true }, { signal });
      } catch (err) {
        if (signal.aborted || err instanceof APIUserAbortError) throw aborted();
        const mapped = mapError(err);
        const wait = retryWaitMs(err, attempt);
        if (attempt >= this.maxRetries || wait === undefined) throw mapped;
        if (wait > this.maxRetryWaitMs) {
          throw new TurboError(
            mapped.kind,
            `${mapped.message} Cerebras asks to wait ${formatWait(wait)}; Turbo does not wait that long.`,
            { status: mapped.status, cause: err },
          );
        }
        onRetry?.({ attempt: attempt + 2, waitMs: wait, reason: mapped.message });
        await sleep(wait, signal);
        if (signal.aborted) throw aborted();
      }
    }
  }
}

function header(err: APIError, name: string): string | undefined {
  const headers = err.headers as Record<string, string | null | undefined> | undefined;
  return headers?.[name] ?? undefined;
}

/** How long to wait before retrying, or undefined when the failure is not worth retrying. */
export function retryWaitMs(err: unknown, attempt: number): number | undefined {
  if (err instanceof APIConnectionError) return backoff(attempt);
  if (!(err instanceof APIError) || err.status === undefined) return undefined;
  const status = err.status;
  if (!(status === 408 || status === 409 || status === 429 || status >= 500)) return undefined;
  const ms = Number(header(err, 'retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const after = header(err, 'retry-after');
  if (after !== undefined) {
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  return backoff(attempt);
}

function backoff(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 8000) * (0.75 + Math.random() * 0.25);
}

function formatWait(ms: number): string {
  if (ms < 10_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

function bodyMessage(err: APIError): string | undefined {
  const body = err.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : undefined;
}

/** Turns any SDK or transport failure into a TurboError whose message says what to do. */
export function mapError(err: unknown): TurboError {
  if (err instanceof TurboError) return err;
  if (err instanceof APIUserAbortError) return new TurboError('cancelled', 'Generation cancelled.', { cause: err });
  if (err instanceof APIConnectionTimeoutError) {
    return new TurboError('network', 'Cerebras did not answer in time. Check your connection and try again.', { cause: err });
  }
  if (err instanceof APIConnectionError) {
    const inner = (err.cause as { message?: string } | undefined)?.message;
    return new TurboError(
      'network',
      `Could not reach Cerebras${inner ? ` (${inner})` : ''}. Check your network, proxy and the base URL setting.`,
      { cause: err },
    );
  }
  if (err instanceof APIError && err.status !== undefined) {
    const detail = bodyMessage(err);
    const status = err.status;
    const said = detail ? ` Cerebras said: "${detail}".` : '';
    if (status === 401 || status === 403) {
      return new TurboError('auth', `Cerebras rejected the API key (${status}).${said} Set a valid key and try again.`, { status, cause: err });
    }
    if (status === 429) {
      return new TurboError('rate_limit', `Cerebras rate limit or quota reached (429).${said} Wait a moment or check your plan's limits.`, { status, cause: err });
    }
    if (status === 404 && (err.error as { code?: unknown } | undefined)?.code === 'model_not_found') {
      return new TurboError(
        'model_unavailable',
        `${detail ?? 'That model is not available.'} Cerebras does not offer it to your key (it may have been retired): pick another model ("Turbo: Select Model", or --model).`,
        { status, cause: err },
      );
    }
    if (status === 404) {
      return new TurboError('not_found', `Not found (404).${said} Check the model name and the base URL.`, { status, cause: err });
    }
    if (status >= 500) {
      return new TurboError('server', `Cerebras had a server error (${status}).${said} Try again in a moment.`, { status, cause: err });
    }
    return new TurboError('bad_request', `Cerebras refused the request (${status}).${said}`, { status, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  // A socket cut mid-stream arrives as a plain Error ("Premature close") or TypeError ("terminated").
  return new TurboError('network', `The connection to Cerebras failed (${message}). Check your network and try again.`, { cause: err });
}
