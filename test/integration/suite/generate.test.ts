import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerationReport } from '../../../src/core/generation/pipeline';
import { fileBlocks } from '../../standin/server';
import {
  acceptQuickPick,
  clearNotifications,
  clickNotificationButton,
  exists,
  listTree,
  notificationShown,
  openContract,
  quickPickShows,
  readText,
  setSetting,
  turboLog,
  useStandIn,
  waitFor,
  waitForLog,
} from '../helpers';

const FILES: Record<string, string> = {
  'app/main.py':
    'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.post("/reset")\ndef reset():\n\treturn {"status": "ok"}   \n',
  'app/__init__.py': '',
  'requirements.txt': 'fastapi\nuvicorn',
  'README.md': '# Tasks\n\n```sh\nuvicorn app.main:app\n```\n',
};

describe('Generate from Contract', () => {
  it('streams the contract to the model and writes exact files through a WorkspaceEdit', async () => {
    const { standin, out } = await useStandIn('out-generate');
    await openContract();
    standin.enqueue({
      content: fileBlocks(FILES, 'Here is the implementation.\n'),
      chunkSize: 11,
      tokensPerSecond: 3000,
    });
    await clearNotifications();
    const created: string[] = [];
    // onDidCreateFiles fires for file operations made through workspace edits, not for raw disk writes.
    const sub = vscode.workspace.onDidCreateFiles((e) =>
      created.push(...e.files.map((f) => vscode.workspace.asRelativePath(f, false))),
    );
    const report = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
    sub.dispose();

    assert.equal(report.error, undefined);
    assert.equal(report.finishReason, 'stop');
    assert.deepEqual(await listTree(out), Object.keys(FILES).sort());
    for (const [p, content] of Object.entries(FILES))
      assert.equal(await readText(vscode.Uri.joinPath(out, p)), content, p);
    assert.deepEqual(
      created.sort(),
      Object.keys(FILES)
        .map((p) => `out-generate/${p}`)
        .sort(),
    );
    const sent = standin.chatRequests.at(-1)!.body as {
      model: string;
      messages: { role: string; content: string }[];
      stream: boolean;
    };
    assert.equal(sent.model, 'gpt-oss-120b');
    assert.equal(sent.stream, true);
    assert.match(sent.messages[1].content, /## API CONTRACT/);
    assert.match(sent.messages[0].content, /<FILE path=/);
    const shown = await notificationShown('Turbo wrote 4 files');
    if (shown !== undefined) assert.equal(shown, true, 'the summary notification is on screen');
  });

  it('undo removes the files it created and restores the ones it replaced, even after they were saved', async () => {
    const { standin, out } = await useStandIn('out-undo');
    await setSetting('overwrite', 'always');
    const keep = vscode.Uri.joinPath(out, 'keep.txt');
    await vscode.workspace.fs.writeFile(keep, new TextEncoder().encode('original\n'));
    await openContract();
    standin.enqueue({ content: fileBlocks({ 'keep.txt': 'generated\n', 'pkg/deep/new.py': 'x = 1\n' }) });
    const report = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
    assert.equal(report.error, undefined);
    assert.equal(await readText(keep), 'generated\n');
    assert.equal(await readText(vscode.Uri.joinPath(out, 'pkg/deep/new.py')), 'x = 1\n');

    // Edit and save a generated file: undo still puts everything back as it was.
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(out, 'pkg/deep/new.py'));
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# edited\n'));
    await doc.save();

    // Undo asks about the edited file; Undo Everything puts it back too.
    const logBefore = (await turboLog()).length;
    const undoing = vscode.commands.executeCommand('turbo.undoLastGeneration') as Thenable<{
      removed: number;
      restored: number;
      kept: unknown[];
    }>;
    await waitForLog(/Undo: 1 file changed since the generation: out-undo\/pkg\/deep\/new\.py/, logBefore);
    await quickPickShows('Undo Everything');
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await acceptQuickPick();
    const result = await undoing;
    assert.deepEqual([result.removed, result.restored, result.kept.length], [1, 1, 0]);
    assert.equal(await readText(keep), 'original\n');
    assert.equal(await exists(vscode.Uri.joinPath(out, 'pkg')), false, 'folders the generation made are removed');
    assert.deepEqual(await listTree(out), ['keep.txt']);
  });

  it('never replaces an existing file when the policy is "never", and reports it', async () => {
    const { standin, out } = await useStandIn('out-never');
    const mine = vscode.Uri.joinPath(out, 'mine.txt');
    await vscode.workspace.fs.writeFile(mine, new TextEncoder().encode('mine\n'));
    await openContract();
    standin.enqueue({ content: fileBlocks({ 'mine.txt': 'theirs\n', 'new.txt': 'new\n' }) });
    const report = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
    assert.equal(await readText(mine), 'mine\n');
    assert.deepEqual(
      report.files.map((f) => f.path),
      ['new.txt'],
    );
    assert.deepEqual(
      report.rejected.map((r) => r.path),
      ['mine.txt'],
    );
  });

  it('cancellation stops the request and writes no half file', async () => {
    const { standin, out } = await useStandIn('out-cancel');
    await openContract();
    standin.enqueue({
      content: fileBlocks({ 'first.txt': 'one\n', 'second.txt': 'two '.repeat(30_000) + '\n' }),
      chunkSize: 16,
      tokensPerSecond: 2000,
    });
    const firstWritten = waitFor(vscode.workspace.onDidCreateFiles, (e) =>
      e.files.some((f) => f.path.endsWith('/first.txt')),
    );
    const running = vscode.commands.executeCommand('turbo.generate') as Thenable<GenerationReport>;
    await firstWritten;
    assert.equal(await vscode.commands.executeCommand('turbo.cancelGeneration'), true);
    const report = await running;
    assert.equal(report.error?.kind, 'cancelled');
    assert.deepEqual(await listTree(out), ['first.txt']);
    assert.equal(await readText(vscode.Uri.joinPath(out, 'first.txt')), 'one\n');
    assert.equal(await vscode.commands.executeCommand('turbo.cancelGeneration'), false, 'nothing left to cancel');
  });

  it("the progress notification's Cancel button aborts the request", async function () {
    if (!process.env.TURBO_UI_BRIDGE) {
      // Desktop VS Code has no way to click a notification from the extension host.
      this.skip();
    }
    const { standin, out } = await useStandIn('out-cancel-button');
    await openContract();
    await clearNotifications();
    // A file name no other test uses: the toast to click is the one streaming it, not a closing one.
    standin.enqueue({
      content: fileBlocks({ 'first.txt': 'one\n', 'cancel-me.txt': 'two '.repeat(40_000) + '\n' }),
      chunkSize: 16,
      tokensPerSecond: 1500,
    });
    const firstWritten = waitFor(vscode.workspace.onDidCreateFiles, (e) =>
      e.files.some((f) => f.path.endsWith('/first.txt')),
    );
    const running = vscode.commands.executeCommand('turbo.generate') as Thenable<GenerationReport>;
    await firstWritten;
    const clicked = await clickNotificationButton('cancel-me.txt', 'Cancel');
    // Never leave a generation running into the next test, whatever happened above.
    if (!clicked) await vscode.commands.executeCommand('turbo.cancelGeneration');
    assert.equal(clicked, true, 'clicked Cancel on the progress notification');
    const report = await running;
    assert.equal(report.error?.kind, 'cancelled');
    assert.deepEqual(await listTree(out), ['first.txt']);
  });
});
