import * as path from 'node:path';
import * as vscode from 'vscode';
import { redactSecrets, TurboError } from '../../core/errors';
import { formatCost } from '../../core/generation/models';
import type { FixAttempt, FixLoopReport, TestReport } from '../../core/testing/loop';
import type { TestFailure } from '../../core/testing/parsers';
import { countsText, displayPath, OUTCOME_TEXT } from '../../core/testing/report';
import { safeInline, safeText } from '../../core/terminalText';
import type { GenerationRecord } from '../generationHistory';

// What the fix flows write to "Turbo Tests" and tell the person in notifications.

const SHOW_DIFF = 'Show Diff';
const UNDO = 'Undo';
const SHOW_DETAILS = 'Show Details';
/** The buttons after a fix that changed files (any fix: of tests, of the contract's clauses). */
export const FIX_ACTIONS = [SHOW_DIFF, UNDO];

/** One fix round in the output channel: what changed, the tokens and the cost, and what did not apply. */
export function logAttempt(
  output: vscode.OutputChannel,
  folder: string,
  round: number,
  attempt: Pick<FixAttempt, 'changes' | 'problems' | 'costUsd' | 'usage'>,
  extra?: string,
): void {
  const changed = attempt.changes.length
    ? attempt.changes.map((c) => displayPath(folder, path.join(folder, c.file))).join(', ')
    : 'nothing';
  const tokens = attempt.usage ? ` · ${attempt.usage.prompt_tokens} + ${attempt.usage.completion_tokens} tokens` : '';
  output.appendLine(
    `[fix round ${round}${extra ? ` · ${extra}` : ''} · changed ${changed}${tokens} · ${formatCost(attempt.costUsd)}]`,
  );
  for (const p of attempt.problems) output.appendLine(`  not applied: ${p}`);
}

/** Files changed since the last run, and what the person asked to fix fails no more. */
export function nothingLeftToFix(known: TestReport, only: TestFailure | undefined): void {
  const what = only
    ? `"${safeInline(only.test ?? path.basename(only.location.file))}" no longer fails`
    : 'no test fails now';
  void vscode.window.showInformationMessage(
    safeText(`Turbo: files changed since the last run, and ${what}. ${countsText(known)}.`),
  );
}

export function refused(output: vscode.OutputChannel, attempt: FixAttempt): void {
  void vscode.window
    .showWarningMessage(
      safeText(`Turbo: the model's edits did not apply, so nothing was changed. ${attempt.problems[0] ?? ''}`),
      SHOW_DETAILS,
    )
    .then((b) => b === SHOW_DETAILS && output.show(true));
}

/** After one fix and its re-run: all green, or what still fails with Fix Until Green offered. */
export function announceFix(
  report: TestReport,
  before: number,
  attempt: FixAttempt,
  record: GenerationRecord,
  /** Why a run that exited 0 is still not green (fewer tests ran than before the fix). */
  notGreenBecause?: string,
): void {
  const after = report.green ? 0 : report.failures.length;
  const text = `${attempt.changes.map((c) => safeInline(c.file)).join(', ')} changed · ${before} → ${after} failing · ${formatCost(attempt.costUsd)}`;
  if (notGreenBecause) {
    void vscode.window
      .showWarningMessage(`Turbo: not green: ${notGreenBecause}. ${text}`, ...FIX_ACTIONS)
      .then((b) => fixAction(b, record));
    return;
  }
  if (report.green) {
    void vscode.window
      .showInformationMessage(`Turbo: all tests pass. ${text}`, ...FIX_ACTIONS)
      .then((b) => fixAction(b, record));
    return;
  }
  const again = 'Fix Until Green';
  void vscode.window
    .showWarningMessage(`Turbo: ${text}. ${countsText(report)}.`, again, ...FIX_ACTIONS)
    .then((b) =>
      b === again
        ? vscode.commands.executeCommand('turbo.fixUntilGreen', vscode.Uri.file(report.cwd))
        : fixAction(b, record),
    );
}

/** Fix Until Green's outcome, with its diff and undo when it changed anything. */
export function announceFixLoop(output: vscode.OutputChannel, loop: FixLoopReport, record: GenerationRecord): void {
  const why = loop.notGreenBecause ? ` (${loop.notGreenBecause})` : '';
  const summary = `${OUTCOME_TEXT[loop.outcome]}${why} after ${loop.rounds.length} round${loop.rounds.length === 1 ? '' : 's'} · ${countsText(loop.final)} · ${formatCost(loop.costUsd)}`;
  const show = loop.outcome === 'green' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const changed = record.created.length + record.overwritten.length > 0;
  void show(`Turbo: ${summary}`, ...(changed ? FIX_ACTIONS : []), SHOW_DETAILS).then((b) =>
    b === SHOW_DETAILS ? output.show(true) : fixAction(b, record),
  );
}

/** The notification buttons after a fix: its diff, or its undo (checked against later edits). */
export function fixAction(button: string | undefined, record: GenerationRecord): void {
  if (button === SHOW_DIFF) void vscode.commands.executeCommand('turbo.reviewChanges', record);
  if (button === UNDO) void vscode.commands.executeCommand('turbo.revertChanges', record);
}

/** A failed fix request: nothing for a cancel, a note for a discarded answer, else the error (key redacted). */
export function reportFixError(log: vscode.LogOutputChannel, err: unknown, key: string): void {
  if (err instanceof TurboError && err.kind === 'cancelled') return;
  if ((err as { name?: string }).name === 'AbortError') return;
  if (err instanceof TurboError && err.kind === 'discarded') {
    log.info(err.message);
    void vscode.window.showInformationMessage(`Turbo: ${err.message}`);
    return;
  }
  const message = redactSecrets(err instanceof Error ? err.message : String(err), key);
  log.error(`fix failed: ${message}`);
  void vscode.window.showErrorMessage(safeText(`Turbo: ${message}`));
}
