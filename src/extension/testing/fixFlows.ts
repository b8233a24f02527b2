import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FixAttempt, FixContext, FixLoopReport, TestReport } from '../../core/testing/loop';
import type { TestFailure } from '../../core/testing/parsers';
import { safeInline, safeText } from '../../core/terminalText';
import { GENERATING, warnedBusy } from '../busyWarning';
import { protectionFor } from '../../core/testing/protectedTests';
import { readSettings, refuseOnBadSettings } from '../config';
import type { GenerationRecord } from '../generationHistory';
import type { Services } from '../services';
import { readAsEditor, recordingApply } from './applyChanges';
import { announceFix, announceFixLoop, logAttempt, nothingLeftToFix, refused, reportFixError } from './fixMessages';
import type { FolderState, TestingService } from './service';

type Say = (message: string) => void;

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

  /** What a fix request needs: the key (to redact from errors) and the engine's context. Undefined without a key. */
  private async fixContext(
    folder: string,
    signal: AbortSignal,
    record: GenerationRecord,
  ): Promise<{ key: string; ctx: FixContext } | undefined> {
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
        protection: await protectionFor(folder, settings.protectedPaths),
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
    // A fix writes files: never beside a generation or a race that writes them too.
    if (warnedBusy(this.services.generation, GENERATING)) return undefined;
    folder ??= this.tests.last;
    const state = folder ? this.tests.folders.get(folder) : undefined;
    if (!state || state.report.failures.length === 0) {
      void vscode.window.showInformationMessage('Turbo: no test failures to fix. Run the tests first.');
      return undefined;
    }
    return this.tests.withProgress('Turbo', async (progress, abort) => {
      const say: Say = (message) => progress.report({ message });
      const record = this.services.history.begin('fix');
      const made = await this.fixContext(state.folder, abort.signal, record);
      if (!made) return undefined;
      const known = await this.freshReport(state, abort.signal, say);
      if (!known) return undefined;
      const failures = only
        ? known.failures.filter((f) => f.test === only.test && f.location.file === only.location.file).slice(0, 1)
        : known.failures;
      if (failures.length === 0) {
        nothingLeftToFix(known, only);
        return undefined;
      }
      const label = only
        ? (only.test ?? path.basename(only.location.file))
        : `${failures.length} failure${failures.length === 1 ? '' : 's'}`;
      say(`Asking ${made.ctx.model} to fix ${safeInline(label)}…`);
      const { fixFailures } = await import('../../core/testing/loop');
      const attempt = await this.ask(made.key, record, () => fixFailures(made.ctx, known, failures));
      if (!attempt) return undefined;
      this.services.addCost(attempt.costUsd);
      logAttempt(this.tests.output, state.folder, 1, attempt);
      if (attempt.changes.length === 0) {
        refused(this.tests.output, attempt);
        return undefined;
      }
      const changed = attempt.changes.map((c) => safeInline(c.file)).join(', ');
      say(safeText(`Changed ${changed}; re-running ${state.command}…`));
      const report = await this.tests.run(state.folder, state.command, abort.signal);
      const { countVerdict, testsRan } = await import('../../core/testing/protectedTests');
      const verdict = countVerdict(report, testsRan(known));
      announceFix(report, known.failures.length, attempt, record, verdict.why);
      return { attempt, report };
    });
  }

  /**
   * The report a fix may act on: the folder's last one, or a new run when files changed since (its
   * failures may be gone or have moved). Undefined when that run was cancelled.
   */
  private async freshReport(state: FolderState, signal: AbortSignal, say: Say): Promise<TestReport | undefined> {
    if (!state.stale) return state.report;
    say(safeText(`Files changed since the last run; running ${state.command} again…`));
    const report = await this.tests.run(state.folder, state.command, signal);
    return report.cancelled ? undefined : report;
  }

  /**
   * Makes the model request of a fix flow; what it wrote is recorded for Review Changes and Undo
   * whether it succeeds or fails. Undefined when it failed (the person has been told).
   */
  private async ask<T>(key: string, record: GenerationRecord, request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await request();
    } catch (err) {
      reportFixError(this.services.log, err, key);
      return undefined;
    } finally {
      this.services.history.commit(record);
    }
  }

  /** "Turbo: Fix Until Green": test → fix → re-test, at most turbo.maxFixRounds rounds. */
  async fixUntilGreen(target?: unknown): Promise<FixLoopReport | undefined> {
    if (warnedBusy(this.services.generation, GENERATING)) return undefined;
    const folder = await this.tests.pickFolder(target);
    if (!folder || refuseOnBadSettings(readSettings(vscode.Uri.file(folder)))) return undefined;
    const command = this.tests.folders.get(folder)?.command ?? (await this.tests.commandFor(folder));
    if (!command) return undefined;
    const settings = readSettings(vscode.Uri.file(folder));
    return this.tests.withProgress('Turbo: Fix Until Green', async (progress, abort) => {
      const record = this.services.history.begin('fix');
      const made = await this.fixContext(folder, abort.signal, record);
      if (!made) return undefined;
      const { fixUntilGreen } = await import('../../core/testing/loop');
      const loop = await this.ask(made.key, record, () =>
        fixUntilGreen({
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
        }),
      );
      if (!loop) return undefined;
      await this.tests.show(folder, command, loop.final);
      for (const r of loop.rounds) {
        this.services.addCost(r.costUsd);
        logAttempt(this.tests.output, folder, r.round, r, `${r.failingBefore} → ${r.failingAfter} failing`);
      }
      announceFixLoop(this.tests.output, loop, record);
      return loop;
    });
  }
}
