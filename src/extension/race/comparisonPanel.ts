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

/** Changes come in bursts (a save, a swap of several files): one look after they settle. */
const RECHECK_MS = 300;

export interface RaceContext {
  report: RaceReport;
  contract: vscode.Uri;
  root: vscode.Uri;
  hadTests: boolean;
  policy: OverwritePolicy;
  deny: readonly string[];
}

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
    this.subscriptions.push(
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      this.panel.onDidDispose(() => this.dispose()),
      ...this.watchFolder(),
    );
    this.render();
    // The winner may not be in the folder at all (a file open with unsaved changes is never replaced).
    this.recheckSoon();
  }

  /**
   * The view must not say "applied" about files that changed since (an Undo, an edit, git): each change
   * to a candidate's path makes it look again at which candidate, if any, the folder holds.
   */
  private watchFolder(): vscode.Disposable[] {
    const paths = new Set(this.race.report.candidates.flatMap((c) => c.files.map((f) => f.path)));
    const touches = (uri: vscode.Uri) => {
      const rel = path.relative(this.race.root.fsPath, uri.fsPath).split(path.sep).join('/');
      if (paths.has(rel)) this.recheckSoon();
    };
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.race.root, '**/*'));
    return [
      watcher,
      watcher.onDidChange(touches),
      watcher.onDidCreate(touches),
      watcher.onDidDelete(touches),
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && touches(e.document.uri)),
      { dispose: () => clearTimeout(this.recheckTimer) },
    ];
  }

  private recheckTimer: ReturnType<typeof setTimeout> | undefined;

  private recheckSoon(): void {
    clearTimeout(this.recheckTimer);
    this.recheckTimer = setTimeout(() => void this.recheck(), RECHECK_MS);
  }

  /**
   * The candidate whose every file the folder holds as written and saved (the one applied before first,
   * then the winner), else undefined; re-renders when that changed.
   */
  async recheck(): Promise<number | undefined> {
    const { report, root } = this.race;
    const texts = new Map<string, Promise<string | undefined>>();
    const read = (p: string) => {
      if (!texts.has(p)) texts.set(p, savedText(path.join(root.fsPath, ...p.split('/'))));
      return texts.get(p)!;
    };
    const holds = async (c: CandidateResult) =>
      c.files.length > 0 &&
      (await Promise.all(c.files.map(async (f) => (await read(f.path)) === f.content))).every(Boolean);
    let found: number | undefined;
    for (const n of new Set([this.applied, report.winner, ...report.candidates.map((c) => c.candidate)])) {
      const c = report.candidates.find((x) => x.candidate === n);
      if (c && (await holds(c))) {
        found = n;
        break;
      }
    }
    if (found !== this.applied && !this.disposed) {
      this.applied = found;
      this.render();
    }
    return found;
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
    // A folder that holds no candidate as written is swapped from the winner: its files are the ones to take back.
    const from = this.applied ?? this.race.report.winner;
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
      `Candidate ${n} is in ${this.race.root.fsPath}${from === undefined ? '' : ` instead of candidate ${from}`}: ${swap.changed.join(', ') || 'no file differed'}.`,
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
    clearTimeout(this.recheckTimer);
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
