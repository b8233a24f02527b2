import { count } from '../progressText';
import { testsRan } from '../../core/testing/protectedTests';
import * as vscode from 'vscode';
import { abortingOnCancel } from '../../core/oneAtATime';
import type { CandidateProgress, RaceReport } from '../../core/race/types';
import { redactSecrets } from '../../core/errors';
import { safeInline, safeText } from '../../core/terminalText';
import type { ModelClient } from '../../core/generation/modelClient';
import type { TurboSettings } from '../config';
import type { GenerationRecord } from '../generationHistory';
import { GENERATING, runOrWarnBusy, warnedBusy } from '../busyWarning';
import { prepareRun, throttle } from '../commands/generate';
import { contractToGenerate } from '../contract/chooseContract';
import { finishRun, workspaceSink } from '../runGeneration';
import type { Services } from '../services';
import { readAsEditor } from '../testing/applyChanges';
import type { TestingService } from '../testing/service';
import { findTestCommand, NO_TEST_SETUP } from '../testing/testCommand';
import type { CandidateDocuments } from './candidateFiles';
import { RaceComparison } from './comparisonPanel';
import { progressLine, verdictText } from './raceText';

const PROGRESS_INTERVAL_MS = 150;
const OUTPUT_DIALOG = { openLabel: 'Race Here', title: 'Turbo: choose the output folder for the race' };

/** What "Turbo: Race Candidates" returns, for agents and the integration suites. */
export interface RaceOutcome {
  report: RaceReport;
  /** The comparison view; undefined when no candidate ran (cancelled, or every request failed at once). */
  view: RaceComparison | undefined;
}

/**
 * "Turbo: Race Candidates": N candidates from one contract side by side, each tested in its own
 * scratch copy; the best lands in the output folder like a generation, then the comparison view opens.
 * The contract, settings, output folder, key and the one generation slot are Generate's.
 */
export async function raceFromContract(
  services: Services,
  tests: TestingService,
  documents: CandidateDocuments,
  target?: unknown,
): Promise<RaceOutcome | undefined> {
  if (warnedBusy(services.generation, GENERATING)) return undefined;
  const document = await contractToGenerate(services, target, 'Race Candidates');
  if (!document) return undefined;
  return runOrWarnBusy(
    services.generation,
    (abort) => raceWith(services, tests, documents, document, abort),
    GENERATING,
  );
}

async function raceWith(
  services: Services,
  tests: TestingService,
  documents: CandidateDocuments,
  document: vscode.TextDocument,
  abort: AbortController,
): Promise<RaceOutcome | undefined> {
  const contract = document.getText();
  const prepared = await prepareRun(services, document, 'turbo.raceCandidates', OUTPUT_DIALOG);
  if (!prepared) return undefined;
  const { settings, outputRoot, key } = prepared;
  // Run Tests' detection and confirmation; a folder without tests is scored by the contract check.
  const found = await findTestCommand(services, outputRoot.fsPath);
  if (found === undefined) return undefined;
  const testCommand = found === NO_TEST_SETUP ? undefined : found;
  const noTests = testCommand
    ? undefined
    : `No test command for ${vscode.workspace.asRelativePath(outputRoot, false)}: the candidates are scored by the contract check.`;
  const client = await services.clientFor(key.key, settings);
  const record = services.history.begin();
  const known = tests.folders.get(outputRoot.fsPath);
  services.log.info(
    `Racing ${settings.raceCandidates} candidates from ${document.uri.fsPath || document.uri.toString()} with ${settings.model} into ${outputRoot.fsPath}, ${testCommand ? `scored by "${testCommand}"` : 'scored by the contract check'}.`,
  );
  const report = await raceUnderProgress(services, {
    contract,
    contractUri: document.uri,
    outputRoot,
    settings,
    key: key.key,
    testCommand,
    noTests,
    client,
    record,
    abort,
    baselineRan: known && !known.stale ? testsRan(known.report) : undefined,
  });
  if (noTests) report.notices.unshift(noTests);
  services.noteAnswer(document.uri, Math.max(0, ...report.candidates.map((c) => c.usage?.completion_tokens ?? 0)));
  logCandidates(services, report, !!testCommand);
  if (report.landed)
    await finishRun(services, { contractUri: document.uri, outputRoot }, record, report.landed, report.costUsd);
  else services.addCost(report.costUsd);
  const view =
    report.cancelled || report.candidates.length === 0
      ? undefined
      : new RaceComparison(services, documents, {
          report,
          contract: document.uri,
          root: outputRoot,
          hadTests: !!testCommand,
          policy: settings.overwrite,
          deny: settings.denyPatterns,
        });
  void announce(services, report, outputRoot, key.key, !!testCommand);
  return { report, view };
}

interface RaceRun {
  contract: string;
  contractUri: vscode.Uri;
  outputRoot: vscode.Uri;
  settings: TurboSettings;
  key: string;
  testCommand: string | undefined;
  noTests: string | undefined;
  client: ModelClient;
  record: GenerationRecord;
  abort: AbortController;
  baselineRan: number | undefined;
}

/** The engine's race under a cancellable notification that shows each candidate's state. */
async function raceUnderProgress(services: Services, run: RaceRun): Promise<RaceReport> {
  const { contract, outputRoot, settings, key, testCommand, noTests, client, record, abort } = run;
  const { race } = await import('../../core/race/race');
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Turbo: Race', cancellable: true },
    (progress, token) => {
      const shown = throttle(
        (c: CandidateProgress[]) => progress.report({ message: safeInline(progressLine(c)) }),
        PROGRESS_INTERVAL_MS,
      );
      const say = (message: string) => {
        services.log.info(message);
        shown.drop();
        progress.report({ message: safeInline(message) });
      };
      if (noTests) say(noTests);
      progress.report({ message: `Sending ${settings.raceCandidates} requests to ${settings.model}…` });
      return abortingOnCancel(token, abort, () =>
        race({
          client,
          contract,
          folder: outputRoot.fsPath,
          candidates: settings.raceCandidates,
          testCommand,
          testTimeoutMs: settings.testTimeoutMs,
          denyEnv: settings.testEnvDeny,
          secrets: [key],
          deny: settings.denyPatterns,
          protectedPaths: settings.protectedPaths,
          baselineRan: run.baselineRan,
          readFile: readAsEditor,
          sink: workspaceSink(services, { outputRoot, settings, signal: abort.signal, onNotice: say }, record),
          signal: abort.signal,
          model: settings.model,
          maxCompletionTokens: services.completionTokensFor(contract, run.contractUri, settings.maxCompletionTokens),
          maxContinuations: settings.maxContinuations,
          temperature: settings.temperature,
          reasoningEffort: settings.reasoningEffort,
          onProgress: shown.push,
          onNotice: say,
        }).finally(() => shown.drop()),
      );
    },
  );
  return report;
}

function logCandidates(services: Services, report: RaceReport, hadTests: boolean): void {
  for (const c of report.candidates)
    services.log.info(
      `Candidate ${c.candidate}: ${c.green ? 'green' : 'not green'}, ${verdictText(c, hadTests)}, ${count(c.lines, 'line')}, ${c.durationMs} ms${c.refused.length ? `, refused ${c.refused.map((r) => (r.reason.startsWith(r.path) ? r.reason : `${r.path} (${r.reason})`)).join(', ')}` : ''}.`,
    );
  services.log.info(
    `Race finished in ${report.durationMs} ms: ${report.ran} of ${report.asked} candidates ran; winner ${report.winner ?? 'none'}${report.green ? ' (green)' : ''}.`,
  );
}

/** The race's outcome in a notification: who won and how, or why nothing landed. */
async function announce(
  services: Services,
  report: RaceReport,
  root: vscode.Uri,
  key: string,
  hadTests: boolean,
): Promise<void> {
  const folder = vscode.workspace.asRelativePath(root, false);
  const openLog = 'Open Log';
  if (report.cancelled) {
    void vscode.window.showInformationMessage(
      `Turbo: race cancelled. ${folder} was left as it was; the candidates' scratch copies were removed.`,
    );
    return;
  }
  const winner = report.candidates.find((c) => c.candidate === report.winner);
  if (!winner) {
    const why = report.error ?? report.candidates.find((c) => c.error)?.error ?? 'no candidate produced files';
    const answer = await vscode.window.showErrorMessage(
      safeText(`Turbo: the race wrote nothing into ${folder}: ${redactSecrets(why, key)}`),
      openLog,
    );
    if (answer === openLog) services.log.show();
    return;
  }
  const how = `candidate ${winner.candidate} of ${report.ran} (${verdictText(winner, hadTests)})`;
  const notWritten = report.landed?.rejected ?? [];
  if (notWritten.length > 0) {
    const which = notWritten.map((r) => `${r.path} (${r.reason})`).join(', ');
    const answer = await vscode.window.showWarningMessage(
      safeText(
        `Turbo: ${how} ${report.green ? 'won' : 'was the best'}, but not all of it is in ${folder}: not written ${which}.`,
      ),
      openLog,
    );
    if (answer === openLog) services.log.show();
    return;
  }
  if (report.green) {
    void vscode.window.showInformationMessage(safeText(`Turbo: ${how} won and is in ${folder}.`));
    return;
  }
  const fix = 'Fix Until Green';
  const buttons = hadTests ? [fix, openLog] : [openLog];
  const answer = await vscode.window.showWarningMessage(
    safeText(`Turbo: no candidate is green; the best, ${how}, is in ${folder}.`),
    ...buttons,
  );
  if (answer === fix) await vscode.commands.executeCommand('turbo.fixUntilGreen', root);
  else if (answer === openLog) services.log.show();
}
