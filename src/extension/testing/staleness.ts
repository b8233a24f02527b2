import * as path from 'node:path';
import * as vscode from 'vscode';

/** Folders that test runs and tools write into; a change there does not make a report stale. */
const TOOL_FOLDERS = new Set([
  'node_modules',
  '.git',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
  'target',
  'coverage',
  '.nyc_output',
  '.vite',
  '.cache',
  '.tox',
  '.venv',
]);
/** Watcher events arrive a little after the change: a run's own writes are ignored until this long after it ends. */
const SETTLE_MS = 1500;

/**
 * Tells when a test report no longer describes the files: any change in a tested folder, on disk
 * (generations, fixes, git, other tools) or in an open document (typing, undo), marks it stale.
 * Changes made by the test run itself (caches, build output) are not counted.
 */
export class Staleness implements vscode.Disposable {
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly quiet = new Map<string, number>();
  private readonly documents: vscode.Disposable;

  constructor(private readonly onStale: (folder: string) => void) {
    this.documents = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && e.document.uri.scheme === 'file') this.changed(e.document.uri.fsPath, true);
    });
  }

  /** Starts watching a folder once it has a report. */
  watch(folder: string): void {
    if (this.watchers.has(folder)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(folder), '**/*'),
    );
    const on = (uri: vscode.Uri) => this.changed(uri.fsPath, false);
    this.watchers.set(
      folder,
      vscode.Disposable.from(watcher, watcher.onDidChange(on), watcher.onDidCreate(on), watcher.onDidDelete(on)),
    );
  }

  /** A run in this folder is under way (until `ended`): the files it writes are its own. */
  running(folder: string): void {
    this.quiet.set(folder, Number.POSITIVE_INFINITY);
  }

  ended(folder: string): void {
    this.quiet.set(folder, Date.now() + SETTLE_MS);
  }

  private changed(file: string, edited: boolean): void {
    for (const folder of this.watchers.keys()) {
      const rel = path.relative(folder, file);
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
      if (rel.split(path.sep).some((segment) => TOOL_FOLDERS.has(segment))) continue;
      // An edit in an open document is the person's (or a fix's), never the run's own output.
      if (!edited && Date.now() < (this.quiet.get(folder) ?? 0)) continue;
      this.onStale(folder);
    }
  }

  dispose(): void {
    this.documents.dispose();
    for (const w of this.watchers.values()) w.dispose();
    this.watchers.clear();
  }
}
