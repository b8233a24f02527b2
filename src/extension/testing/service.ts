import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FixAttempt, FixLoopReport, TestReport } from '../../core/testing/loop';
import type { TestFailure } from '../../core/testing/parsers';
import { countsText } from '../../core/testing/report';
import { safeInline, safeText } from '../../core/terminalText';
import { openSettingsAt, readSettings, refuseOnBadSettings } from '../config';
import { safeTestOutputChannel } from '../safeChannel';
import type { Services } from '../services';
import { TestFixer } from './fixFlows';
import { failureDiagnostics, type FailureDiagnostic } from './diagnostics';
import { Staleness } from './staleness';
import { TestStatusItem, type ShownRun } from './statusItem';
import { nearestTestFolder } from './testableContext';

const CONFIRMED_KEY = 'turbo.confirmedTestCommands';
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
  private running: AbortController | undefined;
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

  /** Which folder to test: the given one, the last tested, or the one holding the active file. */
  async pickFolder(target?: unknown): Promise<string | undefined> {
    const uri =
      target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined;
    const active = vscode.window.activeTextEditor?.document.uri;
    const fromEditor = !uri && active?.scheme === 'file' ? active : undefined;
    const start = uri ?? fromEditor ?? (this.last ? vscode.Uri.file(this.last) : this.services.lastRun?.outputRoot);
    const workspace = start ? vscode.workspace.getWorkspaceFolder(start) : vscode.workspace.workspaceFolders?.[0];
    if (!workspace) {
      const folders = vscode.workspace.workspaceFolders ?? [];
      if (folders.length === 0) {
        void vscode.window.showErrorMessage('Turbo: open a folder to run its tests.');
        return undefined;
      }
      return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Run the tests of which folder?' }))?.uri
        .fsPath;
    }
    if (readSettings(workspace.uri).testCommand) return workspace.uri.fsPath;
    // The nearest folder between the file and the workspace folder that has a test setup; when the
    // active file (a contract, say) is in none, the folder tested last.
    const dir =
      start && start.fsPath !== workspace.uri.fsPath
        ? (await isDirectory(start))
          ? start.fsPath
          : path.dirname(start.fsPath)
        : workspace.uri.fsPath;
    return (await nearestTestFolder(dir, workspace.uri.fsPath)) ?? ((fromEditor && this.last) || workspace.uri.fsPath);
  }

  /** The command for a folder: the setting, or the detected one once the person has confirmed it. */
  async commandFor(folder: string): Promise<string | undefined> {
    const settings = readSettings(vscode.Uri.file(folder));
    if (settings.testCommand) return settings.testCommand;
    const { detectTestCommand } = await import('../../core/testing/detect');
    const detected = await detectTestCommand(folder);
    if (!detected) {
      const open = 'Set Test Command';
      void vscode.window
        .showErrorMessage(
          safeText(
            `Turbo found no test setup in ${folder} (package.json test script, pytest config, go.mod or Cargo.toml). Set "turbo.testCommand".`,
          ),
          open,
        )
        .then((b) => b === open && openSettingsAt('turbo.testCommand', vscode.Uri.file(folder), 'workspace'));
      return undefined;
    }
    const state = this.services.context.workspaceState;
    const confirmed = state.get<Record<string, string>>(CONFIRMED_KEY, {});
    if (confirmed[folder] === detected.command) return detected.command;
    const run: vscode.QuickPickItem = {
      label: `$(play) Run "${detected.command}"`,
      detail: `Detected because ${detected.reason}. Turbo will not ask again for this folder.`,
    };
    const other: vscode.QuickPickItem = {
      label: '$(gear) Use Another Command…',
      detail: 'Sets turbo.testCommand for this workspace.',
    };
    this.services.log.info(`Asking to confirm the detected test command "${detected.command}" for ${folder}.`);
    const choice = await vscode.window.showQuickPick([run, other], {
      title: `Turbo: run tests in ${path.basename(folder)}`,
      placeHolder: `Run "${detected.command}" in ${folder}?`,
      ignoreFocusOut: true,
    });
    if (choice === run) {
      await state.update(CONFIRMED_KEY, { ...confirmed, [folder]: detected.command });
      return detected.command;
    }
    if (choice === other) {
      const typed = await vscode.window.showInputBox({
        title: 'Turbo: test command',
        value: detected.command,
        prompt: `Run in ${folder} by the shell`,
        ignoreFocusOut: true,
      });
      if (!typed?.trim()) return undefined;
      await vscode.workspace
        .getConfiguration('turbo', vscode.Uri.file(folder))
        .update('testCommand', typed.trim(), vscode.ConfigurationTarget.Workspace);
      return typed.trim();
    }
    return undefined;
  }

  /** Claims the one slot for a run or a fix; tells the person when something is already running. */
  async exclusive<T>(work: (abort: AbortController) => Thenable<T>): Promise<T | undefined> {
    if (this.running) {
      const stop = 'Stop It';
      // The button stops the run that was under way when it was shown, never a later one.
      const busy = this.running;
      void vscode.window.showWarningMessage('Turbo is already running tests or a fix.', stop).then((b) => {
        if (b !== stop) return;
        if (busy.signal.aborted || this.running !== busy)
          void vscode.window.showInformationMessage('Turbo: that run has already finished.');
        else busy.abort();
      });
      return undefined;
    }
    const abort = new AbortController();
    this.running = abort;
    try {
      return await work(abort);
    } finally {
      this.running = undefined;
    }
  }

  /** "Turbo: Run Tests". Returns the report (for callers and the integration suites). */
  async runTests(target?: unknown, options: { reveal?: boolean } = {}): Promise<TestReport | undefined> {
    const folder = await this.pickFolder(target);
    if (!folder || refuseOnBadSettings(readSettings(vscode.Uri.file(folder)))) return undefined;
    const command = await this.commandFor(folder);
    if (!command) return undefined;
    return this.exclusive((abort) =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Turbo', cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          progress.report({
            message: `Running ${safeInline(command)} in ${safeInline(vscode.workspace.asRelativePath(folder, false))}…`,
          });
          const report = await this.run(folder, command, abort.signal);
          if (options.reveal !== false) this.announce(report);
          return report;
        },
      ),
    );
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
    for (const d of previous?.diagnostics ?? []) this.collection.delete(d.uri);
    const diagnostics = await failureDiagnostics(report.failures);
    const byUri = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const d of diagnostics) {
      const entry = byUri.get(d.uri.toString()) ?? { uri: d.uri, list: [] };
      entry.list.push(d.diagnostic);
      byUri.set(d.uri.toString(), entry);
    }
    // Other folders' diagnostics in the same files stay.
    for (const { uri, list } of byUri.values())
      this.collection.set(uri, [...(this.collection.get(uri) ?? []), ...list]);
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
    this.running?.abort();
  }

  dispose(): void {
    this.running?.abort();
    this.collection.dispose();
    this.output.dispose();
    this.status.dispose();
    this.staleness.dispose();
    this.changed.dispose();
    this.starting.dispose();
    this.staled.dispose();
  }
}

async function isDirectory(uri: vscode.Uri): Promise<boolean> {
  try {
    return (await vscode.workspace.fs.stat(uri)).type === vscode.FileType.Directory;
  } catch {
    return false;
  }
}
