import * as vscode from 'vscode';
import { metadataResult } from '../core/generation/agentResult';
import { isInside } from '../core/generation/pathGuard';
import { abortingOnCancel } from '../core/oneAtATime';
import { parseNumber } from '../core/inputs';
import { raceJson } from '../core/race/json';
import { MAX_CANDIDATES, MIN_CANDIDATES } from '../core/race/types';
import { readSettings, settingsProblemText } from './config';
import type { Services } from './services';

export const TOOL_NAME = 'turbo_generate_and_write_files';

export interface GenerateFilesInput {
  prompt: string;
  output_dir: string;
  /** 2–8: race that many candidates, scored by the project's tests, instead of generating once. */
  candidates?: number;
}

/**
 * `turbo_generate_and_write_files` for Copilot's agent mode: the MCP tool's contract, with files
 * written through the same WorkspaceEdit path as "Generate from Contract". The agent sees metadata only.
 */
export class GenerateFilesTool implements vscode.LanguageModelTool<GenerateFilesInput> {
  constructor(private readonly services: Services) {}

  prepareInvocation(
    options: vscode.LanguageModelToolInvocationPrepareOptions<GenerateFilesInput>,
  ): vscode.PreparedToolInvocation {
    const { model } = readSettings();
    const target = describeTarget(options.input.output_dir);
    const n = options.input.candidates;
    if (n !== undefined)
      return {
        invocationMessage: `Racing ${n} candidates into ${target} with ${model}`,
        confirmationMessages: {
          title: 'Turbo: race candidates and write the best',
          message: new vscode.MarkdownString(
            `Send this contract (${options.input.prompt.length.toLocaleString()} characters) to **${model}** ${n} times, run the project's tests on each candidate in a scratch copy, and write the best one into **${target}**?`,
          ),
        },
      };
    return {
      invocationMessage: `Generating into ${target} with ${model}`,
      confirmationMessages: {
        title: 'Turbo: generate and write files',
        message: new vscode.MarkdownString(
          `Send this contract (${options.input.prompt.length.toLocaleString()} characters) to **${model}** and write the files it returns into **${target}**?`,
        ),
      },
    };
  }

  async invoke(
    options: vscode.LanguageModelToolInvocationOptions<GenerateFilesInput>,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelToolResult> {
    const { prompt, output_dir } = options.input;
    const candidates =
      options.input.candidates === undefined
        ? undefined
        : parseNumber(options.input.candidates, 'candidates', { min: MIN_CANDIDATES, max: MAX_CANDIDATES });
    if (!vscode.workspace.isTrusted)
      throw new Error(
        'The workspace is in Restricted Mode: Turbo writes no files until the user trusts it (Manage Workspace Trust).',
      );
    if (!prompt?.trim())
      throw new Error('The prompt is empty: pass the contract (data models, routes, rules) as "prompt".');
    const outputRoot = resolveOutput(output_dir);
    const settings = readSettings(outputRoot);
    const badSettings = settingsProblemText(settings);
    if (badSettings) throw new Error(badSettings);
    const key = await this.services.keys.get();
    if (!key) throw new Error('No Cerebras API key is set. Ask the user to run "Turbo: Set API Key".');
    if (candidates !== undefined) {
      const run = { contract: prompt, outputRoot, settings, apiKey: key, candidates };
      const raced = await this.services.generation.run((abort) =>
        abortingOnCancel(token, abort, async () =>
          (await import('./lmRace')).raceForTool(this.services, { ...run, signal: abort.signal }),
        ),
      );
      if (raced === 'busy') throw new Error('Turbo is already generating; try again when it has finished.');
      return textResult(raceJson(raced, outputRoot.fsPath, key.key));
    }
    const result = await this.services.generation.run((abort) =>
      abortingOnCancel(token, abort, async () => {
        // Loaded on first use: it pulls in the Cerebras SDK, which activation does not need.
        const { runGeneration } = await import('./runGeneration');
        return runGeneration(this.services, {
          contract: prompt,
          contractUri: undefined,
          outputRoot,
          settings,
          apiKey: key,
          signal: abort.signal,
        });
      }),
    );
    if (result === 'busy') throw new Error('Turbo is already generating; try again when it has finished.');
    return textResult(metadataResult(result, outputRoot.fsPath, key.key));
  }
}

function textResult(meta: unknown): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(JSON.stringify(meta, null, 2))]);
}

function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('Open a folder first: Turbo writes generated files into the workspace.');
  return folder.uri;
}

/** output_dir is relative to the first workspace folder and must stay inside it. */
function resolveOutput(outputDir: string): vscode.Uri {
  const root = workspaceRoot();
  const parts = (outputDir ?? '').split(/[\\/]+/).filter((p) => p && p !== '.');
  if (/^([a-zA-Z]:|[\\/])/.test(outputDir ?? '') || parts.includes('..')) {
    throw new Error(`output_dir must be a folder inside the workspace, relative to it (got "${outputDir}").`);
  }
  const target = vscode.Uri.joinPath(root, ...parts);
  if (parts.length > 0 && root.scheme === 'file' && !isInside(root.fsPath, target.fsPath))
    throw new Error(`output_dir "${outputDir}" leaves the workspace.`);
  return target;
}

function describeTarget(outputDir: string): string {
  try {
    return vscode.workspace.asRelativePath(resolveOutput(outputDir), true) || outputDir;
  } catch {
    return outputDir;
  }
}

export function registerLanguageModelTool(services: Services): vscode.Disposable {
  return vscode.lm.registerTool(TOOL_NAME, new GenerateFilesTool(services));
}
