import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerationReport } from '../../../src/core/generation/pipeline';
import { fileBlocks } from '../../standin/server';
import {
  acceptQuickPick,
  listTree,
  openContract,
  quickPickShows,
  readText,
  setSetting,
  turboLog,
  useStandIn,
  waitForLog,
} from '../helpers';

const ANSWER = fileBlocks({ 'exists.txt': 'generated\n', 'fresh.txt': 'fresh\n' });

/**
 * Runs a generation into a folder holding exists.txt and answers the one question about existing
 * files from the keyboard: `steps` moves down the list (0 Overwrite All, 1 Skip Existing, 2 Cancel),
 * or `escape` closes it.
 */
async function generateAndAnswer(folder: string, answer: number | 'escape') {
  const { standin, out } = await useStandIn(folder);
  await setSetting('overwrite', 'ask');
  const exists = vscode.Uri.joinPath(out, 'exists.txt');
  await vscode.workspace.fs.writeFile(exists, new TextEncoder().encode('mine\n'));
  await openContract();
  standin.enqueue({ content: ANSWER });
  const logBefore = (await turboLog()).length;
  const running = vscode.commands.executeCommand('turbo.generate') as Thenable<GenerationReport>;
  await waitForLog(/Asking about 1 existing file: exists\.txt\./, logBefore);
  // The new file is written while the question waits; the existing one is not.
  assert.equal(await readText(vscode.Uri.joinPath(out, 'fresh.txt')), 'fresh\n');
  assert.equal(await readText(exists), 'mine\n');
  if (answer === 'escape') {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  } else {
    await quickPickShows('Overwrite All');
    for (let i = 0; i < answer; i++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await acceptQuickPick();
  }
  return { report: await running, out, exists };
}

describe('Overwrite policy "ask": one question after the stream', () => {
  it('Overwrite All replaces the existing files', async () => {
    const { report, out, exists } = await generateAndAnswer('out-ask-overwrite', 0);
    assert.equal(report.error, undefined);
    assert.equal(await readText(exists), 'generated\n');
    assert.deepEqual(await listTree(out), ['exists.txt', 'fresh.txt']);
    assert.deepEqual(report.files.map((f) => [f.path, f.overwritten]).sort(), [
      ['exists.txt', true],
      ['fresh.txt', false],
    ]);
    // And undo restores the replaced file.
    await vscode.commands.executeCommand('turbo.undoLastGeneration');
    assert.equal(await readText(exists), 'mine\n');
    assert.deepEqual(await listTree(out), ['exists.txt']);
  });

  it('Skip Existing keeps them and writes the rest', async () => {
    const { report, out, exists } = await generateAndAnswer('out-ask-skip', 1);
    assert.equal(report.error, undefined);
    assert.equal(await readText(exists), 'mine\n');
    assert.equal(await readText(vscode.Uri.joinPath(out, 'fresh.txt')), 'fresh\n');
    assert.deepEqual(
      report.rejected.map((r) => [r.path, r.status]),
      [['exists.txt', 'skipped']],
    );
  });

  it('Cancel discards the whole generation', async () => {
    const { report, out, exists } = await generateAndAnswer('out-ask-cancel', 2);
    assert.equal(report.error?.kind, 'discarded');
    assert.equal(await readText(exists), 'mine\n');
    assert.deepEqual(await listTree(out), ['exists.txt'], 'fresh.txt, written during the stream, is removed again');
  });

  it('Escape counts as Cancel', async () => {
    const { report, out } = await generateAndAnswer('out-ask-escape', 'escape');
    assert.equal(report.error?.kind, 'discarded');
    assert.deepEqual(await listTree(out), ['exists.txt']);
  });
});

describe('Overwrite: open documents', () => {
  it('never replaces a file open with unsaved changes', async () => {
    const { standin, out } = await useStandIn('out-dirty');
    await setSetting('overwrite', 'always');
    const dirty = vscode.Uri.joinPath(out, 'dirty.txt');
    await vscode.workspace.fs.writeFile(dirty, new TextEncoder().encode('on disk\n'));
    const doc = await vscode.workspace.openTextDocument(dirty);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'unsaved '));
    await openContract();
    standin.enqueue({ content: fileBlocks({ 'dirty.txt': 'generated\n' }) });
    const report = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
    assert.deepEqual(
      report.rejected.map((r) => [r.path, r.reason]),
      [['dirty.txt', 'open with unsaved changes']],
    );
    assert.equal(doc.getText(), 'unsaved on disk\n');
    assert.equal(await readText(dirty), 'on disk\n');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
