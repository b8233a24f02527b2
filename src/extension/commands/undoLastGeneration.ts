import * as vscode from 'vscode';
import { revertGeneration } from '../revert';
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
  const result = await revertGeneration(record);
  if (!result) {
    services.history.commit(record);
    void vscode.window.showErrorMessage('Turbo: VS Code could not undo the last generation. See the log for details.', 'Open Log').then((b) => b && services.log.show());
    return undefined;
  }
  services.log.info(`Undid the generation of ${record.when.toISOString()}: removed ${result.removed} files, restored ${result.restored}.`);
  void vscode.window.showInformationMessage(`Turbo: removed ${result.removed} generated file(s), restored ${result.restored}.`);
  return result;
}
