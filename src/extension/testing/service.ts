import * as vscode from 'vscode';
import { abortingOnCancel, OneAtATime } from '../../core/oneAtATime';
import type { FixAttempt, FixLoopReport, TestReport } from '../../core/testing/loop';
import type { TestFailure } from '../../core/testing/parsers';
import { countsText } from '../../core/testing/report';
import { safeInline } from '../../core/terminalText';
import { runOrWarnBusy } from '../busyWarning';
import { readSettings, refuseOnBadSettings } from '../config';
import { safeTestOutputChannel } from '../safeChannel';
import type { Services } from '../services';
import { TestFixer } from './fixFlows';
import { replaceFolderDiagnostics, type FailureDiagnostic } from './diagnostics';
import { Staleness } from './staleness';
import { TestStatusItem, type ShownRun } from './statusItem';
import { pickTestFolder, testCommandFor } from './testCommand';

export interface FolderState extends ShownRun {
  diagnostics: FailureDiagnostic[];
}

/**
 * The editor's testing service: runs the tests of a folder, shows failures in the Problems panel
 * ("turbo-tests"), the counts in the status bar and the output in "Turbo Tests", and fixes
 * failures with the model. One run or fix at a time.
 */
export class TestingService implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('turbo-tests');
  readonly output = safeTestOutputChannel(vscode.window.createOutputChannel('Turbo Tests'));
  private readonly status = new TestStatusItem();
  private readonly staleness = new Staleness((folder) => this.markStale(folder));
  /** @internal shared with the fix flows */
  readonly folders = new Map<string, FolderState>();
  /** @internal */
  last: string | undefined;
  /** The one test run or fix under way. */
  private readonly slot = new OneAtATime();
  /** @internal */
  readonly changed = new vscode.EventEmitter<TestReport>();
  /** Fired after every test run with its report (the integration suites listen). */
  readonly onDidRun = this.changed.event;
  /** @internal fired by the fix flows too */
  readonly starting = new vscode.EventEmitter<string>();
  /** Fired with the folder when a run of its tests starts. */
  readonly onDidStart = this.starting.event;
  private readonly staled = new vscode.EventEmitter<string>();
  /** Fired with the folder when its files change after a run: the report is out of date. */
  readonly onDidGoStale = this.staled.event;

  private readonly fixer: TestFixer;

  constructor(private readonly services: Services) {
    this.fixer = new TestFixer(this, services);
  }

  /** Whether the folder's last report still describes its files. */
  isStale(folder: string): boolean {
    return this.folders.get(folder)?.stale ?? false;
  }

  private markStale(folder: string): void {
    const state = this.folders.get(folder);
    if (!state || state.stale) return;
    state.stale = true;
    this.services.log.info(`Files changed in ${folder} since its last test run: the report is out of date.`);
    this.staled.fire(folder);
    if (this.last === folder) this.status.show(state);
  }

  /** The failure behind one of our diagnostics, matched by file, range and message. */
  failureFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): { failure: TestFailure; folder: string } | undefined {
    for (const state of this.folders.values()) {
      const hit = state.diagnostics.find(
        (d) =>
          d.uri.toString() === uri.toString() &&
          d.diagnostic.range.isEqual(diagnostic.range) &&
          d.diagnostic.message === diagnostic.message,
      );
      if (hit) return { failure: hit.failure, folder: state.folder };
    }
    return undefined;
  }

  failuresOf(folder: string): TestFailure[] {
    return this.folders.get(folder)?.report.failures ?? [];
  }

  get lastFolder(): string | undefined {
    return this.last;
  }

  /** Which folder to test: the given one, the one holding the active file, or the one tested last. */
  pickFolder(target?: unknown): Promise<string | undefined> {
    return pickTestFolder(this.services, this.last, target);
  }

  /** The command for a folder: the setting, or the detected one once the person has confirmed it. */
  commandFor(folder: string): Promise<string | undefined> {
    return testCommandFor(this.services, folder);
  }

  /** Claims the one slot for a run or a fix; tells the person when something is already running. */
  async exclusive<T>(work: (abort: AbortController) => PromiseLike<T>): Promise<T | undefined> {
    return runOrWarnBusy(this.slot, work, {
      busy: 'Turbo is already running tests or a fix.',
      stop: 'Stop It',
      finished: 'Turbo: that run has already finished.',
    });
  }

  /** `exclusive` under a notification whose Cancel stops the work. */
  withProgress<T>(
    title: string,
    work: (progress: vscode.Progress<{ message?: string }>, abort: AbortController) => Promise<T>,
  ): Promise<T | undefined> {
    return this.exclusive((abort) =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (progress, token) => abortingOnCancel(token, abort, () => work(progress, abort)),
      ),
    );
  }

  /** "Turbo: Run Tests". Returns the report (for callers and the integration suites). */
  async runTests(target?: unknown, options: { reveal?: boolean } = {}): Promise<TestReport | undefined> {
    const folder = await this.pickFolder(target);
    if (!folder || refuseOnBadSettings(readSettings(vscode.Uri.file(folder)))) return undefined;
    const command = await this.commandFor(folder);
    if (!command) return undefined;
    return this.withProgress('Turbo', async (progress, abort) => {
      progress.report({
        message: `Running ${safeInline(command)} in ${safeInline(vscode.workspace.asRelativePath(folder, false))}…`,
      });
      const report = await this.run(folder, command, abort.signal);
      if (options.reveal !== false) this.announce(report);
      return report;
    });
  }

  /** Runs, parses and shows; used by every command. */
  async run(folder: string, command: string, signal: AbortSignal): Promise<TestReport> {
    const { runTests } = await import('../../core/testing/loop');
    const settings = readSettings(vscode.Uri.file(folder));
    this.status.running(folder, command);
    this.staleness.running(folder);
    this.starting.fire(folder);
    this.output.appendLine(`\n> ${command}   (in ${folder}, ${new Date().toLocaleTimeString()})`);
    // The key from secret storage is not in the environment; should a test print it, it is redacted.
    const key = (await this.services.keys.get())?.key;
    let report: TestReport;
    try {
      report = await runTests({
        cwd: folder,
        command,
        timeoutMs: settings.testTimeoutMs,
        signal,
        onOutput: (t) => this.output.append(t),
        denyEnv: settings.testEnvDeny,
        secrets: [key],
      });
    } finally {
      this.staleness.ended(folder);
    }
    this.output.appendLine(
      `\n[${report.timedOut ? `timed out after ${settings.testTimeoutMs / 1000} s` : report.cancelled ? 'cancelled' : `exit code ${report.exitCode}`} · ${(report.durationMs / 1000).toFixed(1)} s · ${countsText(report)}]`,
    );
    await this.show(folder, command, report);
    this.changed.fire(report);
    return report;
  }

  async show(folder: string, command: string, report: TestReport): Promise<void> {
    const previous = this.folders.get(folder);
    if (report.cancelled) {
      // A cancelled run proves nothing: the last complete run's failures stay where they were.
      this.status.cancelled(previous);
      return;
    }
    const diagnostics = await replaceFolderDiagnostics(this.collection, previous?.diagnostics ?? [], report.failures);
    const state: FolderState = { folder, command, report, diagnostics, stale: false };
    this.folders.set(folder, state);
    this.last = folder;
    this.staleness.watch(folder);
    this.status.show(state);
  }

  private announce(report: TestReport): void {
    if (report.green || report.cancelled) return;
    const problems = 'Show Problems';
    const fix = 'Fix Until Green';
    const outputButton = 'Show Output';
    if (report.failures.length === 0) {
      const why = report.timedOut ? 'timed out' : `failed (exit code ${report.exitCode})`;
      void vscode.window
        .showWarningMessage(`Turbo: the tests ${why}, and no failure could be located in the output.`, outputButton)
        .then((b) => b === outputButton && this.output.show(true));
      return;
    }
    void vscode.window.showWarningMessage(`Turbo: ${countsText(report)}.`, fix, problems, outputButton).then((b) => {
      if (b === fix) void vscode.commands.executeCommand('turbo.fixUntilGreen', vscode.Uri.file(report.cwd));
      if (b === problems) void vscode.commands.executeCommand('workbench.actions.view.problems');
      if (b === outputButton) this.output.show(true);
    });
  }

  /** "Fix with Turbo" on one failure, or "Fix All Failures": one model request, then a re-run. */
  fix(
    folder: string | undefined,
    only?: TestFailure,
  ): Promise<{ attempt: FixAttempt; report: TestReport } | undefined> {
    return this.fixer.fix(folder, only);
  }

  /** "Turbo: Fix Until Green": test → fix → re-test, at most turbo.maxFixRounds rounds. */
  fixUntilGreen(target?: unknown): Promise<FixLoopReport | undefined> {
    return this.fixer.fixUntilGreen(target);
  }

  showOutput(): void {
    this.output.show(true);
  }

  stop(): void {
    this.slot.stop();
  }

  dispose(): void {
    this.slot.stop();
    this.collection.dispose();
    this.output.dispose();
    this.status.dispose();
    this.staleness.dispose();
    this.changed.dispose();
    this.starting.dispose();
    this.staled.dispose();
  }
}
