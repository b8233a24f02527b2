import * as path from 'node:path';
import * as vscode from 'vscode';
import { conformanceCounts } from '../../core/contract/conformance/report';
import type { ConformanceReport } from '../../core/contract/conformance/types';
import { safeInline } from '../../core/terminalText';
import type { Services } from '../services';
import { conformanceDiagnostics, CONFORMANCE_SOURCE } from './diagnostics';

/** Long enough to let a burst of saves or keystrokes settle; the check itself takes milliseconds. */
const DEBOUNCE_MS = 200;

interface Checked {
  contract: vscode.Uri;
  folder: vscode.Uri;
  report: ConformanceReport | undefined;
  /** Bumped by every check started: only the latest one's answer is shown. */
  run: number;
  abort?: AbortController;
  timer?: ReturnType<typeof setTimeout>;
}

export interface CheckResult {
  report: ConformanceReport;
  folder: vscode.Uri;
  document: vscode.TextDocument;
}

/**
 * The conformance check in the editor: which contracts are checked against which folder, their
 * "turbo-conformance" diagnostics, and the re-checks that keep them current. A contract is checked
 * after every generation from it that wrote files and on demand; after that it is checked again when
 * it changes or when a file under its folder is saved, created or deleted, and forgotten when its
 * editor closes.
 */
export class ConformanceService implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(CONFORMANCE_SOURCE);
  private readonly checked = new Map<string, Checked>();
  /** Contracts that were checked and then closed, with their folder. */
  private readonly dormant = new Map<string, vscode.Uri>();
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires with the contract whose report changed (the CodeLens redraws). */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly services: Services) {
    this.subscriptions = [
      this.collection,
      this.changed,
      services.onDidGenerate((run) => void this.check(run.contract, run.outputRoot).catch(() => undefined)),
      vscode.workspace.onDidChangeTextDocument((e) => this.scheduleContract(e.document.uri)),
      vscode.workspace.onDidSaveTextDocument((d) => this.scheduleFolderOf(d.uri)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.workspace.onDidOpenTextDocument((d) => this.wake(d.uri)),
      vscode.window.tabGroups.onDidChangeTabs((e) => this.followTabs(e)),
    ];
  }

  /** The last report for a contract, and the folder it was checked against. */
  reportFor(contract: vscode.Uri): { report: ConformanceReport; folder: vscode.Uri } | undefined {
    const state = this.checked.get(contract.toString());
    return state?.report ? { report: state.report, folder: state.folder } : undefined;
  }

  /** The folder a contract was last checked against. */
  folderOf(contract: vscode.Uri): vscode.Uri | undefined {
    return this.checked.get(contract.toString())?.folder ?? this.dormant.get(contract.toString());
  }

  /**
   * Checks the contract (its open document's text, saved or not) against the folder now and shows the
   * result; from then on keeps it checked. Throws when the check fails; undefined when a later check
   * or the contract closing overtook it.
   */
  async check(contract: vscode.Uri, folder: vscode.Uri, explicit = true): Promise<CheckResult | undefined> {
    const key = contract.toString();
    this.dormant.delete(key);
    let state = this.checked.get(key);
    if (!state || state.folder.toString() !== folder.toString()) {
      const before = state;
      clearTimeout(before?.timer);
      state = { contract, folder, report: undefined, run: before?.run ?? 0 };
      this.checked.set(key, state);
      // What was found in the other folder says nothing about this one.
      this.collection.delete(contract);
      if (before) this.release(before.folder);
      this.watch(folder);
    }
    return this.run(state, explicit);
  }

  private async run(state: Checked, explicit: boolean): Promise<CheckResult | undefined> {
    clearTimeout(state.timer);
    state.abort?.abort();
    const run = ++state.run;
    const abort = new AbortController();
    state.abort = abort;
    const document = await vscode.workspace.openTextDocument(state.contract);
    const { checkConformance } = await import('../../core/contract/conformance/check');
    let report: ConformanceReport;
    try {
      report = await checkConformance(document.getText(), state.folder.fsPath, { signal: abort.signal });
    } catch (err) {
      // Overtaken by a later check, or the contract closed: nobody waits for this one.
      if (run !== state.run || abort.signal.aborted) return undefined;
      // No report is better than one about code that is no longer there.
      state.report = undefined;
      this.collection.delete(state.contract);
      this.changed.fire(state.contract);
      this.services.log.warn(
        `Could not check ${safeInline(path.basename(state.contract.path))} against the code: ${err instanceof Error ? err.message : String(err)}`,
      );
      throw err;
    }
    if (run !== state.run || this.checked.get(state.contract.toString()) !== state) return undefined;
    state.report = report;
    this.collection.set(state.contract, conformanceDiagnostics(report, document, state.folder));
    this.changed.fire(state.contract);
    const log = explicit ? this.services.log.info : this.services.log.debug;
    log.call(
      this.services.log,
      `Checked ${safeInline(path.basename(state.contract.path))} against ${safeInline(state.folder.fsPath)}: ${conformanceCounts(report)}.`,
    );
    return { report, folder: state.folder, document };
  }

  /** Checks again after a pause: edits and saves come in bursts. */
  private schedule(state: Checked): void {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.run(state, false).catch(() => undefined);
    }, DEBOUNCE_MS);
  }

  private scheduleContract(uri: vscode.Uri): void {
    const state = this.checked.get(uri.toString());
    if (state) this.schedule(state);
  }

  /** A file under a checked folder changed: the contracts checked against that folder are checked again. */
  private scheduleFolderOf(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    for (const state of this.checked.values()) {
      const rel = path.relative(state.folder.fsPath, uri.fsPath);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) this.schedule(state);
    }
  }

  /** One watcher per folder, shared by the contracts checked against it. */
  private watch(folder: vscode.Uri): void {
    const key = folder.toString();
    if (this.watchers.has(key)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
    const changed = (uri: vscode.Uri) => this.scheduleFolderOf(uri);
    this.watchers.set(
      key,
      vscode.Disposable.from(
        watcher,
        watcher.onDidCreate(changed),
        watcher.onDidChange(changed),
        watcher.onDidDelete(changed),
      ),
    );
  }

  /**
   * The contract closed: its diagnostics go, and so does its folder's watcher when no other contract
   * uses it. The folder is remembered: opening the contract again checks it again.
   */
  private forget(contract: vscode.Uri): void {
    const key = contract.toString();
    const state = this.checked.get(key);
    if (!state) return;
    clearTimeout(state.timer);
    state.abort?.abort();
    this.checked.delete(key);
    this.dormant.set(key, state.folder);
    this.collection.delete(contract);
    this.changed.fire(contract);
    this.release(state.folder);
  }

  /** Stops watching a folder no checked contract uses any more. */
  private release(folder: vscode.Uri): void {
    const key = folder.toString();
    if ([...this.checked.values()].some((s) => s.folder.toString() === key)) return;
    this.watchers.get(key)?.dispose();
    this.watchers.delete(key);
  }

  /**
   * A contract whose last tab the person closed counts as closed (VS Code disposes the document itself
   * much later, if at all). A preview tab replaced by the next file opened does not: that is the
   * person going to the code a diagnostic points at, and the diagnostics must stay. A contract opened
   * again is checked again against the folder it was checked against.
   */
  private followTabs(e: vscode.TabChangeEvent): void {
    const uriOf = (tab: vscode.Tab) => (tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined);
    const closed = new Set(e.closed.filter((t) => !t.isPreview).map((t) => uriOf(t)?.toString()));
    if (closed.size > 0) {
      const shown = new Set(vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => uriOf(t)?.toString())));
      for (const state of [...this.checked.values()]) {
        const key = state.contract.toString();
        if (closed.has(key) && !shown.has(key)) this.forget(state.contract);
      }
    }
    for (const tab of e.opened) {
      const uri = uriOf(tab);
      if (uri) this.wake(uri);
    }
  }

  private wake(contract: vscode.Uri): void {
    const folder = this.dormant.get(contract.toString());
    if (folder) void this.check(contract, folder, false).catch(() => undefined);
  }

  dispose(): void {
    for (const state of this.checked.values()) {
      clearTimeout(state.timer);
      state.abort?.abort();
    }
    this.watchers.forEach((w) => w.dispose());
    this.subscriptions.forEach((s) => s.dispose());
  }
}
