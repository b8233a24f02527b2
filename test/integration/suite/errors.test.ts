import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerationReport } from '../../../src/core/generation/pipeline';
import { fileBlocks } from '../../standin/server';
import {
  clearNotifications,
  clickNotificationButton,
  listTree,
  notificationShown,
  openContract,
  useStandIn,
} from '../helpers';
import { closedPort } from '../../support/closedPort';

describe('Generate: failures', () => {
  it('a wrong key (401) shows an error and writes nothing', async () => {
    const { standin, out } = await useStandIn('out-401');
    await vscode.commands.executeCommand('turbo.setApiKey', 'csk-this-key-is-wrong');
    await openContract();
    await clearNotifications();
    standin.enqueue({ content: fileBlocks({ 'a.txt': 'a\n' }) });
    const report = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
    assert.equal(report.error?.kind, 'auth');
    assert.match(report.error!.message, /rejected the API key/);
    assert.doesNotMatch(report.error!.message, /csk-this-key-is-wrong/);
    assert.deepEqual(await listTree(out), []);
    const shown = await notificationShown('rejected the API key');
    if (shown !== undefined) assert.equal(shown, true, 'the error notification is on screen');
    const named = await notificationShown('Turbo used the key stored with "Turbo: Set API Key"');
    if (named !== undefined) assert.equal(named, true, 'the error names where the key came from');
    await vscode.commands.executeCommand('turbo.setApiKey', standin.apiKey);
  });

  it('an unreachable service gives a message that says what to do, and writes nothing', async () => {
    const { out } = await useStandIn('out-offline');
    const port = await closedPort();
    await vscode.workspace
      .getConfiguration('turbo')
      .update('baseUrl', `http://127.0.0.1:${port}`, vscode.ConfigurationTarget.Workspace);
    await openContract();
    const report = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
    assert.equal(report.error?.kind, 'network');
    assert.match(
      report.error!.message,
      new RegExp(
        `127\\.0\\.0\\.1:${port} refused the connection .* for http://127\\.0\\.0\\.1:${port}/v1/chat/completions`,
      ),
    );
    // The message offers the setting to fix, beside the log.
    const clicked = await clickNotificationButton('refused the connection', 'Open Settings');
    if (clicked !== undefined) assert.equal(clicked, true, 'the error offers Open Settings');
    assert.deepEqual(await listTree(out), []);
  });

  it('without any API key, asks for one instead of calling the service', async () => {
    const { standin } = await useStandIn('out-nokey');
    const hadEnv = process.env.CEREBRAS_API_KEY;
    delete process.env.CEREBRAS_API_KEY;
    await vscode.commands.executeCommand('turbo.clearApiKey');
    const before = standin.chatRequests.length;
    await openContract();
    await clearNotifications();
    const report = await vscode.commands.executeCommand('turbo.generate');
    assert.equal(report, undefined);
    assert.equal(standin.chatRequests.length, before);
    const shown = await notificationShown('Turbo needs a Cerebras API key');
    if (shown !== undefined) assert.equal(shown, true);
    if (hadEnv !== undefined) process.env.CEREBRAS_API_KEY = hadEnv;
    await vscode.commands.executeCommand('turbo.setApiKey', standin.apiKey);
  });
});
