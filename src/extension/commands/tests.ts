import * as vscode from 'vscode';
import type { TestingService } from '../testing/service';

/** "Fix with Turbo" from a quick fix: the diagnostic is found again by file, range and message. */
export async function fixFailure(tests: TestingService, uri: unknown, range: unknown, message: unknown) {
  if (!(uri instanceof vscode.Uri) || !(range instanceof vscode.Range) || typeof message !== 'string') {
    void vscode.window.showInformationMessage('Turbo: use "Fix with Turbo" from the quick fixes of a failing test.');
    return undefined;
  }
  const diagnostic = tests.collection.get(uri)?.find((d) => d.range.isEqual(range) && d.message === message);
  const found = diagnostic && tests.failureFor(uri, diagnostic);
  if (!found) {
    void vscode.window.showInformationMessage('Turbo: that failure is gone; the tests have run again since.');
    return undefined;
  }
  return tests.fix(found.folder, found.failure);
}

export function folderArgument(target: unknown): string | undefined {
  return target instanceof vscode.Uri ? target.fsPath : typeof target === 'string' ? target : undefined;
}
