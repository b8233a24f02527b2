import * as vscode from 'vscode';
import type { GenerationRecord } from './generationHistory';

/**
 * Puts back what a generation changed: deletes the files it created (and the folders it made, when
 * empty) and restores the files it replaced from the bytes kept at write time.
 */
export async function revertGeneration(record: GenerationRecord): Promise<{ removed: number; restored: number } | undefined> {
  const edit = new vscode.WorkspaceEdit();
  const meta = { label: 'Turbo: undo generation', needsConfirmation: false };
  for (const uri of record.created) edit.deleteFile(uri, { ignoreIfNotExists: true }, meta);
  for (const { uri, previous } of record.overwritten) edit.createFile(uri, { overwrite: true, contents: previous }, meta);
  if (!(await vscode.workspace.applyEdit(edit))) return undefined;
  const folders = [...record.createdFolders].sort((a, b) => b.path.length - a.path.length);
  for (const folder of folders) {
    try {
      if ((await vscode.workspace.fs.readDirectory(folder)).length === 0) await vscode.workspace.fs.delete(folder);
    } catch {
      // Already gone, or not ours to remove.
    }
  }
  return { removed: record.created.length, restored: record.overwritten.length };
}
