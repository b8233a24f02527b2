import * as path from 'node:path';
import * as vscode from 'vscode';
import { conformanceCounts } from '../../core/contract/conformance/report';
import type { ConformanceReport } from '../../core/contract/conformance/types';
import { safeInline } from '../../core/terminalText';
import { readSettings } from '../config';
import { isContract } from '../contract/documents';
import { configuredFolder } from '../contract/outputFolder';
import type { Services } from '../services';
import { conformanceDiagnostics, CONFORMANCE_SOURCE } from './diagnostics';

/** Long enough to let a burst of saves or keystrokes settle; the check itself takes milliseconds. */
const DEBOUNCE_MS = 200;

/** workspaceState: contract Uri → the folder it was last checked against, so a reload keeps the pairing. */
const FOLDERS_KEY = 'turbo.conformance.folders';

/**
 * A contract checked on opening shows its report only when the code is its code: some files read and
 * some clause met. A folder of unrelated code (or none) would otherwise open as a wall of warnings.
 */
const saysSomething = (report: ConformanceReport) => report.filesRead > 0 && report.met > 0;

interface Checked {
  contract: vscode.Uri;
  folder: vscode.Uri;
  report: ConformanceReport | undefined;
  /** Bumped by every check started: only the latest one's answer is shown. */
  run: number;
  abort?: AbortController;
  timer?: ReturnType<typeof setTimeout>;
  /** Set while a check on opening has shown nothing yet: a report it rejects drops the state. */
  quiet?: (report: ConformanceReport) => boolean;
}

export interface CheckResult {
  report: ConformanceReport;
  folder: vscode.Uri;
  document: vscode.TextDocument;
}

/**
 * The conformance check in the editor: which contracts are checked against which folder, their
 * "turbo-conformance" diagnostics, and the re-checks that keep them current. A contract is checked
 * after every generation from it that wrote files, on demand, and when it opens (shown only when the
 * code is its code); after that it is checked again when it changes or when a file under its folder
 * is saved, created or deleted, and forgotten when its editor closes.
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
      vscode.window.tabGroups.onDidChangeTabs((e) => this.followTabs(e)),
    ];
    // After a reload the contracts are open before Turbo activates: no tab event will come for them.
    for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) this.opened(tab);
  }

  /** The last report for a contract, and the folder it was checked against. */
  reportFor(contract: vscode.Uri): { report: ConformanceReport; folder: vscode.Uri } | undefined {
    const state = this.checked.get(contract.toString());
    return state?.report ? { report: state.report, folder: state.folder } : undefined;
  }

  /** The folder a contract was last checked against, in this window or before a reload. */
  folderOf(contract: vscode.Uri): vscode.Uri | undefined {
    const key = contract.toString();
    const saved = this.services.context.workspaceState.get<Record<string, string>>(FOLDERS_KEY, {})[key];
    return this.checked.get(key)?.folder ?? this.dormant.get(key) ?? (saved ? vscode.Uri.parse(saved) : undefined);
  }

  private remember(state: Checked): void {
    if (state.contract.scheme !== 'file') return;
    const saved = this.services.context.workspaceState.get<Record<string, string>>(FOLDERS_KEY, {});
    const [key, folder] = [state.contract.toString(), state.folder.toString()];
    if (saved[key] !== folder)
      void this.services.context.workspaceState.update(FOLDERS_KEY, { ...saved, [key]: folder });
  }

  /**
   * Checks the contract (its open document's text, saved or not) against the folder now and shows the
   * result; from then on keeps it checked. Throws when the check fails; undefined when a later check
   * or the contract closing overtook it. With `quiet`, a report it rejects is not shown and the contract
   * is left unchecked (a failure too, without throwing).
   */
  async check(
    contract: vscode.Uri,
    folder: vscode.Uri,
    explicit = true,
    quiet?: (report: ConformanceReport) => boolean,
  ): Promise<CheckResult | undefined> {
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
    state.quiet = quiet;
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
      if (state.quiet)
        return this.drop(state, `could not check it: ${err instanceof Error ? err.message : String(err)}`);
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
    if (state.quiet && !state.quiet(report)) return this.drop(state, `${conformanceCounts(report)}; nothing shown`);
    state.quiet = undefined;
    state.report = report;
    this.collection.set(state.contract, conformanceDiagnostics(report, document, state.folder));
    this.changed.fire(state.contract);
    const log = explicit ? this.services.log.info : this.services.log.debug;
    log.call(
      this.services.log,
      `Checked ${safeInline(path.basename(state.contract.path))} against ${safeInline(state.folder.fsPath)}: ${conformanceCounts(report)}.`,
    );
    this.remember(state);
    return { report, folder: state.folder, document };
  }

  /** A check on opening that says nothing about the contract's code: as if it had not run. */
  private drop(state: Checked, why: string): undefined {
    clearTimeout(state.timer);
    this.checked.delete(state.contract.toString());
    this.collection.delete(state.contract);
    this.changed.fire(state.contract);
    this.release(state.folder);
    this.services.log.debug(
      `Opened ${safeInline(path.basename(state.contract.path))}, checked against ${safeInline(state.folder.fsPath)}: ${why}.`,
    );
    return undefined;
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
    for (const tab of e.opened) this.opened(tab);
  }

  /**
   * A contract shown with no check state is checked against the folder it was last checked against,
   * else where Generate would write without asking; shown only when that says something about it.
   */
  private opened(tab: vscode.Tab): void {
    const contract = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
    if (!contract || !['file', 'untitled'].includes(contract.scheme) || this.checked.has(contract.toString())) return;
    void (async () => {
      const key = contract.toString();
      const document =
        vscode.workspace.textDocuments.find((d) => d.uri.toString() === key) ??
        (/\.contract\.md$/i.test(contract.path) ? await vscode.workspace.openTextDocument(contract) : undefined);
      if (!document || !isContract(document)) return;
      const folder = this.folderOf(contract) ?? configuredFolder(document, readSettings(contract).outputDirectory);
      const stat = folder && (await Promise.resolve(vscode.workspace.fs.stat(folder)).catch(() => undefined));
      if (!folder || !stat || !(stat.type & vscode.FileType.Directory) || this.checked.has(key)) return;
      await this.check(contract, folder, false, saysSomething);
    })().catch(() => undefined);
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
