import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';
import type { ProxySettings } from './http';

/**
 * undici's fetch through its environment proxy agent (HTTP_PROXY, HTTPS_PROXY, NO_PROXY semantics).
 * Bundled on its own as dist/proxy.js (~0.5 MB): http.ts loads it only when a proxy is configured.
 */
export function createProxyFetch(settings: ProxySettings): typeof globalThis.fetch {
  const tls = settings.strictSsl === false ? { rejectUnauthorized: false } : undefined;
  // Empty strings, not undefined: undefined would make the agent read process.env behind our back.
  const agent = new EnvHttpProxyAgent({
    httpProxy: settings.httpProxy ?? '',
    httpsProxy: settings.httpsProxy ?? '',
    noProxy: settings.noProxy ?? '',
    ...(tls ? { requestTls: tls, proxyTls: tls, connect: tls } : {}),
  });
  return ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher: agent })) as unknown as typeof globalThis.fetch;
}
