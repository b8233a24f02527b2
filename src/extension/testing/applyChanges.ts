import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { FileChange } from '../../core/testing/fix';
import { TurboError } from '../../core/errors';
import { decodeText } from '../../core/testing/fixOnDisk';
import { digest, type GenerationRecord } from '../generationHistory';

/** Reads a file as the editor sees it: an open document's text (unsaved changes included), else the disk. */
export async function readAsEditor(absPath: string): Promise<string | undefined> {
  const uri = vscode.Uri.file(absPath);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    // Strict: bytes that are not UTF-8 would become U+FFFD and be saved so. Undefined here makes the
    // fix refuse the file with the reason. The BOM is dropped, as the document's text drops it.
    const decoded = decodeText(await vscode.workspace.fs.readFile(uri), absPath);
    return decoded.ok ? decoded.text.replace(/^\uFEFF/, '') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Applies a fix as one WorkspaceEdit (one undo step per file), each change as the smallest range
 * that differs, then saves the changed files so the re-run tests see them. With `preview` the edit
 * goes through the Refactor Preview first, where the person can untick changes or discard it.
 */
export async function applyAsWorkspaceEdit(
  changes: FileChange[],
  preview = false,
  log?: (message: string) => void,
): Promise<void> {
  const metadata = { label: 'Turbo: fix', needsConfirmation: preview };
  const edit = new vscode.WorkspaceEdit();
  const documents: vscode.TextDocument[] = [];
  for (const change of changes) {
    const uri = vscode.Uri.file(change.absPath);
    if (change.before === undefined) {
      edit.createFile(uri, { ignoreIfExists: false }, metadata);
      edit.insert(uri, new vscode.Position(0, 0), change.after, metadata);
      continue;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.getText() !== change.before)
      throw new Error(`${change.file} changed while the fix was being made; nothing was applied.`);
    documents.push(document);
    edit.replace(
      uri,
      new vscode.Range(document.positionAt(change.range.start), document.positionAt(change.range.end)),
      change.range.text,
      metadata,
    );
  }
  if (preview)
    log?.(`Showing the fix of ${changes.length} file${changes.length === 1 ? '' : 's'} in the Refactor Preview.`);
  if (await vscode.workspace.applyEdit(edit)) return applied(changes, documents);
  if (preview)
    throw new TurboError(
      'discarded',
      'The fix was not applied: it was discarded, or nothing was ticked, in the Refactor Preview. Nothing was changed.',
    );
  throw new Error('VS Code refused the edit; nothing was applied.');
}

async function applied(changes: FileChange[], documents: vscode.TextDocument[]): Promise<void> {
  for (const change of changes) {
    const document =
      documents.find((d) => d.uri.fsPath === change.absPath) ??
      (await vscode.workspace.openTextDocument(vscode.Uri.file(change.absPath)));
    if (document.isDirty) await document.save();
  }
}

/**
 * applyAsWorkspaceEdit that also keeps, in `record`, each file's bytes before its first change and
 * what it holds after, so the fix can be reviewed and undone like a generation.
 */
export function recordingApply(
  record: GenerationRecord,
  preview = false,
  log?: (message: string) => void,
): (changes: FileChange[]) => Promise<void> {
  return async (changes) => {
    const before = await Promise.all(
      changes.map(async (c) => ({
        c,
        uri: vscode.Uri.file(c.absPath),
        bytes: await fs.readFile(c.absPath).catch(() => undefined),
      })),
    );
    await applyAsWorkspaceEdit(changes, preview, log);
    for (const { uri, bytes } of before) {
      const now = await fs.readFile(uri.fsPath).catch(() => undefined);
      // Unticked in the preview: not changed, so nothing to review or undo.
      if (bytes && now && Buffer.compare(bytes, now) === 0) continue;
      const known =
        record.created.some((u) => u.toString() === uri.toString()) ||
        record.overwritten.some((o) => o.uri.toString() === uri.toString());
      if (!known && bytes) record.overwritten.push({ uri, previous: bytes });
      else if (!known) record.created.push(uri);
      if (now) record.written.set(uri.toString(), digest(now));
    }
  };
}
