import { TurboError } from '../errors';
import { optionalNumber, parseHttpUrl, shownUrl } from '../inputs';

/**
 * Proxy settings for the client. Node's global fetch ignores HTTP(S)_PROXY, so a configured proxy
 * switches the SDK to undici's fetch with a proxy agent. That code weighs ~0.5 MB and lives in its
 * own bundle (dist/proxy.js, see esbuild.mjs): without a proxy it is never loaded.
 */

export interface ProxySettings {
  /** Proxy for http:// URLs. */
  httpProxy?: string;
  /** Proxy for https:// URLs; absent: the http one. */
  httpsProxy?: string;
  /** Comma-separated hosts (optionally :port, leading `.` or `*.`) reached directly; `*` for all. */
  noProxy?: string;
  /** false: accept any certificate (VS Code's http.proxyStrictSSL off). */
  strictSsl?: boolean;
}

type Env = Record<string, string | undefined>;

function first(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** The proxy the environment asks for (lower-case names first, as curl does), or undefined for none. */
export function proxyFromEnv(env: Env): ProxySettings | undefined {
  const httpProxy = first(env, 'http_proxy', 'HTTP_PROXY');
  const httpsProxy = first(env, 'https_proxy', 'HTTPS_PROXY');
  if (!httpProxy && !httpsProxy) return undefined;
  return { httpProxy, httpsProxy, noProxy: first(env, 'no_proxy', 'NO_PROXY') };
}

/**
 * The network options the CLI and the MCP server take from their environment: the proxy, and
 * TURBO_REQUEST_TIMEOUT (seconds to wait for response headers, per attempt; 1–600, default 30).
 */
export function networkFromEnv(env: Env): { proxy: ProxySettings | undefined; headersTimeoutMs: number } {
  const seconds = optionalNumber(env.TURBO_REQUEST_TIMEOUT, 'TURBO_REQUEST_TIMEOUT', { min: 1, max: 600 }, 30);
  return { proxy: proxyFromEnv(env), headersTimeoutMs: seconds * 1000 };
}

/** A proxy URL must be http(s)://host[:port]; anything else is a clear error, not a silent direct call. */
export function checkProxyUrl(raw: string, source: string): string {
  // The value may carry a password (http://user:secret@host): it is not echoed whole.
  if (!parseHttpUrl(raw))
    throw new TurboError(
      'config',
      `${source} must be an http:// or https:// proxy URL; got ${JSON.stringify(shownUrl(raw))}.`,
    );
  return raw;
}

/**
 * A fetch for the SDK: undefined without a proxy (the global fetch stays, at no cost). With one, the
 * proxy bundle is loaded on the first request, so building a client stays synchronous and cheap.
 */
export function fetchFor(settings: ProxySettings | undefined): typeof globalThis.fetch | undefined {
  if (!settings || (!settings.httpProxy && !settings.httpsProxy)) return undefined;
  if (settings.httpProxy) checkProxyUrl(settings.httpProxy, 'The HTTP proxy');
  if (settings.httpsProxy) checkProxyUrl(settings.httpsProxy, 'The HTTPS proxy');
  let loaded: typeof globalThis.fetch | undefined;
  return async (input, init) => {
    // esbuild.mjs keeps './proxy' out of the front ends' bundles: it resolves to dist/proxy.js beside them.
    // A plain require, because a dynamic import() of a .ts file fails under the tests' CommonJS hook.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded ??= (require('./proxy') as typeof import('./proxy')).createProxyFetch(settings);
    return loaded(input, init);
  };
}
