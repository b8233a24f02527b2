import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { FileChange } from '../../core/fix';
import { decodeText } from '../../core/fixOnDisk';
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
 * that differs, then saves the changed files so the re-run tests see them.
 */
export async function applyAsWorkspaceEdit(changes: FileChange[]): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  const documents: vscode.TextDocument[] = [];
  for (const change of changes) {
    const uri = vscode.Uri.file(change.absPath);
    if (change.before === undefined) {
      edit.createFile(uri, { ignoreIfExists: false });
      edit.insert(uri, new vscode.Position(0, 0), change.after);
      continue;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.getText() !== change.before) throw new Error(`${change.file} changed while the fix was being made; nothing was applied.`);
    documents.push(document);
    edit.replace(uri, new vscode.Range(document.positionAt(change.range.start), document.positionAt(change.range.end)), change.range.text);
  }
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error('VS Code refused the edit; nothing was applied.');
  for (const change of changes) {
    const document = documents.find((d) => d.uri.fsPath === change.absPath) ?? (await vscode.workspace.openTextDocument(vscode.Uri.file(change.absPath)));
    if (document.isDirty) await document.save();
  }
}

/**
 * applyAsWorkspaceEdit that also keeps, in `record`, each file's bytes before its first change and
 * what it holds after, so the fix can be reviewed and undone like a generation.
 */
export function recordingApply(record: GenerationRecord): (changes: FileChange[]) => Promise<void> {
  return async (changes) => {
    const before = await Promise.all(changes.map(async (c) => ({ c, uri: vscode.Uri.file(c.absPath), bytes: await fs.readFile(c.absPath).catch(() => undefined) })));
    await applyAsWorkspaceEdit(changes);
    for (const { uri, bytes } of before) {
      const known = record.created.some((u) => u.toString() === uri.toString()) || record.overwritten.some((o) => o.uri.toString() === uri.toString());
      if (!known && bytes) record.overwritten.push({ uri, previous: bytes });
      else if (!known) record.created.push(uri);
      record.written.set(uri.toString(), digest(await fs.readFile(uri.fsPath)));
    }
  };
}
