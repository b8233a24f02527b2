import * as vscode from 'vscode';
import type { Services } from '../services';

/**
 * "Turbo: Undo Last Generation": deletes what the last generation created and restores what it
 * replaced, from the bytes kept at write time, so it works after the files were saved or edited.
 */
export async function undoLastGeneration(services: Services): Promise<{ removed: number; restored: number } | undefined> {
  const record = services.history.take();
  if (!record) {
    void vscode.window.showInformationMessage('Turbo: there is no generation to undo.');
    return undefined;
  }
  const edit = new vscode.WorkspaceEdit();
  const meta = { label: 'Turbo: undo generation', needsConfirmation: false };
  for (const uri of record.created) edit.deleteFile(uri, { ignoreIfNotExists: true }, meta);
  for (const { uri, previous } of record.overwritten) edit.createFile(uri, { overwrite: true, contents: previous }, meta);
  if (!(await vscode.workspace.applyEdit(edit))) {
    services.history.commit(record);
    void vscode.window.showErrorMessage('Turbo: VS Code could not undo the last generation. See the log for details.', 'Open Log').then((b) => b && services.log.show());
    return undefined;
  }
  // Folders the generation made go too, when nothing else has been put in them since.
  const folders = [...record.createdFolders].sort((a, b) => b.path.length - a.path.length);
  for (const folder of folders) {
    try {
      if ((await vscode.workspace.fs.readDirectory(folder)).length === 0) await vscode.workspace.fs.delete(folder);
    } catch {
      // Already gone, or not ours to remove.
    }
  }
  const result = { removed: record.created.length, restored: record.overwritten.length };
  services.log.info(`Undid the generation of ${record.when.toISOString()}: removed ${result.removed} files, restored ${result.restored}.`);
  void vscode.window.showInformationMessage(`Turbo: removed ${result.removed} generated file(s), restored ${result.restored}.`);
  return result;
}
