import * as path from 'node:path';
import * as vscode from 'vscode';
import { redactSecrets, TurboError } from '../../core/errors';
import { formatCost } from '../../core/models';
import type { FixAttempt, FixLoopReport, TestReport } from '../../core/testLoop';
import type { TestFailure } from '../../core/testParsers';
import { countsText, displayPath, OUTCOME_TEXT } from '../../core/testJson';
import { safeInline, safeText } from '../../core/terminalText';
import { readSettings, refuseOnBadSettings } from '../config';
import { safeTestOutputChannel } from '../safeChannel';
import type { Services } from '../services';
import { applyAsWorkspaceEdit, readAsEditor } from './applyChanges';
import { failureDiagnostics, type FailureDiagnostic } from './diagnostics';

const CONFIRMED_KEY = 'turbo.confirmedTestCommands';

interface FolderState {
  folder: string;
  command: string;
  report: TestReport;
  diagnostics: FailureDiagnostic[];
}

/**
 * The test loop in the editor: runs the tests of a folder, shows failures in the Problems panel
 * ("turbo-tests"), the counts in the status bar and the output in "Turbo Tests", and fixes
 * failures with the model. One run or fix at a time.
 */
export class TestLoop implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('turbo-tests');
  readonly output = safeTestOutputChannel(vscode.window.createOutputChannel('Turbo Tests'));
  private readonly status = vscode.window.createStatusBarItem('turbo.tests', vscode.StatusBarAlignment.Left, 50);
  private readonly folders = new Map<string, FolderState>();
  private last: string | undefined;
  private running: AbortController | undefined;
  private readonly changed = new vscode.EventEmitter<TestReport>();
  /** Fired after every test run with its report (the integration suites listen). */
  readonly onDidRun = this.changed.event;

  constructor(private readonly services: Services) {
    this.status.name = 'Turbo Tests';
    this.status.command = 'turbo.rerunTests';
  }

  /** The failure behind one of our diagnostics, matched by file, range and message. */
  failureFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): { failure: TestFailure; folder: string } | undefined {
    for (const state of this.folders.values()) {
      const hit = state.diagnostics.find((d) => d.uri.toString() === uri.toString() && d.diagnostic.range.isEqual(diagnostic.range) && d.diagnostic.message === diagnostic.message);
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
    const uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined;
    const start = uri ?? vscode.window.activeTextEditor?.document.uri ?? (this.last ? vscode.Uri.file(this.last) : this.services.lastRun?.outputRoot);
    const workspace = start ? vscode.workspace.getWorkspaceFolder(start) : vscode.workspace.workspaceFolders?.[0];
    if (!workspace) {
      const folders = vscode.workspace.workspaceFolders ?? [];
      if (folders.length === 0) {
        void vscode.window.showErrorMessage('Turbo: open a folder to run its tests.');
        return undefined;
      }
      return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Run the tests of which folder?' }))?.uri.fsPath;
    }
    if (readSettings(workspace.uri).testCommand) return workspace.uri.fsPath;
    // The nearest folder between the file and the workspace folder that has a test setup.
    const { detectTestCommand } = await import('../../core/testDetect');
    let dir = start && start.fsPath !== workspace.uri.fsPath ? ((await isDirectory(start)) ? start.fsPath : path.dirname(start.fsPath)) : workspace.uri.fsPath;
    for (;;) {
      if (await detectTestCommand(dir)) return dir;
      if (dir === workspace.uri.fsPath || path.dirname(dir) === dir) return workspace.uri.fsPath;
      dir = path.dirname(dir);
    }
  }

  /** The command for a folder: the setting, or the detected one once the person has confirmed it. */
  async commandFor(folder: string): Promise<string | undefined> {
    const settings = readSettings(vscode.Uri.file(folder));
    if (settings.testCommand) return settings.testCommand;
    const { detectTestCommand } = await import('../../core/testDetect');
    const detected = await detectTestCommand(folder);
    if (!detected) {
      const open = 'Set Test Command';
      void vscode.window
        .showErrorMessage(safeText(`Turbo found no test setup in ${folder} (package.json test script, pytest config, go.mod or Cargo.toml). Set "turbo.testCommand".`), open)
        .then((b) => b === open && vscode.commands.executeCommand('workbench.action.openSettings', 'turbo.testCommand'));
      return undefined;
    }
    const state = this.services.context.workspaceState;
    const confirmed = state.get<Record<string, string>>(CONFIRMED_KEY, {});
    if (confirmed[folder] === detected.command) return detected.command;
    const run: vscode.QuickPickItem = { label: `$(play) Run "${detected.command}"`, detail: `Detected because ${detected.reason}. Turbo will not ask again for this folder.` };
    const other: vscode.QuickPickItem = { label: '$(gear) Use Another Command…', detail: 'Sets turbo.testCommand for this workspace.' };
    this.services.log.info(`Asking to confirm the detected test command "${detected.command}" for ${folder}.`);
    const choice = await vscode.window.showQuickPick([run, other], { title: `Turbo: run tests in ${path.basename(folder)}`, placeHolder: `Run "${detected.command}" in ${folder}?`, ignoreFocusOut: true });
    if (choice === run) {
      await state.update(CONFIRMED_KEY, { ...confirmed, [folder]: detected.command });
      return detected.command;
    }
    if (choice === other) {
      const typed = await vscode.window.showInputBox({ title: 'Turbo: test command', value: detected.command, prompt: `Run in ${folder} by the shell`, ignoreFocusOut: true });
      if (!typed?.trim()) return undefined;
      await vscode.workspace.getConfiguration('turbo', vscode.Uri.file(folder)).update('testCommand', typed.trim(), vscode.ConfigurationTarget.Workspace);
      return typed.trim();
    }
    return undefined;
  }

  /** Claims the one slot for a run or a fix; tells the person when something is already running. */
  private async exclusive<T>(work: (abort: AbortController) => Thenable<T>): Promise<T | undefined> {
    if (this.running) {
      const stop = 'Stop It';
      void vscode.window.showWarningMessage('Turbo is already running tests or a fix.', stop).then((b) => b === stop && this.running?.abort());
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
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Turbo', cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        progress.report({ message: `Running ${safeInline(command)}…` });
        const report = await this.run(folder, command, abort.signal);
        if (options.reveal !== false) this.announce(report);
        return report;
      }),
    );
  }

  /** Runs, parses and shows; used by every command. */
  private async run(folder: string, command: string, signal: AbortSignal): Promise<TestReport> {
    const { runTests } = await import('../../core/testLoop');
    const settings = readSettings(vscode.Uri.file(folder));
    this.status.text = '$(sync~spin) Testing…';
    this.status.tooltip = `Turbo: running ${command} in ${folder}`;
    this.status.show();
    this.output.appendLine(`\n> ${command}   (in ${folder}, ${new Date().toLocaleTimeString()})`);
    // The key from secret storage is not in the environment; should a test print it, it is redacted.
    const key = (await this.services.keys.get())?.key;
    const report = await runTests({ cwd: folder, command, timeoutMs: settings.testTimeoutMs, signal, onOutput: (t) => this.output.append(t), denyEnv: settings.testEnvDeny, secrets: [key] });
    this.output.appendLine(`\n[${report.timedOut ? `timed out after ${settings.testTimeoutMs / 1000} s` : report.cancelled ? 'cancelled' : `exit code ${report.exitCode}`} · ${(report.durationMs / 1000).toFixed(1)} s · ${countsText(report)}]`);
    await this.show(folder, command, report);
    this.changed.fire(report);
    return report;
  }

  private async show(folder: string, command: string, report: TestReport): Promise<void> {
    const previous = this.folders.get(folder);
    for (const d of previous?.diagnostics ?? []) this.collection.delete(d.uri);
    const diagnostics = await failureDiagnostics(report.failures);
    const byUri = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const d of diagnostics) {
      const entry = byUri.get(d.uri.toString()) ?? { uri: d.uri, list: [] };
      entry.list.push(d.diagnostic);
      byUri.set(d.uri.toString(), entry);
    }
    // Other folders' diagnostics in the same files stay.
    for (const { uri, list } of byUri.values()) this.collection.set(uri, [...(this.collection.get(uri) ?? []), ...list]);
    this.folders.set(folder, { folder, command, report, diagnostics });
    this.last = folder;
    this.status.text = report.green ? `✓ ${report.passed ?? ''} passed`.replace('  ', ' ') : report.cancelled ? '$(circle-slash) Tests cancelled' : `✗ ${report.failed || report.failures.length || ''} failed`.replace('  ', ' ');
    this.status.tooltip = `Turbo: ${command} in ${folder}\n${countsText(report)} in ${(report.durationMs / 1000).toFixed(1)} s${report.timedOut ? ' (timed out)' : ''}\nClick to run again.`;
    this.status.backgroundColor = report.green || report.cancelled ? undefined : new vscode.ThemeColor('statusBarItem.errorBackground');
    this.status.show();
  }

  private announce(report: TestReport): void {
    if (report.green || report.cancelled) return;
    const problems = 'Show Problems';
    const fix = 'Fix Until Green';
    const outputButton = 'Show Output';
    if (report.failures.length === 0) {
      const why = report.timedOut ? 'timed out' : `failed (exit code ${report.exitCode})`;
      void vscode.window.showWarningMessage(`Turbo: the tests ${why}, and no failure could be located in the output.`, outputButton).then((b) => b === outputButton && this.output.show(true));
      return;
    }
    void vscode.window.showWarningMessage(`Turbo: ${countsText(report)}.`, fix, problems, outputButton).then((b) => {
      if (b === fix) void vscode.commands.executeCommand('turbo.fixUntilGreen', vscode.Uri.file(report.cwd));
      if (b === problems) void vscode.commands.executeCommand('workbench.actions.view.problems');
      if (b === outputButton) this.output.show(true);
    });
  }

  /** The contract of the last generation when it wrote into (or around) this folder. */
  private async contractFor(folder: string): Promise<string | undefined> {
    const run = this.services.lastRun;
    if (!run?.contract) return undefined;
    const root = run.outputRoot.fsPath;
    const related = (a: string, b: string) => a === b || !path.relative(a, b).startsWith('..');
    if (!related(root, folder) && !related(folder, root)) return undefined;
    return readAsEditor(run.contract.fsPath);
  }

  private async fixContext(folder: string, signal: AbortSignal) {
    const key = await this.services.keys.get();
    if (!key) {
      const set = 'Set API Key';
      void vscode.window.showErrorMessage('Turbo needs a Cerebras API key to fix tests.', set).then((b) => b === set && vscode.commands.executeCommand('turbo.setApiKey'));
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
        applyChanges: applyAsWorkspaceEdit,
      },
    };
  }

  /** "Fix with Turbo" on one failure, or "Fix All Failures": one model request, then a re-run. */
  async fix(folder: string | undefined, only?: TestFailure): Promise<{ attempt: FixAttempt; report: TestReport } | undefined> {
    folder ??= this.last;
    const state = folder ? this.folders.get(folder) : undefined;
    if (!folder || !state || state.report.failures.length === 0) {
      void vscode.window.showInformationMessage('Turbo: no test failures to fix. Run the tests first.');
      return undefined;
    }
    const target = folder;
    return this.exclusive((abort) =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Turbo', cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        const made = await this.fixContext(target, abort.signal);
        if (!made) return undefined;
        const failures = only ? [only] : state.report.failures;
        const label = only ? (only.test ?? path.basename(only.location.file)) : `${failures.length} failure${failures.length === 1 ? '' : 's'}`;
        progress.report({ message: `Asking ${made.ctx.model} to fix ${safeInline(label)}…` });
        const { fixFailures } = await import('../../core/testLoop');
        let attempt: FixAttempt;
        try {
          attempt = await fixFailures(made.ctx, state.report, failures);
        } catch (err) {
          this.reportError(err, made.key);
          return undefined;
        }
        this.services.addCost(attempt.costUsd);
        this.logAttempt(target, 1, attempt);
        if (attempt.changes.length === 0) {
          this.refused(attempt);
          return undefined;
        }
        progress.report({ message: safeText(`Changed ${attempt.changes.map((c) => safeInline(c.file)).join(', ')}; re-running ${state.command}…`) });
        const report = await this.run(target, state.command, abort.signal);
        const before = state.report.failures.length;
        const after = report.green ? 0 : report.failures.length;
        const text = `${attempt.changes.map((c) => safeInline(c.file)).join(', ')} changed · ${before} → ${after} failing · ${formatCost(attempt.costUsd)}`;
        if (report.green) void vscode.window.showInformationMessage(`Turbo: all tests pass. ${text}`);
        else this.announceAfterFix(report, text);
        return { attempt, report };
      }),
    );
  }

  /** "Turbo: Fix Until Green": test → fix → re-test, at most turbo.maxFixRounds rounds. */
  async fixUntilGreen(target?: unknown): Promise<FixLoopReport | undefined> {
    const folder = target === undefined && this.last ? this.last : await this.pickFolder(target);
    if (!folder || refuseOnBadSettings(readSettings(vscode.Uri.file(folder)))) return undefined;
    const command = this.folders.get(folder)?.command ?? (await this.commandFor(folder));
    if (!command) return undefined;
    const settings = readSettings(vscode.Uri.file(folder));
    return this.exclusive((abort) =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Turbo: Fix Until Green', cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        const made = await this.fixContext(folder, abort.signal);
        if (!made) return undefined;
        const { fixUntilGreen } = await import('../../core/testLoop');
        const known = this.folders.get(folder);
        let loop: FixLoopReport;
        try {
          loop = await fixUntilGreen({
            ...made.ctx,
            command,
            rounds: settings.maxFixRounds,
            timeoutMs: settings.testTimeoutMs,
            denyEnv: settings.testEnvDeny,
            secrets: [made.key],
            initial: known && known.command === command && !known.report.cancelled ? known.report : undefined,
            onOutput: (t) => this.output.append(t),
            onProgress: (p) => progress.report({ message: `round ${p.round} of ${p.rounds}${p.failing !== undefined ? ` · ${p.failing} failing` : ''} · ${p.phase === 'testing' ? 'running tests' : `asking ${made.ctx.model}`}` }),
            onReport: (report) => {
              void this.show(folder, command, report);
              this.changed.fire(report);
            },
          });
        } catch (err) {
          this.reportError(err, made.key);
          return undefined;
        }
        await this.show(folder, command, loop.final);
        for (const r of loop.rounds) {
          this.services.addCost(r.costUsd);
          this.logAttempt(folder, r.round, r, `${r.failingBefore} → ${r.failingAfter} failing`);
        }
        const summary = `${OUTCOME_TEXT[loop.outcome]} after ${loop.rounds.length} round${loop.rounds.length === 1 ? '' : 's'} · ${countsText(loop.final)} · ${formatCost(loop.costUsd)}`;
        const details = 'Show Details';
        const show = loop.outcome === 'green' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
        void show(`Turbo: ${summary}`, details).then((b) => b === details && this.output.show(true));
        return loop;
      }),
    );
  }

  private logAttempt(folder: string, round: number, attempt: Pick<FixAttempt, 'changes' | 'problems' | 'costUsd' | 'usage'>, extra?: string): void {
    const changed = attempt.changes.length ? attempt.changes.map((c) => displayPath(folder, path.join(folder, c.file))).join(', ') : 'nothing';
    const tokens = attempt.usage ? ` · ${attempt.usage.prompt_tokens} + ${attempt.usage.completion_tokens} tokens` : '';
    this.output.appendLine(`[fix round ${round}${extra ? ` · ${extra}` : ''} · changed ${changed}${tokens} · ${formatCost(attempt.costUsd)}]`);
    for (const p of attempt.problems) this.output.appendLine(`  not applied: ${p}`);
  }

  private refused(attempt: FixAttempt): void {
    const details = 'Show Details';
    void vscode.window
      .showWarningMessage(safeText(`Turbo: the model's edits did not apply, so nothing was changed. ${attempt.problems[0] ?? ''}`), details)
      .then((b) => b === details && this.output.show(true));
  }

  private announceAfterFix(report: TestReport, text: string): void {
    const again = 'Fix Until Green';
    void vscode.window.showWarningMessage(`Turbo: ${text}. ${countsText(report)}.`, again).then((b) => b === again && vscode.commands.executeCommand('turbo.fixUntilGreen', vscode.Uri.file(report.cwd)));
  }

  private reportError(err: unknown, key: string): void {
    if (err instanceof TurboError && err.kind === 'cancelled') return;
    if ((err as { name?: string }).name === 'AbortError') return;
    const message = redactSecrets(err instanceof Error ? err.message : String(err), key);
    this.services.log.error(`fix failed: ${message}`);
    void vscode.window.showErrorMessage(safeText(`Turbo: ${message}`));
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
    this.changed.dispose();
  }
}

async function isDirectory(uri: vscode.Uri): Promise<boolean> {
  try {
    return (await vscode.workspace.fs.stat(uri)).type === vscode.FileType.Directory;
  } catch {
    return false;
  }
}
