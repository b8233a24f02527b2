import * as vscode from 'vscode';
import { safeInline, safeText } from '../../core/terminalText';
import type { GenerationRecord } from '../generationHistory';
import { changedSince, revertGeneration, type Reverted } from '../revert';
import type { Services } from '../services';
import { count } from '../progressText';

/**
 * "Turbo: Undo Last Generation": deletes what the last generation created and restores what it
 * replaced, from the bytes kept at write time. Files changed since the generation are left alone
 * unless the person says otherwise.
 */
export async function undoLastGeneration(services: Services): Promise<Reverted | undefined> {
  const record = services.history.take();
  if (!record) {
    void vscode.window.showInformationMessage('Turbo: there is no generation to undo.');
    return undefined;
  }
  const result = await undoRecord(services, record, 'generation');
  if (!result) services.history.commit(record);
  return result;
}

/**
 * Reverts a generation or fix after checking each file against what it wrote; asks before touching
 * files changed since. Undefined when the person cancelled or VS Code refused (the record stays).
 */
export async function undoRecord(
  services: Services,
  record: GenerationRecord,
  what: string,
  describe = (r: Reverted) => undoneText(r, what),
): Promise<Reverted | undefined> {
  if (record.undone) {
    void vscode.window.showInformationMessage(`Turbo: that ${what} was already undone.`);
    return undefined;
  }
  const changed = await changedSince(record);
  let keep: vscode.Uri[] = [];
  if (changed.length > 0) {
    const choice = await askAboutChanged(services, changed, what);
    if (!choice) return undefined;
    keep = choice === 'keep' ? changed : [];
  }
  const result = await revertGeneration(record, keep);
  if (!result) {
    void vscode.window
      .showErrorMessage(`Turbo: VS Code could not undo the last ${what}. See the log for details.`, 'Open Log')
      .then((b) => b && services.log.show());
    return undefined;
  }
  services.history.forget(record);
  record.undone = true;
  const text = describe(result);
  services.log.info(text);
  void vscode.window.showInformationMessage(safeText(`Turbo: ${text}`));
  return result;
}

interface ChangedChoice extends vscode.QuickPickItem {
  choice: 'keep' | 'all';
}

/** One question listing the files changed since; Escape undoes nothing. */
async function askAboutChanged(
  services: Services,
  changed: vscode.Uri[],
  what: string,
): Promise<'keep' | 'all' | undefined> {
  const names = changed.map((u) => safeInline(vscode.workspace.asRelativePath(u, false)));
  const listed = names.slice(0, 6).join(', ') + (names.length > 6 ? ` and ${names.length - 6} more` : '');
  const them = changed.length === 1 ? 'it' : 'them';
  services.log.info(`Undo: ${count(changed.length, 'file')} changed since the ${what}: ${names.join(', ')}.`);
  const items: ChangedChoice[] = [
    {
      choice: 'keep',
      label: '$(check) Keep My Changes, Undo the Rest',
      detail: `Leaves ${listed} as ${them === 'it' ? 'it is' : 'they are'} now.`,
    },
    {
      choice: 'all',
      label: '$(discard) Undo Everything',
      detail: `Also puts back ${listed}: what you changed there since the ${what} is lost.`,
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Turbo: ${count(changed.length, 'file')} changed since the ${what}`,
    placeHolder: `Changed since: ${listed}. Escape undoes nothing.`,
    ignoreFocusOut: true,
  });
  return picked?.choice;
}

function undoneText(r: Reverted, what: string): string {
  const done = [
    r.removed > 0 ? `removed ${count(r.removed, 'created file')}` : '',
    r.restored > 0 ? `restored ${count(r.restored, 'replaced file')}` : '',
  ].filter(Boolean);
  const kept =
    r.kept.length > 0
      ? ` Kept ${count(r.kept.length, 'file')} you changed since: ${r.kept.map((u) => vscode.workspace.asRelativePath(u, false)).join(', ')}.`
      : '';
  return `undid the last ${what}: ${done.length ? done.join(' and ') : 'nothing left to undo'}.${kept}`;
}
