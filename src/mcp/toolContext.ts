import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { apiKeyFromEnv, resolveBaseUrl, resolveModel, type EnvLike } from '../core/generation/clientConfig';
import { createClient, type ModelClient } from '../core/generation/clientFactory';
import { networkFromEnv } from '../core/generation/http';
import { DEFAULT_MODEL } from '../core/generation/prompt';
import { redactSecrets, TurboError } from '../core/errors';
import { allowedRoots, confine } from './allowedRoots';

export interface McpOptions {
  env: EnvLike;
  /**
   * Relative `output_dir`s and `project_dir`s resolve against this folder (the server's working
   * directory), which is also the allowed root when the client lists no MCP roots.
   */
  cwd: string;
}

export type ToolResult = { content: { type: 'text'; text: string }[]; isError?: boolean };

export const text = (t: string, isError = false): ToolResult => ({
  content: [{ type: 'text', text: t }],
  ...(isError ? { isError: true } : {}),
});

/** What the tools share: settings read from the environment on every call, the client, failure results. */
export interface ToolContext {
  env: EnvLike;
  /** Checked on every use: a model id with control characters or spaces is an error naming CEREBRAS_MODEL. */
  model: () => string;
  baseUrl: () => string | undefined;
  client: () => ModelClient;
  /** An error's message with the key redacted. */
  message: (err: unknown) => string;
  failure: (err: unknown) => ToolResult;
  /** Tools whose results are JSON keep that shape when they fail, so an agent reads one format. */
  jsonFailure: (err: unknown) => ToolResult;
  /** Runs a tool's work; whatever it throws becomes the given failure result. */
  attempt: (onError: (err: unknown) => ToolResult, work: () => Promise<ToolResult>) => Promise<ToolResult>;
  /** Resolves an agent's folder argument inside the roots allowed for this call, or throws. */
  confined: (argName: string, value: string, allowedDirs: readonly string[], signal: AbortSignal) => Promise<string>;
}

export function toolContext(server: McpServer, options: McpOptions): ToolContext {
  const { env } = options;
  const baseUrl = () => resolveBaseUrl(undefined, env);
  const message = (err: unknown) => redactSecrets(err instanceof Error ? err.message : String(err), apiKeyFromEnv(env));
  return {
    env,
    model: () => resolveModel(undefined, env, DEFAULT_MODEL),
    baseUrl,
    client: clientPerKey(env, baseUrl),
    message,
    failure: (err) => text(message(err), true),
    attempt: (onError, work) => work().catch(onError),
    jsonFailure: (err) => text(JSON.stringify({ status: 'error', message: message(err) }, null, 2), true),
    confined: async (argName, value, allowedDirs, signal) => {
      const roots = await allowedRoots(
        {
          clientDeclaresRoots: () => Boolean(server.server.getClientCapabilities()?.roots),
          listRoots: (opts) => server.server.listRoots(undefined, opts),
        },
        options.cwd,
        allowedDirs,
        signal,
      );
      return confine(argName, value, options.cwd, roots);
    },
  };
}

/** The client for the key in the environment now: built again only when the key changes. */
function clientPerKey(env: EnvLike, baseUrl: () => string | undefined): () => ModelClient {
  let cached: { key: string; client: ModelClient } | undefined;
  return () => {
    const key = apiKeyFromEnv(env);
    if (!key) {
      throw new TurboError(
        'config',
        'CEREBRAS_API_KEY is not set. Add it to the "env" of the turbo entry in your MCP client configuration, then restart the server.',
      );
    }
    if (cached?.key !== key)
      cached = {
        key,
        client: createClient({ apiKey: key, baseUrl: baseUrl(), warmConnection: false, ...networkFromEnv(env) }),
      };
    return cached.client;
  };
}
