import * as vscode from 'vscode';
import { count } from './progressText';

export type OverwriteChoice = 'overwrite' | 'skip' | 'discard' | 'cancel';

interface ChoiceItem extends vscode.QuickPickItem {
  choice: OverwriteChoice;
}

/**
 * The one question about files that already exist, asked after the stream: a quick pick that lists
 * them, so the answer never interrupts the stream and can be given from the keyboard. Escape counts
 * as Cancel, which discards the generation (nothing is changed).
 */
export function askAboutExisting(
  paths: string[],
  log: vscode.LogOutputChannel,
  signal?: AbortSignal,
): Promise<OverwriteChoice> {
  const many = paths.length > 1;
  const listed = paths.slice(0, 8).join(', ') + (paths.length > 8 ? ` and ${paths.length - 8} more` : '');
  const items: ChoiceItem[] = [
    {
      choice: 'overwrite',
      label: '$(replace-all) Overwrite All',
      detail: `Replace ${listed}. "Turbo: Undo Last Generation" restores ${many ? 'them' : 'it'}.`,
    },
    {
      choice: 'skip',
      label: '$(debug-step-over) Skip Existing',
      detail: `Keep your ${many ? 'versions' : 'version'}; write only the new files.`,
    },
    {
      choice: 'discard',
      label: '$(close) Cancel',
      detail: 'Discard this generation: the files it already wrote are removed again.',
    },
  ];
  const pick = vscode.window.createQuickPick<ChoiceItem>();
  pick.title = `Turbo: ${paths.length} generated file${many ? 's' : ''} already exist${many ? '' : 's'}`;
  pick.placeholder = listed;
  pick.items = items;
  pick.ignoreFocusOut = true;
  log.info(`Asking about ${count(paths.length, 'existing file')}: ${paths.join(', ')}.`);
  return new Promise((resolve) => {
    let answered = false;
    const finish = (choice: OverwriteChoice) => {
      if (answered) return;
      answered = true;
      log.info(`Existing files: ${choice}.`);
      resolve(choice);
      pick.dispose();
    };
    pick.onDidAccept(() => finish(pick.selectedItems[0]?.choice ?? pick.activeItems[0]?.choice ?? 'discard'));
    pick.onDidHide(() => finish('discard'));
    // Cancel on the progress (or Turbo: Cancel Generation) while the question is open: stop, write nothing more.
    if (signal?.aborted) return finish('cancel');
    signal?.addEventListener('abort', () => finish('cancel'), { once: true });
    pick.show();
  });
}
