import * as vscode from 'vscode';
import { uriExists } from '../uriExists';
import { checkRealLocation } from '../../core/generation/pathGuard';
import type { OverwritePolicy } from '../../core/generation/choices';
import type { RaceReport } from '../../core/race/types';
import { VIEW_TYPE } from './comparisonHtml';

const SCHEME = 'turbo-race';
const METADATA = { label: 'Turbo: use another race candidate', needsConfirmation: false };

/**
 * Serves each candidate's files, kept in memory by the race, as read-only documents
 * (`turbo-race:<real path>?<race>/<candidate>/<path>`), so VS Code's diff editors can show them beside the
 * folder's files without writing anything.
 */
export class CandidateDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly races = new Map<string, RaceReport>();
  private next = 0;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, this);
  // The candidates live in memory only: a comparison view VS Code brings back after a reload has
  // nothing to show, and without a serializer it would leave an empty editor group, so it is closed.
  private readonly restored = vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
    deserializeWebviewPanel: async (panel) => panel.dispose(),
  });

  /** Keeps a race's candidates until `forget`; returns its id. */
  add(report: RaceReport): string {
    const id = String(++this.next);
    this.races.set(id, report);
    return id;
  }

  forget(id: string): void {
    this.races.delete(id);
  }

  /**
   * A candidate's file. Its path is the file's real path and the race, candidate and relative path ride
   * in the query: the diff editor marks a pair whose paths differ as renamed and shows the path's folder.
   */
  uri(id: string, candidate: number, root: vscode.Uri, path: string): vscode.Uri {
    const real = vscode.Uri.joinPath(root, ...path.split('/'));
    return vscode.Uri.from({ scheme: SCHEME, path: real.path, query: `${id}/${candidate}/${path}` });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [id, candidate, ...rest] = uri.query.split('/');
    const path = rest.join('/');
    const report = this.races.get(id);
    const file = report?.candidates.find((c) => String(c.candidate) === candidate)?.files.find((f) => f.path === path);
    return file?.content ?? '';
  }

  /**
   * Opens VS Code's multi-file diff of candidate `n` against the winner (both sides from the race) or
   * against the folder's current files (left: the file on disk, or nothing where there is none).
   */
  async openDiff(id: string, root: vscode.Uri, n: number, against: 'winner' | 'folder'): Promise<number> {
    const report = this.races.get(id);
    const candidate = report?.candidates.find((c) => c.candidate === n);
    if (!report || !candidate) return 0;
    const winner = report.candidates.find((c) => c.candidate === report.winner);
    const paths = [
      ...new Set([
        ...candidate.files.map((f) => f.path),
        ...(against === 'winner' ? (winner?.files ?? []).map((f) => f.path) : []),
      ]),
    ].sort();
    const has = (c: typeof candidate | undefined, p: string) => c?.files.some((f) => f.path === p) ?? false;
    // A side without the file is left out, so the diff marks the file added or deleted.
    const resources: [vscode.Uri, vscode.Uri | undefined, vscode.Uri | undefined][] = [];
    for (const p of paths) {
      const onDisk = vscode.Uri.joinPath(root, ...p.split('/'));
      const left =
        against === 'winner'
          ? has(winner, p)
            ? this.uri(id, winner!.candidate, root, p)
            : undefined
          : (await uriExists(onDisk))
            ? onDisk
            : undefined;
      resources.push([onDisk, left, has(candidate, p) ? this.uri(id, n, root, p) : undefined]);
    }
    const title =
      against === 'winner'
        ? `Turbo: candidate ${n} against the winner, candidate ${report.winner}`
        : `Turbo: candidate ${n} against the folder`;
    await vscode.commands.executeCommand('vscode.changes', title, resources);
    return resources.length;
  }

  dispose(): void {
    this.registration.dispose();
    this.restored.dispose();
    this.races.clear();
  }
}

export interface Swap {
  changed: string[];
  /** Paths left as they are, with why (the deny list, turbo.overwrite "never"). */
  kept: { path: string; reason: string }[];
}

/**
 * Puts candidate `to`'s files in the folder where candidate `from`'s are, as ONE WorkspaceEdit, so
 * one Undo puts `from` back: files `to` has get its text; files only `from` has get what the folder
 * held before the race (`report.original`), which removes the ones the race created. Files that
 * existed get a text change (their undo restores the text), others a file operation. Throws, with
 * nothing changed, when a file is open with unsaved changes.
 */
export async function swapCandidate(
  root: vscode.Uri,
  report: RaceReport,
  from: number | undefined,
  to: number,
  guard: { policy: OverwritePolicy; deny: readonly string[] },
): Promise<Swap> {
  const target = report.candidates.find((c) => c.candidate === to);
  if (!target) throw new Error(`there is no candidate ${to}`);
  const current = report.candidates.find((c) => c.candidate === from);
  const wanted = new Map<string, string | null>();
  for (const f of current?.files ?? []) if (f.path in report.original) wanted.set(f.path, report.original[f.path]);
  for (const f of target.files) wanted.set(f.path, f.content);
  const edit = new vscode.WorkspaceEdit();
  const swap: Swap = { changed: [], kept: [] };
  const edited: vscode.TextDocument[] = [];
  for (const [path, text] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
    const where = await checkRealLocation(root.fsPath, path, undefined, guard.deny);
    if (!where.ok) {
      swap.kept.push({ path, reason: where.reason });
      continue;
    }
    const before = report.original[path];
    if (guard.policy === 'never' && typeof before === 'string' && text !== before) {
      swap.kept.push({ path, reason: 'existed before the race, and turbo.overwrite is "never"' });
      continue;
    }
    const uri = vscode.Uri.joinPath(root, ...path.split('/'));
    const document = (await uriExists(uri)) ? await vscode.workspace.openTextDocument(uri) : undefined;
    if (document?.isDirty) throw new Error(`${path} is open with unsaved changes: save or revert it first`);
    if ((document?.getText() ?? null) === text) continue;
    swap.changed.push(path);
    if (text === null) edit.deleteFile(uri, { ignoreIfNotExists: true }, METADATA);
    else if (!document) edit.createFile(uri, { contents: new TextEncoder().encode(text) }, METADATA);
    else {
      edited.push(document);
      const whole = new vscode.Range(new vscode.Position(0, 0), document.positionAt(document.getText().length));
      edit.replace(uri, whole, text, METADATA);
    }
  }
  if (swap.changed.length === 0) return swap;
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error('VS Code refused the edit; nothing was changed');
  // The tests and the person's tools read the disk: the text changes are saved (Undo still restores them).
  for (const document of edited) if (document.isDirty) await document.save();
  return swap;
}
