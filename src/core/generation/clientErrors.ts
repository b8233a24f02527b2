import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@cerebras/cerebras_cloud_sdk';
import { TurboError } from '../errors';
import { hideCredentials } from '../inputs';
import { safeInline } from '../terminalText';

/**
 * Failure messages for the client. Transport failures arrive as the SDK's APIConnectionError around
 * fetch's TypeError("fetch failed") around the real cause (a `code` such as ECONNREFUSED): the
 * message names the URL and that cause, because "check your network" alone sends people guessing.
 */

/** What the request was for, so messages can name it. */
export interface RequestContext {
  url: string;
  /** The per-attempt deadline for response headers, for the timeout message. */
  headersTimeoutMs?: number;
}

interface Cause {
  code: string | undefined;
  message: string | undefined;
}

/** The innermost error with a `code` (or else the innermost message) under the SDK's wrappers. */
export function rootCause(err: unknown): Cause {
  let code: string | undefined;
  let message: string | undefined;
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.code === 'string' && e.code) code = e.code;
    if (typeof e.message === 'string' && e.message && e.message !== 'fetch failed') message = e.message;
    // Happy Eyeballs tries several addresses and reports them together as an AggregateError.
    current = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined);
  }
  return { code, message };
}

const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT(_LOCALLY)?)$|ERR_OSSL_)/;

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** One line naming the URL and the cause of a connection that failed before any answer. */
export function describeConnectionFailure(err: unknown, context: RequestContext): string {
  const url = safeInline(context.url);
  const host = safeInline(hostOf(context.url));
  const { code, message } = rootCause(err);
  // fetch quotes the whole URL in some messages, password included.
  const said = message ? safeInline(hideCredentials(message.split('\n')[0]).slice(0, 200)) : undefined;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return `Could not resolve ${host} (${code}) for ${url}. Check the base URL and your DNS or proxy settings.`;
  }
  if (code && TLS_CODE.test(code)) {
    return `The TLS connection to ${url} failed: ${code}${said ? ` (${said})` : ''}. The server's certificate is not trusted or the server does not speak HTTPS; behind an inspecting proxy, add its CA with NODE_EXTRA_CA_CERTS.`;
  }
  if (isBlockedPort(err)) {
    const port = (() => {
      try {
        return new URL(context.url).port;
      } catch {
        return '';
      }
    })();
    return `Port ${port} of ${url} is blocked by fetch (it is reserved for another protocol, such as 9 for discard or 6000 for X11), so nothing was sent. Use another port in the base URL.`;
  }
  if (code === 'ECONNREFUSED')
    return `${host} refused the connection (ECONNREFUSED) for ${url}. Check the base URL and that the server is up.`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    return `The connection to ${url} was closed before an answer (${code}). Check your network and proxy, then try again.`;
  }
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return `Connecting to ${url} timed out (${code}). Check your network and proxy.`;
  const detail = [code, said].filter(Boolean).join(': ');
  return `Could not reach ${url}${detail ? ` (${detail})` : ''}. Check your network, proxy and the base URL setting.`;
}

function header(err: APIError, name: string): string | undefined {
  const headers = err.headers as Record<string, string | null | undefined> | undefined;
  return headers?.[name] ?? undefined;
}

/** fetch refuses the ports of the Fetch standard's "bad port" list before connecting. */
function isBlockedPort(err: unknown): boolean {
  return rootCause(err).message === 'bad port';
}

/** A refused connection is tried once more, soon: a server that is not listening rarely starts within a second. */
const REFUSED_RETRY_MS = 200;

function isRefused(err: unknown): boolean {
  return rootCause(err).code === 'ECONNREFUSED';
}

/**
 * The service's own word on retrying a failed request (`x-should-retry`, as the SDK reads it): `false`
 * means do not retry, `true` means retry even a status that is not retried otherwise. Undefined: not said.
 */
function serverSaysRetry(err: unknown): boolean | undefined {
  if (!(err instanceof APIError) || err.status === undefined) return undefined;
  const said = header(err, 'x-should-retry');
  return said === 'true' ? true : said === 'false' ? false : undefined;
}

/** Statuses retried when the service says nothing: timeout, conflict, rate limit, server errors. */
function isRetriedStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The most attempts a request that failed this way makes in all (`maxRetries` retries at most). */
export function attemptsFor(err: unknown, maxRetries: number): number {
  if (serverSaysRetry(err) === false) return 1;
  return (isRefused(err) ? Math.min(1, maxRetries) : maxRetries) + 1;
}

/**
 * How long to wait before retrying, or undefined when the failure is not worth retrying.
 * `attempt` counts from 0 within one request; every request starts again at 0.
 */
export function retryWaitMs(err: unknown, attempt: number): number | undefined {
  // Trying again cannot unblock a port.
  if (isBlockedPort(err) || (err instanceof TurboError && isBlockedPort(err.cause))) return undefined;
  if (isRefused(err)) return attempt === 0 ? REFUSED_RETRY_MS : undefined;
  // A stream that broke or ended before any content is safe to open again.
  if (err instanceof TurboError)
    return err.kind === 'network' || err.kind === 'incomplete' ? backoff(attempt) : undefined;
  if (err instanceof APIConnectionError) return backoff(attempt);
  if (!(err instanceof APIError) || err.status === undefined) return undefined;
  const said = serverSaysRetry(err);
  if (said === false || (said === undefined && !isRetriedStatus(err.status))) return undefined;
  return askedWaitMs(err) ?? backoff(attempt);
}

/** The wait a `retry-after-ms` or `retry-after` header asks for (seconds or an HTTP date), if any. */
function askedWaitMs(err: APIError): number | undefined {
  const ms = Number(header(err, 'retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const after = header(err, 'retry-after');
  if (after === undefined) return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function backoff(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 8000) * (0.75 + Math.random() * 0.25);
}

export function formatWait(ms: number): string {
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

/**
 * The message in a JSON error body that came with status 200 instead of an event stream: either
 * `{"error":{"message":…}}` or `{"message":…,"type":…}`. Undefined when the text is not such a body.
 */
export function jsonErrorMessage(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object') return undefined;
  const outer = body as { error?: unknown; message?: unknown };
  const inner =
    outer.error && typeof outer.error === 'object' ? (outer.error as { message?: unknown }).message : outer.error;
  const said = typeof inner === 'string' ? inner : outer.message;
  return typeof said === 'string' && said.trim() ? safeInline(said.trim().slice(0, 500)) : undefined;
}

/** Turns any SDK or transport failure into a TurboError whose message says what to do. */
export function mapError(err: unknown, context?: RequestContext): TurboError {
  if (err instanceof TurboError) return err;
  if (err instanceof APIUserAbortError) return new TurboError('cancelled', 'Generation cancelled.', { cause: err });
  if (err instanceof APIConnectionTimeoutError) {
    const within = context?.headersTimeoutMs === undefined ? '' : ` within ${formatWait(context.headersTimeoutMs)}`;
    const where = context ? safeInline(context.url) : 'Cerebras';
    return new TurboError(
      'network',
      `${where} sent no response${within} (the response-headers deadline, turbo.requestTimeout). Check your connection and proxy, then try again.`,
      { cause: err },
    );
  }
  if (err instanceof APIConnectionError) {
    return new TurboError('network', describeConnectionFailure(err, context ?? { url: 'Cerebras' }), { cause: err });
  }
  if (err instanceof APIError && err.status !== undefined) return mapStatusError(err, err.status);
  const message = err instanceof Error ? err.message : String(err);
  // A socket cut mid-stream arrives as a plain Error ("Premature close") or TypeError ("terminated").
  return new TurboError(
    'network',
    `The connection to Cerebras failed (${safeInline(message)}). Check your network and try again.`,
    { cause: err },
  );
}

function mapStatusError(err: APIError, status: number): TurboError {
  const detail = bodyMessage(err);
  const said = detail ? ` Cerebras said: "${detail}".` : '';
  if (status === 401 || status === 403) {
    return new TurboError('auth', `Cerebras rejected the API key (${status}).${said} Set a valid key and try again.`, {
      status,
      cause: err,
    });
  }
  if (status === 429) {
    return new TurboError(
      'rate_limit',
      `Cerebras rate limit or quota reached (429).${said} Wait a moment or check your plan's limits.`,
      { status, cause: err },
    );
  }
  if (status === 404 && (err.error as { code?: unknown } | undefined)?.code === 'model_not_found') {
    return new TurboError(
      'model_unavailable',
      `${detail ?? 'That model is not available.'} Cerebras does not offer it to your key, or has retired it: pick another model.`,
      { status, cause: err },
    );
  }
  if (status === 404) {
    return new TurboError('not_found', `Not found (404).${said} Check the model name and the base URL.`, {
      status,
      cause: err,
    });
  }
  if (status >= 500) {
    return new TurboError('server', `Cerebras had a server error (${status}).${said} Try again in a moment.`, {
      status,
      cause: err,
    });
  }
  return new TurboError('bad_request', `Cerebras refused the request (${status}).${said}`, { status, cause: err });
}
