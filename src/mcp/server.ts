import * as fs from 'node:fs/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ChatRequest } from '../core/generation/modelClient';
import { completeText } from '../core/generation/complete';
import { apiKeyFromEnv } from '../core/generation/clientConfig';
import { FsSink } from '../core/generation/fsSink';
import { turboVersion } from '../core/version';
import { DEFAULT_MAX_COMPLETION_TOKENS, SYSTEM_PROMPT } from '../core/generation/prompt';
import { generate } from '../core/generation/pipeline';
import { metadataResult } from '../core/generation/agentResult';
import { detectTestCommand } from '../core/testing/detect';
import { envDenyFromEnv } from '../core/testing/env';
import { testJson } from '../core/testing/report';
import { runTests } from '../core/testing/loop';
import { checkConformance } from '../core/contract/conformance/check';
import { conformanceJson, conformanceSummary } from '../core/contract/conformance/report';
import { checkPromptSize, MAX_PROMPT_BYTES, readSettings } from './settings';
import { readContractArg } from './contractArg';
import { checkStatus } from './status';
import { registerRaceAndWrite } from './raceTool';
import { text, toolContext, type McpOptions, type ToolContext } from './toolContext';

export type { McpOptions } from './toolContext';

/**
 * Turbo as an MCP server: the speed-run plugin's generate, generate_and_write_files and check_status,
 * with their names and arguments, plus run_tests, served from the same engine as the editor and the
 * CLI. Results carry metadata only, never file content.
 */
export function createMcpServer(options: McpOptions): McpServer {
  const server = new McpServer({ name: 'turbo', version: turboVersion() });
  const tools = toolContext(server, options);
  registerGenerate(server, tools);
  registerGenerateAndWrite(server, tools);
  registerRaceAndWrite(server, tools);
  registerRunTests(server, tools);
  registerCheckContract(server, tools);
  registerCheckStatus(server, tools);
  return server;
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
    async ({ prompt, system_prompt, max_tokens }, extra) =>
      tools.attempt(tools.failure, async () => {
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
      }),
  );
}

function registerGenerateAndWrite(server: McpServer, tools: ToolContext): void {
  server.registerTool(
    'generate_and_write_files',
    {
      description:
        'Implement a contract prompt with the Cerebras model and write the files into output_dir. Returns metadata only ' +
        '(files written, each with overwritten true/false, files replaced, line counts, errors, usage, cost, and ' +
        "conformance: how many of the contract's models, fields and routes the written code has, with the unmet ones by " +
        'name), never the code. ' +
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
    async ({ prompt, output_dir, system_prompt }, extra) =>
      tools.attempt(tools.jsonFailure, async () => {
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
        const conformance =
          report.files.length > 0
            ? conformanceSummary(await checkConformance(prompt, root, { signal: extra.signal }))
            : null;
        const result = { ...metadataResult(report, root, apiKeyFromEnv(tools.env)), conformance };
        return text(JSON.stringify(result, null, 2), result.status === 'error');
      }),
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
    async ({ project_dir, command, timeout_seconds }, extra) =>
      tools.attempt(tools.jsonFailure, async () => {
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
      }),
  );
}

function registerCheckContract(server: McpServer, tools: ToolContext): void {
  server.registerTool(
    'check_contract',
    {
      description:
        "Check the code in output_dir against a contract's models, fields and routes, without a model call. Returns one " +
        'clause per model, field and route: status met, missing, mismatch (a clearly different type) or unknown (code ' +
        'Turbo does not read), with the contract line and where the code has it. Give the contract as prompt or as ' +
        'contract_path (a file inside the allowed roots).',
      inputSchema: {
        prompt: promptText('prompt').optional().describe('The contract text (or give contract_path)'),
        contract_path: z
          .string()
          .optional()
          .describe('A contract file inside the allowed roots (as output_dir), instead of prompt'),
        output_dir: z
          .string()
          .describe(
            "The folder the code is in, inside the allowed roots; relative paths resolve against the server's working directory",
          ),
      },
    },
    async ({ prompt, contract_path, output_dir }, extra) =>
      tools.attempt(tools.jsonFailure, async () => {
        const settings = await readSettings(tools.env);
        const contract = await readContractArg(tools, { prompt, contract_path }, settings.allowedDirs, extra.signal);
        const root = await tools.confined('output_dir', output_dir, settings.allowedDirs, extra.signal);
        if (!(await fs.stat(root).catch(() => undefined))?.isDirectory())
          return tools.jsonFailure(`output_dir ${root} is not a folder.`);
        const report = await checkConformance(contract, root, { signal: extra.signal });
        return text(JSON.stringify(conformanceJson(report), null, 2));
      }),
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
