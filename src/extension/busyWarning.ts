import * as vscode from 'vscode';
import type { OneAtATime } from '../core/oneAtATime';

/**
 * Tells the person that `slot` is taken, with a button that stops the work under way when the
 * message was shown, never a later one (then it says that work has already finished).
 */
export function warnBusy(slot: OneAtATime, text: { busy: string; stop: string; finished: string }): void {
  const shownFor = slot.running;
  void vscode.window.showWarningMessage(text.busy, text.stop).then((button) => {
    if (button !== text.stop) return;
    if (!shownFor || !slot.stopIfStill(shownFor)) void vscode.window.showInformationMessage(text.finished);
  });
}
