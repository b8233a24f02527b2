import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CandidateResult, RaceReport } from '../../core/race/types';
import { safeInline, safeText } from '../../core/terminalText';
import type { OverwritePolicy } from '../../core/generation/choices';
import type { Services } from '../services';
import { count } from '../progressText';
import { readAsEditor } from '../testing/applyChanges';
import { swapCandidate, type CandidateDocuments, type Swap } from './candidateFiles';
import { comparisonHtml, PANEL_ACTIONS, VIEW_TYPE, type ComparisonModel, type PanelAction } from './comparisonHtml';

export interface RaceContext {
  report: RaceReport;
  contract: vscode.Uri;
  root: vscode.Uri;
  hadTests: boolean;
  policy: OverwritePolicy;
  deny: readonly string[];
}

const FOLLOW_DELAY_MS = 150;

/** The view open for each output folder: a new race there replaces it, so no page speaks for an older race. */
const views = new Map<string, RaceComparison>();

/**
 * The comparison view of one race: a webview panel with a row per candidate. Its buttons post
 * messages that land here; the integration suites call the same methods.
 */
export class RaceComparison implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private disposed = false;
  /** The candidate whose files are in the folder now. */
  applied: number | undefined;
  private readonly id: string;
  private readonly subscriptions: vscode.Disposable[] = [];
  private following: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly services: Services,
    private readonly documents: CandidateDocuments,
    private readonly race: RaceContext,
  ) {
    this.applied = race.report.winner;
    this.id = documents.add(race.report);
    const earlier = views.get(race.root.fsPath);
    const column = earlier?.panel.viewColumn;
    earlier?.dispose();
    views.set(race.root.fsPath, this);
    this.panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      `Turbo: Race (${path.basename(race.contract.path)})`,
      { viewColumn: column ?? vscode.ViewColumn.Beside, preserveFocus: false },
      { enableScripts: true, localResourceRoots: [], retainContextWhenHidden: true },
    );
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(race.root, '**/*'));
    const follow = () => this.follow();
    this.subscriptions.push(
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      this.panel.onDidDispose(() => this.dispose()),
      watcher,
      watcher.onDidChange(follow),
      watcher.onDidCreate(follow),
      watcher.onDidDelete(follow),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.fsPath.startsWith(race.root.fsPath + path.sep)) follow();
      }),
    );
    this.render();
    this.follow();
  }

  /**
   * Reads the folder again (soon, once for a burst of changes): an Undo, an edit or a winner that was
   * not written (a file open with unsaved changes) changes which candidate the folder holds.
   */
  follow(): void {
    clearTimeout(this.following);
    this.following = setTimeout(() => void this.refresh(), FOLLOW_DELAY_MS);
  }

  /** Which candidate the folder holds now; re-renders when that changed. Returns it. */
  async refresh(): Promise<number | undefined> {
    const now = await this.holding();
    if (now !== this.applied && !this.disposed) {
      this.applied = now;
      this.render();
    }
    return now;
  }

  /** The candidate whose every file the folder holds (saved), the one applied before first. */
  private async holding(): Promise<number | undefined> {
    const { report, root } = this.race;
    const texts = new Map<string, Promise<string | undefined>>();
    const read = (p: string) => {
      if (!texts.has(p)) texts.set(p, savedText(path.join(root.fsPath, ...p.split('/'))));
      return texts.get(p)!;
    };
    const holds = async (c: CandidateResult) =>
      c.files.length > 0 &&
      (await Promise.all(c.files.map(async (f) => (await read(f.path)) === f.content))).every(Boolean);
    for (const n of new Set([this.applied, report.winner, ...report.candidates.map((c) => c.candidate)])) {
      const c = report.candidates.find((x) => x.candidate === n);
      if (c && (await holds(c))) return n;
    }
    return undefined;
  }

  get model(): ComparisonModel {
    const { report, contract, root, hadTests } = this.race;
    return {
      contract: path.basename(contract.path),
      folder: vscode.workspace.asRelativePath(root, false),
      winner: report.winner,
      applied: this.applied,
      hadTests,
      notices: report.notices,
      candidates: report.candidates,
    };
  }

  private render(): void {
    const nonce = randomBytes(16).toString('base64');
    this.panel.webview.html = comparisonHtml(this.model, { nonce, cspSource: this.panel.webview.cspSource });
  }

  /** Messages come from the page: checked before anything is done with them. */
  private async onMessage(message: unknown): Promise<void> {
    const m = message as { action?: unknown; candidate?: unknown } | undefined;
    const action = PANEL_ACTIONS.find((a) => a === m?.action);
    const n = typeof m?.candidate === 'number' ? m.candidate : NaN;
    if (!action || !this.race.report.candidates.some((c) => c.candidate === n)) {
      this.services.log.warn(`The race view sent a message Turbo does not know: ${safeInline(JSON.stringify(m))}.`);
      return;
    }
    try {
      await this.act(action, n);
    } finally {
      void this.panel.webview.postMessage({ type: 'done' });
    }
  }

  /** What a button does; returns whether it did it. */
  async act(action: PanelAction, n: number): Promise<boolean> {
    if (action === 'diffWinner' || action === 'diffFolder')
      return (
        (await this.documents.openDiff(this.id, this.race.root, n, action === 'diffWinner' ? 'winner' : 'folder')) > 0
      );
    if (action === 'fix') {
      await vscode.commands.executeCommand('turbo.fixUntilGreen', this.race.root);
      return true;
    }
    return this.use(n);
  }

  /** "Use This One Instead": the folder's files become candidate `n`'s, in one undo step. */
  async use(n: number): Promise<boolean> {
    const from = this.applied;
    let swap: Swap;
    try {
      swap = await swapCandidate(this.race.root, this.race.report, from, n, this.race);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.services.log.warn(`Did not swap to candidate ${n}: ${why}.`);
      void vscode.window.showErrorMessage(safeText(`Turbo: candidate ${n} was not applied: ${why}.`));
      return false;
    }
    this.applied = n;
    for (const k of swap.kept) this.services.log.warn(`Swap to candidate ${n}: kept ${k.path} (${k.reason}).`);
    this.services.log.info(
      `Candidate ${n} is in ${this.race.root.fsPath} instead of candidate ${from}: ${swap.changed.join(', ') || 'no file differed'}.`,
    );
    const kept = swap.kept.length ? ` ${count(swap.kept.length, 'file')} kept as they were (see the log).` : '';
    const undo =
      swap.changed.length === 0
        ? ` Its files are the same as ${from === undefined ? "the folder's" : `candidate ${from}'s`}: nothing was changed.`
        : from === undefined
          ? ` Undo in one of its files puts the folder's files back.`
          : ` Undo in one of its files puts candidate ${from} back.`;
    void vscode.window.showInformationMessage(
      safeText(
        `Turbo: candidate ${n} is in the folder now (${count(swap.changed.length, 'file')} changed).${kept}${undo}`,
      ),
    );
    this.render();
    return true;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.following);
    if (views.get(this.race.root.fsPath) === this) views.delete(this.race.root.fsPath);
    this.documents.forget(this.id);
    this.subscriptions.forEach((s) => s.dispose());
    this.subscriptions.length = 0;
    this.panel.dispose();
  }
}

/**
 * A file's text as the tests would read it; undefined while it is open with unsaved changes (an Undo
 * leaves the file unsaved: the editor shows one candidate, the disk holds another).
 */
async function savedText(absPath: string): Promise<string | undefined> {
  const uri = vscode.Uri.file(absPath);
  if (vscode.workspace.textDocuments.some((d) => d.isDirty && d.uri.toString() === uri.toString())) return undefined;
  return readAsEditor(absPath);
}
