import * as vscode from 'vscode';
import { safeInline } from '../core/terminalText';
import type { GenerationRecord } from './generationHistory';
import { recordedFiles } from './revert';
import type { Services } from './services';
import { undoRecord } from './commands/undoLastGeneration';
import { count } from './progressText';

const SCHEME = 'turbo-before';

/**
 * "Review Changes": VS Code's multi-file diff editor between each file before a generation or fix
 * and now, with Accept All, Revert All and Revert Files… (the same checked undo as Undo Last
 * Generation: files changed since are kept unless the person says otherwise).
 */
export class ChangeReview implements vscode.Disposable {
  private readonly befores = new Map<string, Uint8Array>();
  private reviewing: GenerationRecord | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly services: Services) {
    const provider: vscode.TextDocumentContentProvider = {
      provideTextDocumentContent: (uri) =>
        new TextDecoder().decode(this.befores.get(uri.toString()) ?? new Uint8Array()),
    };
    this.disposables = [vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider)];
  }

  /** Opens the diff of a record (default: the latest generation or fix). Returns the number of files shown. */
  async open(given?: GenerationRecord): Promise<number | undefined> {
    const record = given ?? this.services.history.latest;
    if (!record) {
      void vscode.window.showInformationMessage(
        'Turbo: there are no changes to review: no generation or fix since VS Code started, or they were accepted or undone.',
      );
      return undefined;
    }
    const stamp = record.when.getTime();
    const resources: [vscode.Uri, vscode.Uri, vscode.Uri][] = [];
    for (const uri of recordedFiles(record)) {
      const before = vscode.Uri.from({ scheme: SCHEME, path: uri.path, query: String(stamp) });
      this.befores.set(
        before.toString(),
        record.overwritten.find((o) => o.uri.toString() === uri.toString())?.previous ?? new Uint8Array(),
      );
      resources.push([uri, before, uri]);
    }
    this.reviewing = record;
    await vscode.commands.executeCommand('setContext', 'turbo.reviewing', true);
    // VS Code adds the number of files to the title.
    const title = `Turbo: ${record.kind === 'fix' ? 'fix' : 'generation'} of ${record.when.toLocaleTimeString()}`;
    await vscode.commands.executeCommand('vscode.changes', title, resources);
    this.services.log.info(
      `Reviewing ${count(resources.length, 'changed file')} of the ${record.kind} of ${record.when.toISOString()}.`,
    );
    const accept = 'Accept All';
    const revert = 'Revert All';
    const some = 'Revert Files…';
    void vscode.window
      .showInformationMessage(`Turbo: reviewing ${count(resources.length, 'changed file')}.`, accept, revert, some)
      .then((b) => {
        if (b === accept) void this.accept();
        if (b === revert) void this.revert();
        if (b === some) void this.revertSome();
      });
    return resources.length;
  }

  /** Keeps the changes: the review closes ("Undo Last Generation" still can put a generation back). */
  async accept(): Promise<boolean> {
    const record = this.reviewing ?? this.services.history.latest;
    if (!record) return false;
    this.services.history.accepted(record);
    await this.done(record);
    this.services.log.info(`Accepted the ${record.kind} of ${record.when.toISOString()}.`);
    return true;
  }

  /** Reverts a record (default: the one under review, else the latest), checked against later edits. */
  async revert(given?: GenerationRecord): Promise<boolean> {
    const record = given ?? this.reviewing ?? this.services.history.latest;
    if (!record) return false;
    const result = await undoRecord(this.services, record, record.kind);
    if (result) await this.done(record);
    return result !== undefined;
  }

  /** Reverts the files the person ticks; the others stay under review. */
  async revertSome(): Promise<number> {
    const record = this.reviewing ?? this.services.history.latest;
    if (!record) return 0;
    const files = recordedFiles(record);
    this.services.log.info(`Revert Files: asking which of ${count(files.length, 'file')} to put back.`);
    const picked = await vscode.window.showQuickPick(
      files.map((uri) => ({
        label: safeInline(vscode.workspace.asRelativePath(uri, false)),
        description: record.created.includes(uri) ? 'created' : 'changed',
        uri,
      })),
      {
        canPickMany: true,
        title: 'Turbo: revert which files?',
        placeHolder: 'Tick the files to put back as they were',
        ignoreFocusOut: true,
      },
    );
    if (!picked?.length) return 0;
    const chosen = new Set(picked.map((p) => p.uri.toString()));
    const part: GenerationRecord = {
      ...record,
      created: record.created.filter((u) => chosen.has(u.toString())),
      overwritten: record.overwritten.filter((o) => chosen.has(o.uri.toString())),
    };
    const names = picked.map((p) => p.label);
    const result = await undoRecord(this.services, part, record.kind, (r) => {
      const back = names.filter((n) => !r.kept.some((k) => vscode.workspace.asRelativePath(k, false) === n));
      const left = files.length - back.length;
      return `put back ${back.join(', ') || 'nothing'}${r.kept.length ? `; kept ${count(r.kept.length, 'file')} you changed since` : ''}. ${left > 0 ? `${count(left, 'file')} of the ${record.kind} still under review.` : `Nothing of the ${record.kind} is left.`}`;
    });
    if (!result) return 0;
    // What was put back leaves the record; the rest can still be reviewed or reverted.
    const reverted = new Set(
      picked.map((p) => p.uri.toString()).filter((u) => !result.kept.some((k) => k.toString() === u)),
    );
    record.created = record.created.filter((u) => !reverted.has(u.toString()));
    record.overwritten = record.overwritten.filter((o) => !reverted.has(o.uri.toString()));
    if (record.created.length + record.overwritten.length === 0) {
      this.services.history.forget(record);
      await this.done(record);
    }
    return reverted.size;
  }

  private async done(record: GenerationRecord): Promise<void> {
    if (this.reviewing !== record) return;
    this.reviewing = undefined;
    await vscode.commands.executeCommand('setContext', 'turbo.reviewing', false);
    // Closes the diff editor of this review, if it is still open.
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        if (tab.label.startsWith(`Turbo: ${record.kind}`)) await vscode.window.tabGroups.close(tab);
      }
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.befores.clear();
  }
}
