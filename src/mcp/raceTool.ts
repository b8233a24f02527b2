import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { apiKeyFromEnv } from '../core/generation/clientConfig';
import { FsSink } from '../core/generation/fsSink';
import { raceJson } from '../core/race/json';
import { race } from '../core/race/race';
import { DEFAULT_CANDIDATES, MAX_CANDIDATES, MIN_CANDIDATES } from '../core/race/types';
import { detectTestCommand } from '../core/testing/detect';
import { envDenyFromEnv } from '../core/testing/env';
import { checkPromptSize, MAX_PROMPT_BYTES, readSettings } from './settings';
import { text, type ToolContext } from './toolContext';

const DESCRIPTION =
  `Race ${MIN_CANDIDATES}-${MAX_CANDIDATES} implementations of a contract prompt (default ${DEFAULT_CANDIDATES}): each ` +
  "candidate is written into its own scratch copy of output_dir, the project's test command runs in each copy, and " +
  'the best one is written into output_dir (green first: the command exited 0 and no fewer tests ran; then more ' +
  'tests passed, code that loads, more contract clauses met, fewer lines). Existing test files are the judge: a ' +
  'candidate that writes them is refused. Returns metadata only, never the code: the winner, green, each ' +
  "candidate's passed/failed counts, refused writes, files and lines, tokens, time and cost, and the files written. " +
  'The test command is test_command when given, else detected in output_dir (npm test, pytest, go test ./..., ' +
  'cargo test); with none, the contract check decides. ' +
  "output_dir must lie inside the client's MCP roots (else the server's working directory) or TURBO_ALLOWED_DIRS.";

const CANDIDATES_RANGE = `candidates takes a whole number from ${MIN_CANDIDATES} to ${MAX_CANDIDATES}`;

const INPUT = {
  prompt: z
    .string()
    .max(MAX_PROMPT_BYTES, `prompt is over ${MAX_PROMPT_BYTES.toLocaleString('en-US')} characters (2 MB)`)
    .describe('The contract prompt: data models, API routes, algorithm, rules (at most 2 MB)'),
  output_dir: z
    .string()
    .describe(
      "The project folder the winner is written into, inside the allowed roots; relative paths resolve against the server's working directory",
    ),
  candidates: z
    .number()
    .int(CANDIDATES_RANGE)
    .min(MIN_CANDIDATES, CANDIDATES_RANGE)
    .max(MAX_CANDIDATES, CANDIDATES_RANGE)
    .optional()
    .describe(`How many candidates, ${MIN_CANDIDATES}-${MAX_CANDIDATES} (default ${DEFAULT_CANDIDATES})`),
  test_command: z
    .string()
    .optional()
    .describe("Test command line, run by the shell in each candidate's copy (default: detected in output_dir)"),
};

/** `race_and_write_files`: the CLI's `turbo race` for agents, with the confinement of generate_and_write_files. */
export function registerRaceAndWrite(server: McpServer, tools: ToolContext): void {
  server.registerTool(
    'race_and_write_files',
    {
      description: DESCRIPTION,
      inputSchema: INPUT,
    },
    async ({ prompt, output_dir, candidates, test_command }, extra) =>
      tools.attempt(tools.jsonFailure, async () => {
        checkPromptSize(prompt, undefined);
        const settings = await readSettings(tools.env);
        const root = await tools.confined('output_dir', output_dir, settings.allowedDirs, extra.signal);
        // An agent's test_command is the agent's own request; otherwise the folder's files say which one.
        const detected = test_command?.trim() ? undefined : await detectTestCommand(root);
        const command = test_command?.trim() || detected?.command;
        const apiKey = apiKeyFromEnv(tools.env);
        const report = await race({
          client: tools.client(),
          contract: prompt,
          model: tools.model(),
          folder: root,
          candidates: candidates ?? DEFAULT_CANDIDATES,
          testCommand: command,
          denyEnv: envDenyFromEnv(tools.env),
          secrets: [apiKey],
          maxContinuations: settings.maxContinuations,
          sink: new FsSink(root, settings.overwrite),
          signal: extra.signal,
        });
        const result = {
          ...raceJson(report, root, apiKey),
          test_command: command ?? null,
          test_command_reason: test_command?.trim()
            ? 'given as test_command'
            : (detected?.reason ?? 'none found: the contract check and then fewer lines decided'),
        };
        // An error for the agent when nothing landed: no winner, or every file of it refused (overwrite never).
        return text(JSON.stringify(result, null, 2), report.winner === undefined || !report.landed?.files.length);
      }),
  );
}
