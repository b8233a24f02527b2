import * as path from 'node:path';
import * as vscode from 'vscode';
import { redactSecrets, TurboError } from '../../core/errors';
import { formatCost } from '../../core/generation/models';
import type { FixAttempt, FixLoopReport, TestReport } from '../../core/testing/loop';
import type { TestFailure } from '../../core/testing/parsers';
import { countsText, displayPath, OUTCOME_TEXT } from '../../core/testing/report';
import { safeInline, safeText } from '../../core/terminalText';
import { readSettings, refuseOnBadSettings } from '../config';
import type { GenerationRecord } from '../generationHistory';
import type { Services } from '../services';
import { readAsEditor, recordingApply } from './applyChanges';
import type { FolderState, TestingService } from './service';

const SHOW_DIFF = 'Show Diff';
const UNDO = 'Undo';
const FIX_ACTIONS = [SHOW_DIFF, UNDO];

/**
 * The fix flows of the testing service: "Fix with Turbo", "Fix All Failures" and "Fix Until Green". Each
 * acts on a current report (re-running the tests when files changed since), records what it changed
 * so it can be reviewed and undone, and re-runs the tests after.
 */
export class TestFixer {
  constructor(
    private readonly tests: TestingService,
    private readonly services: Services,
  ) {}

  /** The contract of the last generation when it wrote into (or around) this folder. */
  private async contractFor(folder: string): Promise<string | undefined> {
    const run = this.services.lastRun;
    if (!run?.contract) return undefined;
    const root = run.outputRoot.fsPath;
    const related = (a: string, b: string) => a === b || !path.relative(a, b).startsWith('..');
    if (!related(root, folder) && !related(folder, root)) return undefined;
    return readAsEditor(run.contract.fsPath);
  }

  private async fixContext(folder: string, signal: AbortSignal, record: GenerationRecord) {
    const key = await this.services.keys.get();
    if (!key) {
      const set = 'Set API Key';
      void vscode.window
        .showErrorMessage('Turbo needs a Cerebras API key to fix tests.', set)
        .then((b) => b === set && vscode.commands.executeCommand('turbo.setApiKey'));
      return undefined;
    }
    const settings = readSettings(vscode.Uri.file(folder));
    if (refuseOnBadSettings(settings)) return undefined;
    const client = await this.services.clientFor(key.key, settings);
    return {
      key: key.key,
      ctx: {
        client,
        root: folder,
        contract: await this.contractFor(folder),
        signal,
        model: settings.model,
        temperature: settings.temperature,
        reasoningEffort: settings.reasoningEffort,
        deny: settings.denyPatterns,
        readFile: readAsEditor,
        applyChanges: recordingApply(record, settings.previewBeforeWrite, (m) => this.services.log.info(m)),
      },
    };
  }

  /** "Fix with Turbo" on one failure, or "Fix All Failures": one model request, then a re-run. */
  async fix(
    folder: string | undefined,
    only?: TestFailure,
  ): Promise<{ attempt: FixAttempt; report: TestReport } | undefined> {
    folder ??= this.tests.last;
    const state = folder ? this.tests.folders.get(folder) : undefined;
    if (!folder || !state || state.report.failures.length === 0) {
      void vscode.window.showInformationMessage('Turbo: no test failures to fix. Run the tests first.');
      return undefined;
    }
    const target = folder;
    return this.tests.exclusive((abort) =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Turbo', cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          const record = this.services.history.begin('fix');
          const made = await this.fixContext(target, abort.signal, record);
          if (!made) return undefined;
          const known = await this.freshReport(state, abort.signal, (message) => progress.report({ message }));
          if (!known) return undefined;
          const failures = only
            ? known.failures.filter((f) => f.test === only.test && f.location.file === only.location.file).slice(0, 1)
            : known.failures;
          if (failures.length === 0) {
            void vscode.window.showInformationMessage(
              safeText(
                `Turbo: files changed since the last run, and ${only ? `"${safeInline(only.test ?? path.basename(only.location.file))}" no longer fails` : 'no test fails now'}. ${countsText(known)}.`,
              ),
            );
            return undefined;
          }
          const label = only
            ? (only.test ?? path.basename(only.location.file))
            : `${failures.length} failure${failures.length === 1 ? '' : 's'}`;
          progress.report({ message: `Asking ${made.ctx.model} to fix ${safeInline(label)}…` });
          const { fixFailures } = await import('../../core/testing/loop');
          let attempt: FixAttempt;
          try {
            attempt = await fixFailures(made.ctx, known, failures);
          } catch (err) {
            this.reportError(err, made.key);
            return undefined;
          } finally {
            this.services.history.commit(record);
          }
          this.services.addCost(attempt.costUsd);
          this.logAttempt(target, 1, attempt);
          if (attempt.changes.length === 0) {
            this.refused(attempt);
            return undefined;
          }
          progress.report({
            message: safeText(
              `Changed ${attempt.changes.map((c) => safeInline(c.file)).join(', ')}; re-running ${state.command}…`,
            ),
          });
          const report = await this.tests.run(target, state.command, abort.signal);
          const before = known.failures.length;
          const after = report.green ? 0 : report.failures.length;
          const text = `${attempt.changes.map((c) => safeInline(c.file)).join(', ')} changed · ${before} → ${after} failing · ${formatCost(attempt.costUsd)}`;
          if (report.green)
            void vscode.window
              .showInformationMessage(`Turbo: all tests pass. ${text}`, ...FIX_ACTIONS)
              .then((b) => this.fixAction(b, record));
          else this.announceAfterFix(report, text, record);
          return { attempt, report };
        },
      ),
    );
  }

  /**
   * The report a fix may act on: the folder's last one, or a new run when files changed since (its
   * failures may be gone or have moved). Undefined when that run was cancelled.
   */
  private async freshReport(
    state: FolderState,
    signal: AbortSignal,
    say: (message: string) => void,
  ): Promise<TestReport | undefined> {
    if (!state.stale) return state.report;
    say(safeText(`Files changed since the last run; running ${state.command} again…`));
    const report = await this.tests.run(state.folder, state.command, signal);
    return report.cancelled ? undefined : report;
  }

  /** "Turbo: Fix Until Green": test → fix → re-test, at most turbo.maxFixRounds rounds. */
  async fixUntilGreen(target?: unknown): Promise<FixLoopReport | undefined> {
    const folder = await this.tests.pickFolder(target);
    if (!folder || refuseOnBadSettings(readSettings(vscode.Uri.file(folder)))) return undefined;
    const command = this.tests.folders.get(folder)?.command ?? (await this.tests.commandFor(folder));
    if (!command) return undefined;
    const settings = readSettings(vscode.Uri.file(folder));
    return this.tests.exclusive((abort) =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Turbo: Fix Until Green', cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          const record = this.services.history.begin('fix');
          const made = await this.fixContext(folder, abort.signal, record);
          if (!made) return undefined;
          const { fixUntilGreen } = await import('../../core/testing/loop');
          let loop: FixLoopReport;
          try {
            loop = await fixUntilGreen({
              ...made.ctx,
              command,
              rounds: settings.maxFixRounds,
              timeoutMs: settings.testTimeoutMs,
              denyEnv: settings.testEnvDeny,
              secrets: [made.key],
              onOutput: (t) => this.tests.output.append(t),
              onProgress: (p) => {
                if (p.phase === 'testing') this.tests.starting.fire(folder);
                progress.report({
                  message: `round ${p.round} of ${p.rounds}${p.failing !== undefined ? ` · ${p.failing} failing` : ''} · ${p.phase === 'testing' ? 'running tests' : `asking ${made.ctx.model}`}`,
                });
              },
              onReport: (report) => {
                void this.tests.show(folder, command, report);
                this.tests.changed.fire(report);
              },
            });
          } catch (err) {
            this.reportError(err, made.key);
            return undefined;
          } finally {
            this.services.history.commit(record);
          }
          await this.tests.show(folder, command, loop.final);
          for (const r of loop.rounds) {
            this.services.addCost(r.costUsd);
            this.logAttempt(folder, r.round, r, `${r.failingBefore} → ${r.failingAfter} failing`);
          }
          const summary = `${OUTCOME_TEXT[loop.outcome]} after ${loop.rounds.length} round${loop.rounds.length === 1 ? '' : 's'} · ${countsText(loop.final)} · ${formatCost(loop.costUsd)}`;
          const details = 'Show Details';
          const show =
            loop.outcome === 'green' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
          const changed = record.created.length + record.overwritten.length > 0;
          void show(`Turbo: ${summary}`, ...(changed ? FIX_ACTIONS : []), details).then((b) =>
            b === details ? this.tests.output.show(true) : this.fixAction(b, record),
          );
          return loop;
        },
      ),
    );
  }

  private logAttempt(
    folder: string,
    round: number,
    attempt: Pick<FixAttempt, 'changes' | 'problems' | 'costUsd' | 'usage'>,
    extra?: string,
  ): void {
    const changed = attempt.changes.length
      ? attempt.changes.map((c) => displayPath(folder, path.join(folder, c.file))).join(', ')
      : 'nothing';
    const tokens = attempt.usage ? ` · ${attempt.usage.prompt_tokens} + ${attempt.usage.completion_tokens} tokens` : '';
    this.tests.output.appendLine(
      `[fix round ${round}${extra ? ` · ${extra}` : ''} · changed ${changed}${tokens} · ${formatCost(attempt.costUsd)}]`,
    );
    for (const p of attempt.problems) this.tests.output.appendLine(`  not applied: ${p}`);
  }

  private refused(attempt: FixAttempt): void {
    const details = 'Show Details';
    void vscode.window
      .showWarningMessage(
        safeText(`Turbo: the model's edits did not apply, so nothing was changed. ${attempt.problems[0] ?? ''}`),
        details,
      )
      .then((b) => b === details && this.tests.output.show(true));
  }

  private announceAfterFix(report: TestReport, text: string, record: GenerationRecord): void {
    const again = 'Fix Until Green';
    void vscode.window
      .showWarningMessage(`Turbo: ${text}. ${countsText(report)}.`, again, ...FIX_ACTIONS)
      .then((b) =>
        b === again
          ? vscode.commands.executeCommand('turbo.fixUntilGreen', vscode.Uri.file(report.cwd))
          : this.fixAction(b, record),
      );
  }

  /** The notification buttons after a fix: its diff, or its undo (checked against later edits). */
  private fixAction(button: string | undefined, record: GenerationRecord): void {
    if (button === SHOW_DIFF) void vscode.commands.executeCommand('turbo.reviewChanges', record);
    if (button === UNDO) void vscode.commands.executeCommand('turbo.revertChanges', record);
  }

  private reportError(err: unknown, key: string): void {
    if (err instanceof TurboError && err.kind === 'cancelled') return;
    if ((err as { name?: string }).name === 'AbortError') return;
    if (err instanceof TurboError && err.kind === 'discarded') {
      this.services.log.info(err.message);
      void vscode.window.showInformationMessage(`Turbo: ${err.message}`);
      return;
    }
    const message = redactSecrets(err instanceof Error ? err.message : String(err), key);
    this.services.log.error(`fix failed: ${message}`);
    void vscode.window.showErrorMessage(safeText(`Turbo: ${message}`));
  }
}
