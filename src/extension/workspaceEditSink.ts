import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ParsedFile } from '../core/fileParser';
import { checkRealLocation } from '../core/pathGuard';
import type { FileSink, WriteOutcome } from '../core/sink';
import type { OverwriteSetting } from './config';
import type { GenerationRecord } from './generationHistory';

/**
 * Writes each finished file through `workspace.applyEdit`, so VS Code's file operations, undo
 * stack and open editors all see it. Records what it created and what it replaced for undo.
 */
export class WorkspaceEditSink implements FileSink {
  private readonly written = new Set<string>();
  private decision: 'always' | 'never' | undefined;

  constructor(
    private readonly root: vscode.Uri,
    policy: OverwriteSetting,
    private readonly record: GenerationRecord,
  ) {
    this.decision = policy === 'ask' ? undefined : policy;
  }

  async write(file: ParsedFile): Promise<WriteOutcome> {
    const uri = vscode.Uri.joinPath(this.root, ...file.path.split('/'));
    if (this.root.scheme === 'file') {
      const where = await checkRealLocation(this.root.fsPath, file.path);
      if (!where.ok) return { status: 'rejected', reason: where.reason };
    }
    const stat = await statOrUndefined(uri);
    if (stat && stat.type & vscode.FileType.Directory) return { status: 'rejected', reason: 'a folder has that name' };
    const ours = this.written.has(file.path);
    let previous: Uint8Array | undefined;
    if (stat && !ours) {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (open?.isDirty) return { status: 'skipped', reason: 'open with unsaved changes' };
      if ((await this.overwriteDecision(file.path)) === 'never') return { status: 'skipped', reason: 'file exists (overwrite policy)' };
      previous = uri.scheme === 'file' ? await fs.readFile(uri.fsPath) : await vscode.workspace.fs.readFile(uri);
    }
    const newFolders = stat ? [] : await this.missingFolders(uri);

    const edit = new vscode.WorkspaceEdit();
    edit.createFile(uri, { overwrite: true, contents: new TextEncoder().encode(file.content) }, { label: 'Turbo: generate', needsConfirmation: false });
    if (!(await vscode.workspace.applyEdit(edit))) return { status: 'rejected', reason: 'VS Code refused the edit' };

    this.written.add(file.path);
    if (!ours) {
      if (previous) this.record.overwritten.push({ uri, previous });
      else if (stat === undefined) this.record.created.push(uri);
      this.record.createdFolders.push(...newFolders);
    }
    return { status: previous ? 'overwritten' : 'created' };
  }

  private async overwriteDecision(path: string): Promise<'always' | 'never'> {
    if (this.decision) return this.decision;
    const overwrite = 'Overwrite All';
    const skip = 'Skip Existing';
    const answer = await vscode.window.showWarningMessage(
      `Turbo generated ${path}, which already exists. Replace existing files in this generation?`,
      { modal: true, detail: 'Your choice applies to every existing file this generation writes. "Turbo: Undo Last Generation" restores replaced files.' },
      overwrite,
      skip,
    );
    this.decision = answer === overwrite ? 'always' : 'never';
    return this.decision;
  }

  private async missingFolders(uri: vscode.Uri): Promise<vscode.Uri[]> {
    const missing: vscode.Uri[] = [];
    for (let dir = parent(uri); dir.path.length > this.root.path.length; dir = parent(dir)) {
      if (await statOrUndefined(dir)) break;
      missing.push(dir);
    }
    return missing;
  }
}

function parent(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(uri, '..');
}

type Stat = { type: vscode.FileType };

/**
 * Local files are looked at with Node's fs: through `workspace.fs` each look is a round trip to the
 * workbench, and in a remote window that trip crosses the network. Writes still go through applyEdit.
 */
async function statOrUndefined(uri: vscode.Uri): Promise<Stat | undefined> {
  try {
    if (uri.scheme !== 'file') return await vscode.workspace.fs.stat(uri);
    const st = await fs.lstat(uri.fsPath);
    return { type: st.isDirectory() ? vscode.FileType.Directory : st.isSymbolicLink() ? vscode.FileType.SymbolicLink : vscode.FileType.File };
  } catch {
    return undefined;
  }
}
