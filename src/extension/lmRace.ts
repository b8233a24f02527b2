import type * as vscode from 'vscode';
import type { RaceReport } from '../core/race/types';
import type { TurboSettings } from './config';
import { finishRun, workspaceSink } from './runGeneration';
import type { Services } from './services';
import { readAsEditor } from './testing/applyChanges';
import { findTestCommand, NO_TEST_SETUP } from './testing/testCommand';

export interface ToolRaceRequest {
  contract: string;
  outputRoot: vscode.Uri;
  settings: TurboSettings;
  apiKey: { key: string; source: string };
  candidates: number;
  signal: AbortSignal;
}

/**
 * The Copilot tool's race: Run Tests' command (the person confirms a detected one, as for Run Tests),
 * the winner through the WorkspaceEdit sink with one undo, the bookkeeping of a generation.
 */
export async function raceForTool(services: Services, req: ToolRaceRequest): Promise<RaceReport> {
  const { settings, outputRoot } = req;
  const found = await findTestCommand(services, outputRoot.fsPath);
  if (found === undefined) throw new Error('The user did not confirm a test command for the race; nothing was sent.');
  const testCommand = found === NO_TEST_SETUP ? undefined : found;
  const client = await services.clientFor(req.apiKey.key, settings);
  const record = services.history.begin();
  services.log.info(
    `Racing ${req.candidates} candidates for an agent with ${settings.model} into ${outputRoot.fsPath}, ${testCommand ? `scored by "${testCommand}"` : 'scored by the contract check'}.`,
  );
  // Loaded on first use: it pulls in the Cerebras SDK, which activation does not need.
  const { race } = await import('../core/race/race');
  const report = await race({
    client,
    contract: req.contract,
    folder: outputRoot.fsPath,
    candidates: req.candidates,
    testCommand,
    testTimeoutMs: settings.testTimeoutMs,
    denyEnv: settings.testEnvDeny,
    secrets: [req.apiKey.key],
    deny: settings.denyPatterns,
    protectedPaths: settings.protectedPaths,
    readFile: readAsEditor,
    sink: workspaceSink(services, { outputRoot, settings, signal: req.signal }, record),
    signal: req.signal,
    model: settings.model,
    maxCompletionTokens: settings.maxCompletionTokens,
    maxContinuations: settings.maxContinuations,
    temperature: settings.temperature,
    reasoningEffort: settings.reasoningEffort,
    onNotice: (message) => services.log.info(message),
  });
  if (report.landed)
    await finishRun(services, { contractUri: undefined, outputRoot }, record, report.landed, report.costUsd);
  else services.addCost(report.costUsd);
  return report;
}
