import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { digest, type GenerationRecord } from './generationHistory';

export interface Reverted {
  removed: number;
  restored: number;
  /** Files left as they are: changed since the generation or fix, and the person chose to keep them. */
  kept: vscode.Uri[];
}

/** Every file a record touched. */
export const recordedFiles = (record: GenerationRecord): vscode.Uri[] => [
  ...record.created,
  ...record.overwritten.map((o) => o.uri),
];

/**
 * The files whose content is no longer what the generation or fix wrote: edited and saved, edited
 * and not saved yet, or deleted. A created file that is gone again is not counted: there is nothing to undo.
 */
export async function changedSince(record: GenerationRecord): Promise<vscode.Uri[]> {
  const changed: vscode.Uri[] = [];
  for (const uri of recordedFiles(record)) {
    const now = await currentBytes(uri);
    const created = record.created.some((c) => c.toString() === uri.toString());
    if (now === undefined ? !created : digest(now) !== record.written.get(uri.toString())) changed.push(uri);
  }
  return changed;
}

/**
 * Puts back what a generation or fix changed: deletes the files it created (and the folders it made,
 * when empty) and restores the files it replaced from the bytes kept at write time. Files in `keep`
 * are left alone. One WorkspaceEdit, so open editors follow.
 */
export async function revertGeneration(
  record: GenerationRecord,
  keep: readonly vscode.Uri[] = [],
): Promise<Reverted | undefined> {
  const kept = new Set(keep.map((u) => u.toString()));
  const edit = new vscode.WorkspaceEdit();
  const meta = { label: 'Turbo: undo generation', needsConfirmation: false };
  const created = record.created.filter((u) => !kept.has(u.toString()));
  const overwritten = record.overwritten.filter((o) => !kept.has(o.uri.toString()));
  for (const uri of created) edit.deleteFile(uri, { ignoreIfNotExists: true }, meta);
  // A document open with unsaved changes gets the old text as an edit (then is saved): replacing the
  // file under it would leave the unsaved text to be saved over the restored file later.
  const dirty: vscode.TextDocument[] = [];
  for (const { uri, previous } of overwritten) {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!open?.isDirty) {
      edit.createFile(uri, { overwrite: true, contents: previous }, meta);
      continue;
    }
    dirty.push(open);
    edit.replace(
      uri,
      new vscode.Range(new vscode.Position(0, 0), open.positionAt(open.getText().length)),
      new TextDecoder().decode(previous),
      meta,
    );
  }
  if (!(await vscode.workspace.applyEdit(edit))) return undefined;
  for (const open of dirty) await open.save();
  const folders = [...record.createdFolders].sort((a, b) => b.path.length - a.path.length);
  for (const folder of folders) {
    try {
      if ((await vscode.workspace.fs.readDirectory(folder)).length === 0) await vscode.workspace.fs.delete(folder);
    } catch {
      // Already gone, or not ours to remove.
    }
  }
  return {
    removed: created.length,
    restored: overwritten.length,
    kept: recordedFiles(record).filter((u) => kept.has(u.toString())),
  };
}

/** The text an open document with unsaved changes shows, else the bytes on disk; undefined when gone. */
async function currentBytes(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) return new TextEncoder().encode(open.getText());
  try {
    return uri.scheme === 'file' ? await fs.readFile(uri.fsPath) : await vscode.workspace.fs.readFile(uri);
  } catch {
    return undefined;
  }
}
