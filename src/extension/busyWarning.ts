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

export type BusyText = Parameters<typeof warnBusy>[1];

/** What the generation slot says when it is taken (a generation, or a fix that regenerates code). */
export const GENERATING: BusyText = {
  busy: 'Turbo is already generating. Wait for it to finish or cancel it.',
  stop: 'Cancel It',
  finished: 'Turbo: that generation has already finished.',
};

/** True, with the person told, when `slot` is taken: checked before asking anything that may take a while. */
export function warnedBusy(slot: OneAtATime, text: BusyText): boolean {
  if (!slot.running) return false;
  warnBusy(slot, text);
  return true;
}

/** Runs `work` in `slot`, or tells the person the slot is taken (undefined then). */
export async function runOrWarnBusy<T>(
  slot: OneAtATime,
  work: (abort: AbortController) => PromiseLike<T>,
  text: BusyText,
): Promise<T | undefined> {
  const result = await slot.run(work);
  if (result !== 'busy') return result;
  warnBusy(slot, text);
  return undefined;
}
