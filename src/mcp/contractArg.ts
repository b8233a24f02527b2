import * as fs from 'node:fs/promises';
import { TurboError } from '../core/errors';
import { MAX_PROMPT_BYTES } from './settings';
import type { ToolContext } from './toolContext';

/**
 * The contract of `check_contract`: the `prompt` text, or a `contract_path` confined like output_dir (an
 * agent may not have the server read a file outside the allowed roots) and no larger than a prompt.
 */
export async function readContractArg(
  tools: ToolContext,
  args: { prompt?: string; contract_path?: string },
  allowedDirs: readonly string[],
  signal: AbortSignal,
): Promise<string> {
  if ((args.prompt === undefined) === (args.contract_path === undefined))
    throw new TurboError(
      'config',
      'Give the contract either as "prompt" (its text) or as "contract_path" (a file), not both.',
    );
  if (args.prompt !== undefined) return args.prompt;
  const file = await tools.confined('contract_path', args.contract_path as string, allowedDirs, signal);
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile()) throw new TurboError('config', `contract_path ${file} is not a file.`);
  if (stat.size > MAX_PROMPT_BYTES)
    throw new TurboError(
      'config',
      `contract_path ${file} is over ${MAX_PROMPT_BYTES.toLocaleString('en-US')} bytes, the server's limit.`,
    );
  return fs.readFile(file, 'utf8');
}
