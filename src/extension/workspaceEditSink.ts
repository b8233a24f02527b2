import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ParsedFile } from '../core/fileParser';
import { checkRealLocation } from '../core/pathGuard';
import { skippedByCancel, type FileSink, type OverwriteQuestion, type Settlement, type SettledFile, type WriteOutcome } from '../core/sink';
import type { OverwriteSetting } from './config';
import { digest, type GenerationRecord } from './generationHistory';

const METADATA = { label: 'Turbo: generate', needsConfirmation: false };

/**
 * Writes each finished file through `workspace.applyEdit`, so VS Code's file operations, undo
 * stack and open editors all see it, and records what it created and replaced for undo.
 * - `ask`: files that already exist are held back and settled by one question after the stream.
 * - preview: every file is held back and applied as one edit through the Refactor Preview.
 */
export class WorkspaceEditSink implements FileSink {
  private readonly written = new Set<string>();
  private readonly deferred = new Map<string, ParsedFile>();

  constructor(
    private readonly root: vscode.Uri,
    private readonly policy: OverwriteSetting,
    private readonly record: GenerationRecord,
    private readonly preview: boolean,
    private readonly ask: OverwriteQuestion,
    private readonly log?: (message: string) => void,
    /** Also applied to where each file really lands (through links inside the folder). */
    private readonly deny?: readonly string[],
  ) {}

  async write(file: ParsedFile): Promise<WriteOutcome> {
    const target = await this.examine(file);
    if ('status' in target) return target;
    if (this.preview) {
      this.deferred.set(file.path, file);
      return { status: 'deferred' };
    }
    if (target.exists && !this.written.has(file.path)) {
      if (this.policy === 'never') return { status: 'skipped', reason: 'file exists (overwrite policy: never)' };
      if (this.policy === 'ask') {
        this.deferred.set(file.path, file);
        return { status: 'deferred' };
      }
    }
    return this.apply([{ file, uri: target.uri, exists: target.exists }]).then((r) => r[0].outcome);
  }

  async settle(options: { cancelled?: boolean } = {}): Promise<Settlement> {
    const held = [...this.deferred.values()];
    this.deferred.clear();
    if (held.length === 0) return { files: [], discarded: false };
    if (options.cancelled) return skippedByCancel(held);
    // Looked at again: files may have been opened, edited or created while the stream ran.
    const examined = await Promise.all(held.map(async (file) => ({ file, target: await this.examine(file) })));
    const settled: SettledFile[] = [];
    const ready: { file: ParsedFile; uri: vscode.Uri; exists: boolean }[] = [];
    for (const { file, target } of examined) {
      if ('status' in target) settled.push({ file, outcome: target });
      else ready.push({ file, ...target });
    }
    if (this.preview) {
      const kept = this.policy === 'never' ? ready.filter((r) => !r.exists || this.written.has(r.file.path)) : ready;
      for (const r of ready) if (!kept.includes(r)) settled.push({ file: r.file, outcome: { status: 'skipped', reason: 'file exists (overwrite policy: never)' } });
      settled.push(...(await this.applyWithPreview(kept)));
      return { files: settled, discarded: false };
    }
    const existing = ready.filter((r) => r.exists && !this.written.has(r.file.path));
    const answer = existing.length > 0 ? await this.ask(existing.map((r) => r.file.path)) : 'overwrite';
    if (answer !== 'overwrite') {
      const reason = answer === 'discard' ? 'generation discarded' : 'file exists (you chose to skip existing files)';
      for (const r of existing) settled.push({ file: r.file, outcome: { status: 'skipped', reason } });
      const others = ready.filter((r) => !existing.includes(r));
      if (answer === 'skip') settled.push(...(await this.apply(others)));
      return { files: settled, discarded: answer === 'discard' };
    }
    settled.push(...(await this.apply(ready)));
    return { files: settled, discarded: false };
  }

  /** Where the file goes and whether something is there; or why it cannot be written. */
  private async examine(file: ParsedFile): Promise<{ uri: vscode.Uri; exists: boolean } | { status: 'skipped' | 'rejected'; reason: string }> {
    const uri = vscode.Uri.joinPath(this.root, ...file.path.split('/'));
    if (this.root.scheme === 'file') {
      const where = await checkRealLocation(this.root.fsPath, file.path, undefined, this.deny);
      if (!where.ok) return { status: 'rejected', reason: where.reason };
    }
    const stat = await statOrUndefined(uri);
    if (stat && stat.type & vscode.FileType.Directory) return { status: 'rejected', reason: 'a folder has that name' };
    if (stat && !this.written.has(file.path)) {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (open?.isDirty) return { status: 'skipped', reason: 'open with unsaved changes' };
    }
    return { uri, exists: stat !== undefined };
  }

  /** Applies files one edit each, recording for undo what each created or replaced. */
  private async apply(files: { file: ParsedFile; uri: vscode.Uri; exists: boolean }[]): Promise<SettledFile[]> {
    const settled: SettledFile[] = [];
    for (const { file, uri, exists } of files) {
      const ours = this.written.has(file.path);
      const previous = exists && !ours ? await readBytes(uri) : undefined;
      const newFolders = exists ? [] : await this.missingFolders(uri);
      const edit = new vscode.WorkspaceEdit();
      edit.createFile(uri, { overwrite: true, contents: encode(file.content) }, METADATA);
      if (!(await vscode.workspace.applyEdit(edit))) {
        settled.push({ file, outcome: { status: 'rejected', reason: 'VS Code refused the edit' } });
        continue;
      }
      this.remember(file, uri, ours, previous, newFolders);
      settled.push({ file, outcome: { status: exists ? 'overwritten' : 'created' } });
    }
    return settled;
  }

  /**
   * One WorkspaceEdit that needs confirmation: VS Code shows it in the Refactor Preview, where
   * files can be unticked. What landed is read back from disk afterwards.
   */
  private async applyWithPreview(files: { file: ParsedFile; uri: vscode.Uri; exists: boolean }[]): Promise<SettledFile[]> {
    if (files.length === 0) return [];
    const before = await Promise.all(
      files.map(async (f) => ({ ...f, previous: f.exists ? await readBytes(f.uri) : undefined, newFolders: f.exists ? [] : await this.missingFolders(f.uri) })),
    );
    const edit = new vscode.WorkspaceEdit();
    for (const { file, uri } of before) {
      edit.createFile(uri, { overwrite: true, contents: encode(file.content) }, { label: file.path, description: 'generated by Turbo', needsConfirmation: true });
    }
    this.log?.(`Showing ${files.length} file(s) in the Refactor Preview: tick the ones to write, then Apply.`);
    const applied = await vscode.workspace.applyEdit(edit);
    const settled: SettledFile[] = [];
    for (const { file, uri, exists, previous, newFolders } of before) {
      const now = applied ? await readBytes(uri).catch(() => undefined) : undefined;
      if (now === undefined || Buffer.compare(Buffer.from(now), Buffer.from(encode(file.content))) !== 0) {
        settled.push({ file, outcome: { status: 'skipped', reason: applied ? 'unticked in the preview' : 'preview discarded' } });
        continue;
      }
      this.remember(file, uri, false, previous, newFolders);
      settled.push({ file, outcome: { status: exists ? 'overwritten' : 'created' } });
    }
    return settled;
  }

  private remember(file: ParsedFile, uri: vscode.Uri, ours: boolean, previous: Uint8Array | undefined, newFolders: vscode.Uri[]): void {
    this.written.add(file.path);
    this.record.written.set(uri.toString(), digest(encode(file.content)));
    if (ours) return;
    if (previous) this.record.overwritten.push({ uri, previous });
    else this.record.created.push(uri);
    this.record.createdFolders.push(...newFolders);
  }

  private async missingFolders(uri: vscode.Uri): Promise<vscode.Uri[]> {
    const missing: vscode.Uri[] = [];
    for (let dir = parent(uri); dir.path.length > this.root.path.length; dir = parent(dir)) {
      if (await statOrUndefined(dir)) break;
      missing.push(dir);
    }
    return missing;
  }
}

const encode = (text: string) => new TextEncoder().encode(text);

function parent(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(uri, '..');
}

async function readBytes(uri: vscode.Uri): Promise<Uint8Array> {
  return uri.scheme === 'file' ? fs.readFile(uri.fsPath) : vscode.workspace.fs.readFile(uri);
}

type Stat = { type: vscode.FileType };

/**
 * Local files are looked at with Node's fs: through `workspace.fs` each look is a round trip to the
 * workbench, and in a remote window that trip crosses the network. Writes still go through applyEdit.
 */
async function statOrUndefined(uri: vscode.Uri): Promise<Stat | undefined> {
  try {
    if (uri.scheme !== 'file') return await vscode.workspace.fs.stat(uri);
    const st = await fs.lstat(uri.fsPath);
    return { type: st.isDirectory() ? vscode.FileType.Directory : st.isSymbolicLink() ? vscode.FileType.SymbolicLink : vscode.FileType.File };
  } catch {
    return undefined;
  }
}
