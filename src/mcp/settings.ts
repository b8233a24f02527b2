import type { EnvLike } from '../core/inputs';
import { TurboError } from '../core/errors';
import { optionalChoice, optionalNumber } from '../core/inputs';
import { OVERWRITE_POLICIES, type OverwritePolicy } from '../core/generation/choices';
import { allowedDirsFromEnv } from './allowedRoots';

/** The server's settings from its environment, each checked: a wrong value is an error, never a default. */
export interface McpSettings {
  overwrite: OverwritePolicy;
  maxContinuations: number | undefined;
  allowedDirs: string[];
}

/** A server has nobody to ask about existing files: `always` or `never`. */
const SERVER_OVERWRITE = OVERWRITE_POLICIES.filter((p): p is Exclude<OverwritePolicy, 'ask'> => p !== 'ask');

/** Prompt plus system prompt, in UTF-8 bytes: far above any real contract, far below the stdio transport's 10 MiB per message. */
export const MAX_PROMPT_BYTES = 2_000_000;

/** Reads every setting and reports all the wrong ones at once, so one fix round is enough. */
export async function readSettings(env: EnvLike): Promise<McpSettings> {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
      return undefined;
    }
  };
  const overwrite = attempt(() => optionalChoice(env.TURBO_OVERWRITE, 'TURBO_OVERWRITE', SERVER_OVERWRITE, 'always'));
  const maxContinuations = attempt(() =>
    optionalNumber(env.TURBO_MAX_CONTINUATIONS, 'TURBO_MAX_CONTINUATIONS', { min: 0, max: 10 }),
  );
  const allowedDirs = await allowedDirsFromEnv(env).catch((err: unknown) => {
    problems.push(err instanceof Error ? err.message : String(err));
    return [];
  });
  if (problems.length > 0 || overwrite === undefined)
    throw new TurboError(
      'config',
      `${problems.join(' ')} Fix the "env" of the turbo entry in your MCP client configuration, then restart the server.`,
    );
  return { overwrite, maxContinuations, allowedDirs };
}

/** Refuses a prompt that is too large before anything is sent, naming the limit. */
export function checkPromptSize(prompt: string, systemPrompt: string | undefined): void {
  const bytes = Buffer.byteLength(prompt, 'utf8') + (systemPrompt ? Buffer.byteLength(systemPrompt, 'utf8') : 0);
  if (bytes > MAX_PROMPT_BYTES) {
    throw new TurboError(
      'config',
      `prompt and system_prompt together are ${bytes.toLocaleString('en-US')} bytes; the limit is ${MAX_PROMPT_BYTES.toLocaleString('en-US')} bytes (2 MB). Shorten the contract or split it into several calls.`,
    );
  }
}
