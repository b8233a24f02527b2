import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerationReport } from '../../../src/core/generation/pipeline';
import { fileBlocks } from '../../standin/server';
import { closedPort } from '../../support/closedPort';
import {
  clearNotifications,
  clickIn,
  clickNotificationButton,
  listTree,
  notificationShown,
  openContract,
  readText,
  screenShows,
  setSetting,
  turboLog,
  typeText,
  useStandIn,
  waitForLog,
} from '../helpers';

/**
 * What Turbo says, and where its buttons lead: the base URL from User settings in a remote window,
 * the Open Settings buttons, the Refactor Preview's wording, and how retries are counted and shown.
 */

/**
 * Edits the User settings file as a person does (Preferences: Open User Settings (JSON)). In a
 * remote window (code-server is one) this is the local User file, not the Remote one that
 * `ConfigurationTarget.Global` writes to for machine-scoped settings.
 */
async function editUserSettings(change: (settings: Record<string, unknown>) => void): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openSettingsJson');
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor && /settings\.json$/.test(editor.document.uri.path), 'the User settings file is open');
  const doc = editor.document;
  const settings = JSON.parse(doc.getText() || '{}') as Record<string, unknown>;
  change(settings);
  const whole = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  await editor.edit((b) => b.replace(whole, JSON.stringify(settings, null, 2)));
  await doc.save();
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
}

/** Waits until `turbo.<key>` reads `value` (settings files are watched, not read at once). */
async function settled(key: string, value: unknown, timeoutMs = 10_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < timeoutMs;) {
    if (vscode.workspace.getConfiguration('turbo').inspect(key)?.globalValue === value) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`turbo.${key} never read ${JSON.stringify(value)} from User settings`);
}

/** Which tab of the Settings editor is selected, read off the screen; undefined without the UI bridge. */
async function settingsTabShown(tab: 'User' | 'Workspace'): Promise<boolean | undefined> {
  return screenShows('.settings-tabs-widget .action-label.checked', tab, 15_000);
}

/** A picture of the window for the report (TURBO_IT_SHOTS=dir relative to the repository). */
async function shot(name: string): Promise<void> {
  if (!process.env.TURBO_UI_BRIDGE || !process.env.TURBO_IT_SHOTS) return;
  console.log(
    `TURBO_UI_QUERY ${JSON.stringify({ id: `shot-${name}-${Date.now()}`, kind: 'screenshot', text: `../${process.env.TURBO_IT_SHOTS}/${name}` })}`,
  );
  await new Promise((r) => setTimeout(r, 500));
}

async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('Messages: the base URL and the Open Settings buttons', () => {
  afterEach(async () => {
    await closeEditors();
    await setSetting('overwrite', undefined);
  });

  it('a turbo.baseUrl in User settings counts in a remote window, and Open Settings then opens the User tab', async () => {
    const { standin, out } = await useStandIn('out-user-baseurl');
    await setSetting('baseUrl', undefined);
    // A window-scoped setting written beside it tells when the file has been read again.
    await editUserSettings((s) => Object.assign(s, { 'turbo.baseUrl': standin.url, 'turbo.requestTimeout': 31 }));
    try {
      await settled('requestTimeout', 31);
      await openContract();
      standin.enqueue({ content: fileBlocks({ 'a.txt': 'from the user setting\n' }) });
      const before = standin.chatRequests.length;
      const report = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
      assert.equal(report.error?.message, undefined, 'generation went to the URL in User settings');
      assert.equal(standin.chatRequests.length, before + 1);
      assert.deepEqual(await listTree(out), ['a.txt']);

      // The same value pointing nowhere: the error's Open Settings shows the User tab, where it is.
      const port = await closedPort();
      await editUserSettings((s) =>
        Object.assign(s, { 'turbo.baseUrl': `http://127.0.0.1:${port}`, 'turbo.requestTimeout': 32 }),
      );
      await settled('requestTimeout', 32);
      await openContract();
      await clearNotifications();
      const failed = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
      assert.match(
        failed.error?.message ?? '',
        new RegExp(`refused the connection .* for http://127\\.0\\.0\\.1:${port}/`),
      );
      const clicked = await clickNotificationButton('refused the connection', 'Open Settings');
      if (clicked !== undefined) {
        assert.equal(clicked, true, 'the error offers Open Settings');
        assert.equal(await settingsTabShown('User'), true, 'the User tab, where turbo.baseUrl is set, is open');
      }
    } finally {
      await closeEditors();
      await editUserSettings((s) => {
        delete s['turbo.baseUrl'];
        delete s['turbo.requestTimeout'];
      });
      await settled('requestTimeout', undefined);
    }
  });

  it('"could not reach" names the URL (never its password) and Open Settings opens the tab that sets it', async () => {
    await useStandIn('out-unreachable');
    // fetch refuses a URL with a user and password: the "could not reach" case, quoting the URL.
    await setSetting('baseUrl', 'http://turbo:hunter2@127.0.0.1:1');
    await openContract();
    await clearNotifications();
    const report = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
    assert.equal(report.error?.kind, 'network');
    assert.match(report.error!.message, /^Could not reach http:\/\/…@127\.0\.0\.1:1\/v1\/chat\/completions/);
    assert.doesNotMatch(report.error!.message, /hunter2/);
    assert.doesNotMatch(await turboLog(), /hunter2/, 'nor does the log');
    const clicked = await clickNotificationButton('Could not reach', 'Open Settings');
    if (clicked === undefined) return;
    assert.equal(clicked, true, 'the error offers Open Settings');
    assert.equal(await settingsTabShown('Workspace'), true, 'the Workspace tab, where turbo.baseUrl is set, is open');
  });

  it('Open Settings for a bad workspace value opens the Workspace tab, where that value is', async () => {
    await useStandIn('out-bad-enum');
    await setSetting('overwrite', 'sometimes');
    await openContract();
    await clearNotifications();
    const report = await vscode.commands.executeCommand('turbo.generate');
    assert.equal(report, undefined, 'nothing runs on a bad setting');
    const clicked = await clickNotificationButton('turbo.overwrite', 'Open Settings');
    if (clicked === undefined) return;
    assert.equal(clicked, true, 'the error offers Open Settings');
    assert.equal(await settingsTabShown('Workspace'), true, 'the Workspace tab, which can show the bad value, is open');
  });
});

describe('Messages: the Refactor Preview says what it changes and what happened', () => {
  afterEach(async () => {
    // A preview left open by a failed check would hold the next generation.
    await vscode.commands.executeCommand('refactorPreview.discard');
    await setSetting('previewBeforeWrite', undefined);
    await setSetting('overwrite', undefined);
    await closeEditors();
  });

  /** A generation of exists.txt (already there) and fresh.txt (new), held in the Refactor Preview. */
  async function intoPreview(folder: string) {
    const { standin, out } = await useStandIn(folder);
    await setSetting('overwrite', 'always');
    await setSetting('previewBeforeWrite', true);
    const exists = vscode.Uri.joinPath(out, 'exists.txt');
    await vscode.workspace.fs.writeFile(exists, new TextEncoder().encode('mine\n'));
    await openContract();
    await clearNotifications();
    const logBefore = (await turboLog()).length;
    standin.enqueue({ content: fileBlocks({ 'exists.txt': 'generated\n', 'fresh.txt': 'fresh\n' }) });
    const running = vscode.commands.executeCommand('turbo.generate') as Thenable<GenerationReport>;
    await waitForLog(/Showing 2 files in the Refactor Preview/, logBefore);
    return { out, exists, running };
  }

  it('a file that exists is shown as a change, not "(creating)", and Apply writes it to disk', async function () {
    if (!process.env.TURBO_UI_BRIDGE) this.skip(); // ticking needs a click in the workbench
    const { out, exists, running } = await intoPreview('out-preview-labels');
    await shot('preview');
    // The rows' accessible names say what each entry does: "Creating …" or "…, making text edits".
    const created = '.bulk-edit-panel .monaco-list-row[aria-label^="Creating "]';
    const changed = '.bulk-edit-panel .monaco-list-row[aria-label$=", making text edits"]';
    assert.equal(await screenShows(created, 'fresh.txt'), true, 'the new file is shown as created');
    assert.equal(await screenShows(changed, 'exists.txt'), true, 'the existing file is shown as changed');
    assert.equal(
      await screenShows(created, 'exists.txt', 1_500),
      false,
      'the existing file is not shown as "(creating)"',
    );
    for (const name of ['exists.txt', 'fresh.txt'])
      assert.equal(
        await clickIn({ scope: '.monaco-list-row', text: name, target: 'input[type=checkbox]' }),
        true,
        `ticked ${name}`,
      );
    await shot('preview-ticked');
    await vscode.commands.executeCommand('refactorPreview.apply');
    const report = await running;
    assert.equal(report.error, undefined);
    assert.equal(await readText(exists), 'generated\n');
    assert.equal(await readText(vscode.Uri.joinPath(out, 'fresh.txt')), 'fresh\n');
    assert.deepEqual(report.files.map((f) => [f.path, f.overwritten]).sort(), [
      ['exists.txt', true],
      ['fresh.txt', false],
    ]);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === exists.toString());
    assert.ok(!doc?.isDirty, 'the replaced file is saved, not left as an unsaved change');
  });

  it('Discard says that no file was changed', async () => {
    const { out, running } = await intoPreview('out-preview-discarded');
    await vscode.commands.executeCommand('refactorPreview.discard');
    const report = await running;
    assert.deepEqual(await listTree(out), ['exists.txt']);
    assert.match(report.error?.message ?? '', /Nothing was written/);
    const shown = await notificationShown('Nothing was written');
    if (shown !== undefined) assert.equal(shown, true);
  });
});

describe('Messages: retries are counted per request and stop quickly on a refused connection', () => {
  it('a refused connection is reported within 1.5 s after at most one retry', async () => {
    await useStandIn('out-refused-fast');
    const port = await closedPort();
    await setSetting('baseUrl', `http://127.0.0.1:${port}`);
    await openContract();
    const logBefore = (await turboLog()).length;
    const started = Date.now();
    const report = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
    const took = Date.now() - started;
    assert.equal(report.error?.kind, 'network');
    const retries = (await turboLog()).slice(logBefore).match(/Retrying/g) ?? [];
    assert.ok(retries.length <= 1, `${retries.length} retries of a refused connection`);
    assert.ok(took < 1500, `the error came after ${took} ms`);
  });

  it('counts "attempt 2 of 3", and the progress goes back to normal once the retry is sent', async () => {
    const { standin, out } = await useStandIn('out-retry-progress');
    await openContract();
    await clearNotifications();
    const logBefore = (await turboLog()).length;
    standin.enqueue(
      { status: 500, headers: { 'retry-after-ms': '100' } },
      { content: fileBlocks({ 'a.txt': 'x'.repeat(400) }), delayMs: 2500, tokensPerSecond: 40 },
    );
    const running = vscode.commands.executeCommand('turbo.generate') as Thenable<GenerationReport>;
    try {
      await waitForLog(/Retrying \(attempt 2 of 3\)/, logBefore);
      // While the retried request waits for its answer, the progress says so rather than "Retrying … in".
      const again = await screenShows('.notification-toast', 'Sent again (attempt 2 of 3)', 2000);
      if (again !== undefined) {
        assert.equal(again, true, 'the progress names the attempt under way');
        assert.equal(
          await screenShows('.notification-toast', 'Retrying', 300),
          false,
          'the retry line is gone once the retry is sent',
        );
        assert.equal(
          await screenShows('.notification-toast', 'tokens', 6000),
          true,
          'then the usual streaming progress',
        );
      }
    } finally {
      // Never leave a generation running into the next test.
      await running;
    }
    const report = await running;
    assert.equal(report.error, undefined);
    assert.deepEqual(await listTree(out), ['a.txt']);
  });
});

describe('Messages: the API key', () => {
  const hadEnv = process.env.CEREBRAS_API_KEY;
  afterEach(async () => {
    if (hadEnv !== undefined) process.env.CEREBRAS_API_KEY = hadEnv;
    await vscode.commands.executeCommand('turbo.setApiKey', (await useStandIn('out-key-restore')).standin.apiKey);
  });

  it('Set API Key after "needs a key" offers Retry, which runs the generation again', async function () {
    if (!process.env.TURBO_UI_BRIDGE) this.skip(); // typing the key needs the workbench
    const { standin, out } = await useStandIn('out-key-retry');
    delete process.env.CEREBRAS_API_KEY;
    await vscode.commands.executeCommand('turbo.clearApiKey');
    await openContract();
    await clearNotifications();
    assert.equal(await vscode.commands.executeCommand('turbo.generate'), undefined, 'no request without a key');
    assert.equal(
      await clickNotificationButton('Turbo needs a Cerebras API key', 'Set API Key'),
      true,
      'the error offers Set API Key',
    );
    assert.equal(await screenShows('.quick-input-widget', 'Cerebras API Key'), true, 'the key is asked for');
    await typeText(standin.apiKey);
    standin.enqueue({ content: fileBlocks({ 'again.txt': 'retried\n' }) });
    assert.equal(
      await clickNotificationButton('Cerebras API key saved', 'Retry'),
      true,
      'the saved-key message offers Retry',
    );
    for (let i = 0; i < 100 && !(await listTree(out)).includes('again.txt'); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await listTree(out), ['again.txt'], 'Retry ran the generation with the new key');
  });

  it('Clear API Key says so when no key was stored', async () => {
    delete process.env.CEREBRAS_API_KEY;
    await vscode.commands.executeCommand('turbo.clearApiKey');
    await clearNotifications();
    await vscode.commands.executeCommand('turbo.clearApiKey');
    const shown = await notificationShown('no Cerebras API key was stored, so there was nothing to clear');
    if (shown !== undefined) assert.equal(shown, true);
  });
});
