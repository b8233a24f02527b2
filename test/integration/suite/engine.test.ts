import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerationReport } from '../../../src/core/generation/pipeline';
import type { Scenario } from '../../standin/server';
import { fileBlocks } from '../../standin/server';
import {
  clickIn,
  listTree,
  notificationShown,
  openContract,
  readText,
  screenShows,
  setSetting,
  turboLog,
  useStandIn,
  waitForLog,
  workspaceRoot,
} from '../helpers';

const FILES = { 'a.txt': 'A\n', 'b.py': 'def f():\n    return "b"\n' };

async function generateWith(
  folder: string,
  ...scenarios: Scenario[]
): Promise<{ report: GenerationReport; out: vscode.Uri; key: string }> {
  const { standin, out } = await useStandIn(folder);
  await openContract();
  standin.enqueue(...scenarios);
  const report = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
  return { report, out, key: standin.apiKey };
}

/** Starts a generation in preview mode and waits until the Refactor Preview shows its files. */
async function generateIntoPreview(folder: string): Promise<{ out: vscode.Uri; running: Thenable<GenerationReport> }> {
  const { standin, out } = await useStandIn(folder);
  await setSetting('previewBeforeWrite', true);
  await openContract();
  const logBefore = (await turboLog()).length;
  standin.enqueue({ content: fileBlocks(FILES) });
  const running = vscode.commands.executeCommand('turbo.generate') as Thenable<GenerationReport>;
  await waitForLog(/Showing 2 files in the Refactor Preview/, logBefore);
  return { out, running };
}

describe('Generation engine in the editor: faults, continuation, models', () => {
  afterEach(async () => {
    await setSetting('maxContinuations', undefined);
    await setSetting('previewBeforeWrite', undefined);
    await setSetting('model', undefined);
  });

  it('429 with retry-after, then success: retried, all files written', async () => {
    const { report, out } = await generateWith(
      'out-429',
      { status: 429, headers: { 'retry-after': '0' } },
      { content: fileBlocks(FILES) },
    );
    assert.equal(report.error, undefined);
    assert.deepEqual(await listTree(out), ['a.txt', 'b.py']);
    assert.match(await turboLog(), /rate limit.*Retrying \(attempt 2 of 3\)/);
  });

  it('500, then success', async () => {
    const { report, out } = await generateWith(
      'out-500',
      { status: 500, headers: { 'retry-after-ms': '10' } },
      { content: fileBlocks(FILES) },
    );
    assert.equal(report.error, undefined);
    assert.equal(await readText(vscode.Uri.joinPath(out, 'b.py')), FILES['b.py']);
  });

  it('a connection cut mid-stream keeps complete files and leaves no partial one', async () => {
    const { report, out } = await generateWith('out-cut', {
      content: fileBlocks({ 'a.txt': 'A\n', 'big.txt': 'x'.repeat(4000) }),
      chunkSize: 20,
      cutAfterChunks: 30,
    });
    assert.equal(report.error?.kind, 'network');
    assert.deepEqual(await listTree(out), ['a.txt']);
  });

  it('a stalled stream is aborted after turbo.streamIdleTimeout', async () => {
    await setSetting('streamIdleTimeout', 5);
    try {
      const { report, out } = await generateWith('out-stall', {
        content: fileBlocks({ 'a.txt': 'A\n', 'big.txt': 'x'.repeat(4000) }),
        chunkSize: 20,
        stallAfterChunks: 30,
      });
      assert.equal(report.error?.kind, 'stalled');
      assert.deepEqual(await listTree(out), ['a.txt']);
    } finally {
      await setSetting('streamIdleTimeout', undefined);
    }
  });

  it('finish_reason "length" is continued and the file stitched together', async () => {
    const { report, out } = await generateWith(
      'out-continue',
      { content: '<FILE path="a.txt">\nA\n</FILE>\n<FILE path="b.py">\ndef f():\n', finishReason: 'length' },
      { content: '    return "b"\n</FILE>\n' },
    );
    assert.equal(report.error, undefined);
    assert.equal(report.continuations, 1);
    assert.equal(await readText(vscode.Uri.joinPath(out, 'b.py')), FILES['b.py']);
  });

  it('with continuation off, a cut-off file is reported and not written', async () => {
    await setSetting('maxContinuations', 0);
    const { report, out } = await generateWith('out-length', {
      content: '<FILE path="a.txt">\nA\n</FILE>\n<FILE path="b.py">\ndef f():\n',
      finishReason: 'length',
    });
    assert.equal(report.truncated, true);
    assert.deepEqual(report.unfinished, ['b.py']);
    assert.deepEqual(await listTree(out), ['a.txt']);
  });

  it('the API key appears nowhere in the log', async () => {
    const { key } = await generateWith('out-key', { content: fileBlocks(FILES) });
    const log = await turboLog();
    assert.match(log, /Finished: 2 files/);
    assert.ok(!log.includes(key), 'the key is not in Turbo.log');
  });

  it('Select Model sets turbo.model; a model the service does not offer gets a clear message', async () => {
    await useStandIn('out-model');
    assert.equal(await vscode.commands.executeCommand('turbo.selectModel', 'llama-3.3-70b'), 'llama-3.3-70b');
    assert.equal(vscode.workspace.getConfiguration('turbo').get('model'), 'llama-3.3-70b');
    // The stand-in still lists it, as a key may for a while after Cerebras retired it.
    const warned = await notificationShown(
      'llama-3.3-70b was retired by Cerebras on 2026-02-16; use gpt-oss-120b. Your key still has it for now.',
    );
    if (warned !== undefined) assert.equal(warned, true);
    await vscode.workspace
      .getConfiguration('turbo')
      .update('model', 'retired-model-1b', vscode.ConfigurationTarget.Global);
    const { report } = await generateWith('out-model');
    assert.equal(report.error?.kind, 'model_unavailable');
    assert.match(report.error!.message, /retired-model-1b does not exist.*pick another model/);
    await vscode.workspace.getConfiguration('turbo').update('model', undefined, vscode.ConfigurationTarget.Global);
  });

  it('the summary prices the run from the model table, and the status bar shows model and session cost', async () => {
    const { report } = await generateWith('out-cost', { content: fileBlocks(FILES) });
    assert.ok(report.usage);
    const expected = (report.usage.prompt_tokens * 0.35 + report.usage.completion_tokens * 0.75) / 1e6;
    assert.ok(report.costUsd !== undefined && Math.abs(report.costUsd - expected) < 1e-12);
    const shown = await screenShows('.statusbar', 'gpt-oss-120b · $');
    if (shown !== undefined) assert.equal(shown, true, 'the status bar shows the model and the cost so far');
  });

  it('sends the generation settings: max tokens, temperature, reasoning effort', async () => {
    await setSetting('maxCompletionTokens', 4096);
    await setSetting('temperature', 0.2);
    await setSetting('reasoningEffort', 'low');
    try {
      const { standin } = await useStandIn('out-settings');
      await generateWith('out-settings', { content: fileBlocks(FILES) });
      const body = standin.chatRequests.at(-1)!.body as Record<string, unknown>;
      assert.equal(body.max_completion_tokens, 4096);
      assert.equal(body.temperature, 0.2);
      assert.equal(body.reasoning_effort, 'low');
    } finally {
      await setSetting('maxCompletionTokens', undefined);
      await setSetting('temperature', undefined);
      await setSetting('reasoningEffort', undefined);
    }
  });

  it('opening a contract warms the connection (GET /v1/tcp_warming)', async () => {
    const { standin } = await useStandIn('out-warm');
    // A new idle timeout means a new client, which warms its connection when it is built.
    await setSetting('streamIdleTimeout', 61);
    try {
      const before = standin.requests.filter((r) => r.path === '/v1/tcp_warming').length;
      const other = vscode.Uri.joinPath(workspaceRoot(), 'contracts', 'warm.contract.md');
      await vscode.workspace.fs.writeFile(other, new TextEncoder().encode('## RULES\n- x\n'));
      await vscode.workspace.openTextDocument(other);
      for (let i = 0; i < 100 && standin.requests.filter((r) => r.path === '/v1/tcp_warming').length === before; i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.equal(standin.requests.filter((r) => r.path === '/v1/tcp_warming').length, before + 1);
    } finally {
      await setSetting('streamIdleTimeout', undefined);
    }
  });

  it('preview mode: nothing is written until the Refactor Preview is decided; Discard writes nothing', async () => {
    const { out, running } = await generateIntoPreview('out-preview-discard');
    assert.deepEqual(await listTree(out), []);
    await vscode.commands.executeCommand('refactorPreview.discard');
    const report = await running;
    assert.deepEqual(await listTree(out), []);
    assert.deepEqual(
      report.rejected.map((r) => [r.path, r.reason]),
      [
        ['a.txt', 'not applied from the Refactor Preview'],
        ['b.py', 'not applied from the Refactor Preview'],
      ],
    );
  });

  it('preview mode: only the files ticked in the Refactor Preview are written', async function () {
    if (!process.env.TURBO_UI_BRIDGE) this.skip(); // ticking needs a click in the workbench
    const { out, running } = await generateIntoPreview('out-preview-apply');
    assert.equal(
      await clickIn({ scope: '.monaco-list-row', text: 'b.py', target: 'input[type=checkbox]' }),
      true,
      'ticked b.py',
    );
    await vscode.commands.executeCommand('refactorPreview.apply');
    const report = await running;
    assert.equal(report.error, undefined);
    assert.deepEqual(await listTree(out), ['b.py']);
    assert.equal(await readText(vscode.Uri.joinPath(out, 'b.py')), FILES['b.py']);
    assert.deepEqual(
      report.rejected.map((r) => [r.path, r.reason]),
      [['a.txt', 'unticked in the Refactor Preview']],
    );
  });
});
