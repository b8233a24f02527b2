import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { networkFromEnv } from '../core/generation/http';
import { createClient, type ModelClient } from '../core/generation/clientFactory';
import type { ChatRequest } from '../core/generation/modelClient';
import { completeText } from '../core/generation/complete';
import {
  apiKeyFromEnv,
  DEFAULT_BASE_URL,
  normalizeBaseUrl,
  resolveBaseUrl,
  resolveModel,
  type EnvLike,
} from '../core/generation/clientConfig';
import { redactSecrets, TurboError } from '../core/errors';
import { FsSink } from '../core/generation/fsSink';
import { KNOWN_MODELS } from '../core/generation/models';
import { turboVersion } from '../core/version';
import { DEFAULT_MAX_COMPLETION_TOKENS, DEFAULT_MODEL, SYSTEM_PROMPT } from '../core/generation/prompt';
import { generate } from '../core/generation/pipeline';
import { metadataResult } from '../core/generation/agentResult';
import { detectTestCommand } from '../core/testing/detect';
import { envDenyFromEnv } from '../core/testing/env';
import { testJson } from '../core/testing/report';
import { runTests } from '../core/testing/loop';
import { allowedRoots, confine } from './allowedRoots';
import { checkPromptSize, MAX_PROMPT_BYTES, readSettings } from './settings';

export interface McpOptions {
  env: EnvLike;
  /**
   * Relative `output_dir`s and `project_dir`s resolve against this folder (the server's working
   * directory), which is also the allowed root when the client lists no MCP roots.
   */
  cwd: string;
}

type ToolResult = { content: { type: 'text'; text: string }[]; isError?: boolean };

const text = (t: string, isError = false): ToolResult => ({
  content: [{ type: 'text', text: t }],
  ...(isError ? { isError: true } : {}),
});

/**
 * The MCP face of Turbo: the seed's three tools with the seed's names and arguments, served from the
 * same engine as the editor and the CLI. Results carry metadata only, never file content.
 */
export function createMcpServer(options: McpOptions): McpServer {
  const server = new McpServer({ name: 'turbo', version: turboVersion() });
  const tools = toolContext(server, options);
  registerGenerate(server, tools);
  registerGenerateAndWrite(server, tools);
  registerRunTests(server, tools);
  registerCheckStatus(server, tools);
  return server;
}

/** What the tools share: settings read from the environment on every call, the client, failure results. */
interface ToolContext {
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
  /** Resolves an agent's folder argument inside the roots allowed for this call, or throws. */
  confined: (argName: string, value: string, allowedDirs: readonly string[], signal: AbortSignal) => Promise<string>;
}

function toolContext(server: McpServer, options: McpOptions): ToolContext {
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

const promptText = (what: string) =>
  z
    .string()
    .max(
      MAX_PROMPT_BYTES,
      `${what} is over ${MAX_PROMPT_BYTES.toLocaleString('en-US')} characters, the server's limit (2 MB); shorten it or split the work`,
    );

function registerGenerate(server: McpServer, tools: ToolContext): void {
  server.registerTool(
    'generate',
    {
      description: 'Send a prompt to the Cerebras model and return its text answer.',
      inputSchema: {
        prompt: promptText('prompt').describe('The prompt (at most 2 MB together with system_prompt)'),
        system_prompt: promptText('system_prompt').optional().describe('Optional system prompt'),
        max_tokens: z.number().int().positive().optional().describe('Cap on completion tokens'),
      },
    },
    async ({ prompt, system_prompt, max_tokens }, extra) => {
      try {
        checkPromptSize(prompt, system_prompt);
        const request: ChatRequest = {
          model: tools.model(),
          messages: [
            ...(system_prompt ? [{ role: 'system' as const, content: system_prompt }] : []),
            { role: 'user' as const, content: prompt },
          ],
          max_completion_tokens: max_tokens ?? DEFAULT_MAX_COMPLETION_TOKENS,
        };
        const answer = await completeText(tools.client(), request, extra.signal);
        return text(answer.text);
      } catch (err) {
        return tools.failure(err);
      }
    },
  );
}

function registerGenerateAndWrite(server: McpServer, tools: ToolContext): void {
  server.registerTool(
    'generate_and_write_files',
    {
      description:
        'Implement a contract prompt with the Cerebras model and write the files into output_dir. Returns metadata only ' +
        '(files written, each with overwritten true/false, files replaced, line counts, errors, usage, cost), never the code. ' +
        "output_dir must lie inside the client's MCP roots (else the server's working directory) or TURBO_ALLOWED_DIRS; " +
        'paths that would leave output_dir are refused.',
      inputSchema: {
        prompt: promptText('prompt').describe(
          'The contract prompt: data models, API routes, algorithm, rules (at most 2 MB together with system_prompt)',
        ),
        output_dir: z
          .string()
          .describe(
            "Folder to write into, inside the allowed roots; relative paths resolve against the server's working directory; no ~",
          ),
        system_prompt: promptText('system_prompt')
          .optional()
          .describe("Optional system prompt (default: Turbo's <FILE> format prompt)"),
      },
    },
    async ({ prompt, output_dir, system_prompt }, extra) => {
      try {
        checkPromptSize(prompt, system_prompt);
        const settings = await readSettings(tools.env);
        const root = await tools.confined('output_dir', output_dir, settings.allowedDirs, extra.signal);
        const report = await generate({
          client: tools.client(),
          contract: prompt,
          model: tools.model(),
          systemPrompt: system_prompt ?? SYSTEM_PROMPT,
          sink: new FsSink(root, settings.overwrite),
          maxContinuations: settings.maxContinuations,
          signal: extra.signal,
        });
        const result = metadataResult(report, root, apiKeyFromEnv(tools.env));
        return text(JSON.stringify(result, null, 2), result.status === 'error');
      } catch (err) {
        return tools.jsonFailure(err);
      }
    },
  );
}

function registerRunTests(server: McpServer, tools: ToolContext): void {
  server.registerTool(
    'run_tests',
    {
      description:
        "Run a project's tests and return the failures as diagnostics (file relative to project_dir, 1-based line and column, " +
        'message, test name, related locations such as the line that raised), with passed/failed counts. The command is ' +
        'detected (npm test, pytest, go test ./..., cargo test) unless given.',
      inputSchema: {
        project_dir: z
          .string()
          .describe(
            "Project folder, inside the allowed roots (as output_dir); relative paths resolve against the server's working directory",
          ),
        command: z
          .string()
          .optional()
          .describe('Test command line, run by the shell in project_dir (default: detected)'),
        timeout_seconds: z
          .number()
          .positive()
          .max(86_400)
          .optional()
          .describe('Stop the run and every process it started after this long (default 300)'),
      },
    },
    async ({ project_dir, command, timeout_seconds }, extra) => {
      try {
        const settings = await readSettings(tools.env);
        const cwd = await tools.confined('project_dir', project_dir, settings.allowedDirs, extra.signal);
        const detected = command?.trim() ? undefined : await detectTestCommand(cwd);
        const cmd = command?.trim() || detected?.command;
        if (!cmd)
          return tools.jsonFailure(
            `No test command found in ${cwd} (no package.json test script, pytest config, go.mod or Cargo.toml). Pass "command".`,
          );
        const report = await runTests({
          cwd,
          command: cmd,
          timeoutMs: (timeout_seconds ?? 300) * 1000,
          signal: extra.signal,
          secrets: [apiKeyFromEnv(tools.env)],
          denyEnv: envDenyFromEnv(tools.env),
        });
        return text(JSON.stringify(testJson(report), null, 2));
      } catch (err) {
        return tools.jsonFailure(err);
      }
    },
  );
}

function registerCheckStatus(server: McpServer, tools: ToolContext): void {
  server.registerTool(
    'check_status',
    { description: "Show Turbo's configuration (never the key) and the models the Cerebras API lists for the key." },
    async () => {
      const status = await checkStatus(tools);
      return text(JSON.stringify(status, null, 2), status.status === 'error');
    },
  );
}

/** The status `check_status` reports: a wrong CEREBRAS_MODEL or base URL is reported in it, not thrown past it. */
async function checkStatus(tools: ToolContext): Promise<Record<string, unknown>> {
  const problems: string[] = [];
  const shown = <T>(read: () => T): T | null => {
    try {
      return read();
    } catch (err) {
      problems.push(tools.message(err));
      return null;
    }
  };
  const status: Record<string, unknown> = {
    server: 'turbo',
    version: turboVersion(),
    api_key_set: Boolean(apiKeyFromEnv(tools.env)),
    model: shown(tools.model),
    base_url: shown(() => normalizeBaseUrl(tools.baseUrl()) ?? DEFAULT_BASE_URL),
    known_models: KNOWN_MODELS.map((m) => ({
      id: m.id,
      input_per_million: m.inputPerMillion,
      output_per_million: m.outputPerMillion,
    })),
  };
  try {
    if (problems.length) throw new TurboError('config', problems.join(' '));
    const settings = await readSettings(tools.env);
    status.overwrite = settings.overwrite;
    status.allowed_dirs = settings.allowedDirs;
    status.max_prompt_bytes = MAX_PROMPT_BYTES;
    status.models = await tools.client().listModels();
    status.status = (status.models as string[]).includes(tools.model()) ? 'ok' : 'model_unavailable';
  } catch (err) {
    status.status = 'error';
    status.error = tools.message(err);
  }
  return status;
}
