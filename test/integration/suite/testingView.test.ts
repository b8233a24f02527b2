import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FixLoopReport, TestReport } from '../../../src/core/testing/loop';
import { editBlocks } from '../../standin/server';
import type { ShownTestItem } from '../../../src/extension/testing/testingView';
import {
  acceptQuickPick,
  clickIn,
  EXTENSION_ID,
  screenShows,
  setSetting,
  turboLog,
  useStandIn,
  waitFor,
  waitForLog,
  workspaceRoot,
} from '../helpers';

/** Node's test runner prints expected and actual values; one test fails on them, one raises in lib.js. */
const PROJECT: Record<string, string> = {
  'package.json': '{ "name": "testing-view", "private": true, "scripts": { "test": "node --test" } }\n',
  'lib.js':
    "function slugify(text) {\n  return text.toLowerCase().replace(/ /g, '_');\n}\n\nfunction total(items) {\n  return items.reduce((sum, item) => sum + item.price, 0);\n}\n\nmodule.exports = { slugify, total };\n",
  'test/lib.test.js':
    "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { slugify, total } = require('../lib');\n\ntest('slugify joins words with dashes', () => {\n  assert.equal(slugify('Hello World'), 'hello-world');\n});\n\ntest('total adds prices', () => {\n  assert.equal(total([{ price: 2 }, { price: 3 }]), 5);\n});\n\ntest('total of missing items', () => {\n  assert.equal(total(undefined), 0);\n});\n",
};
const FIXED_LIB = PROJECT['lib.js']
  .replace("/ /g, '_'", "/ /g, '-'")
  .replace('function total(items)', 'function total(items = [])');

interface Api {
  onDidRunTests: vscode.Event<TestReport>;
  testingView: { shownFor(folder: string): ShownTestItem[] | undefined };
}
const api = () => vscode.extensions.getExtension<Api>(EXTENSION_ID)!.exports;
const where = (l: vscode.Location | undefined) =>
  l && `${vscode.workspace.asRelativePath(l.uri, false)}:${l.range.start.line + 1}:${l.range.start.character + 1}`;
const framesOf = (m: vscode.TestMessage) =>
  m.stackTrace?.map(
    (f) => `${f.uri ? vscode.workspace.asRelativePath(f.uri, false) : '?'}:${(f.position?.line ?? -1) + 1}`,
  );

describe("Testing view: Turbo's runs in VS Code's Testing view", () => {
  let folder: vscode.Uri;
  let testFile: vscode.Uri;

  // Alone (TURBO_IT_GREP), nothing has activated Turbo yet.
  before(() => vscode.extensions.getExtension(EXTENSION_ID)!.activate());

  it('runs a failing project through Turbo: each failing test is an item, its failure a message at its line with expected/actual', async () => {
    folder = vscode.Uri.joinPath(workspaceRoot(), 'out-testing');
    testFile = vscode.Uri.joinPath(folder, 'test/lib.test.js');
    for (const [file, text] of Object.entries(PROJECT))
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, file), new TextEncoder().encode(text));
    const logBefore = (await turboLog()).length;
    const running = vscode.commands.executeCommand('turbo.runTests', folder) as Thenable<TestReport>;
    await waitForLog(/Asking to confirm the detected test command "npm test"/, logBefore);
    await acceptQuickPick();
    const report = await running;
    assert.deepEqual([report.runner, report.passed, report.failed], ['node', 1, 2]);

    const shown = api().testingView.shownFor(folder.fsPath);
    assert.ok(shown, `the Testing view shows the folder; the log says:\n${(await turboLog()).slice(logBefore)}`);
    const [top, slug, missing] = shown;
    assert.deepEqual(
      [top.item.label, top.item.description, top.state],
      ['out-testing', '✗ 2 failed, 1 passed (node)', 'failed'],
    );
    assert.deepEqual(
      shown.slice(1).map((s) => [s.item.label, s.state, s.item.parent?.id]),
      [
        ['slugify joins words with dashes', 'failed', folder.fsPath],
        ['total of missing items', 'failed', folder.fsPath],
      ],
    );
    // The diff VS Code offers: the two values as node printed them, at the assertion's line.
    const [diff] = slug.messages;
    assert.equal(where(diff.location), 'out-testing/test/lib.test.js:6:10');
    assert.match(String(diff.message), /expected 'hello-world', got 'hello_world'/);
    assert.deepEqual([diff.expectedOutput, diff.actualOutput], ["'hello-world'", "'hello_world'"]);
    assert.equal(slug.item.range?.start.line, 5);
    // No values printed: a plain message, with the line that raised as a frame of its stack.
    const [raised] = missing.messages;
    assert.equal(where(raised.location), 'out-testing/test/lib.test.js:14:16');
    assert.deepEqual([raised.expectedOutput, raised.actualOutput], [undefined, undefined]);
    assert.deepEqual(framesOf(raised), ['out-testing/lib.js:6', 'out-testing/test/lib.test.js:14']);
  });

  it('shows the failing test in the Testing view, and its peek offers the expected/actual diff', async () => {
    await vscode.commands.executeCommand('workbench.view.testing.focus');
    const listed = await screenShows('.test-explorer', '✗ 2 failed, 1 passed (node)');
    if (listed === undefined) return; // no UI bridge (desktop VS Code): the API side above stands
    assert.equal(listed, true, 'the Testing view lists the folder');
    // Its failing tests, as the editor gutter's "Reveal in Test Explorer" shows one.
    const failing = api().testingView.shownFor(folder.fsPath)![1].item;
    await vscode.commands.executeCommand('vscode.revealTestInExplorer', failing);
    assert.equal(
      await screenShows('.test-explorer', 'slugify joins words with dashes'),
      true,
      'the Testing view lists the failing test',
    );
    assert.equal(await screenShows('.test-explorer', 'total of missing items'), true);
    // A click on the failing test opens its file at the failure, with the peek.
    assert.equal(
      await clickIn({
        scope: '.test-explorer .monaco-list-row',
        text: 'slugify joins words with dashes',
        target: '.monaco-tl-contents',
      }),
      true,
    );
    assert.equal(
      await screenShows('.test-output-peek', "expected 'hello-world', got 'hello_world'"),
      true,
      'the peek shows the message',
    );
    assert.equal(
      await screenShows('.test-output-peek .monaco-diff-editor', 'Expected'),
      true,
      'the peek shows a diff of expected…',
    );
    assert.equal(await screenShows('.test-output-peek .monaco-diff-editor', "'hello_world'"), true, '…and actual');
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, 5, 'the peek opens at the assertion');
  });

  it("a change to the files marks the results outdated; the Testing view's own Run runs Turbo's command again", async () => {
    await vscode.commands.executeCommand('closeReferenceSearch');
    // Fixed as a person fixes it, in the editor (a write to disk right after a run counts as the run's own).
    const lib = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'lib.js'));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(lib.uri, new vscode.Range(0, 0, lib.lineCount, 0), FIXED_LIB);
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    await lib.save();
    for (
      const started = Date.now();
      !api()
        .testingView.shownFor(folder.fsPath)
        ?.every((s) => s.outdated);
    ) {
      if (Date.now() - started > 10_000) throw new Error('the results never became outdated');
      await new Promise((r) => setTimeout(r, 100));
    }
    const ran = waitFor(api().onDidRunTests, (r) => r.cwd === folder.fsPath, 60_000);
    await vscode.commands.executeCommand('workbench.view.testing.focus');
    // The folder row's Run button, as a person clicks it (its actions show on hover).
    const clicked = await clickIn({
      scope: '.test-explorer .monaco-list-row',
      text: 'out-testing',
      target: '.action-label[aria-label^="Run Test"]',
    });
    if (clicked === undefined) {
      // Without the UI bridge: the same profile, asked for the tests of the open file.
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(testFile));
      await vscode.commands.executeCommand('testing.runCurrentFile');
    } else assert.equal(clicked, true, "the folder's Run button in the Testing view");
    const report = await ran;
    assert.equal(report.green, true);
    const shown = api().testingView.shownFor(folder.fsPath)!;
    assert.deepEqual(
      shown.map((s) => [s.item.label, s.item.description, s.state, s.outdated]),
      [['out-testing', '✓ 3 passed (node)', 'passed', false]],
    );
    assert.equal(shown[0].item.children.size, 0, 'the old failing items are gone');
  });

  it("the Testing view's Cancel stops Turbo's run, and the last complete run's results stay", async () => {
    await setSetting('testCommand', 'sleep 30');
    try {
      const ran = waitFor(api().onDidRunTests, (r) => r.cwd === folder.fsPath, 30_000);
      await vscode.commands.executeCommand('workbench.view.testing.focus');
      const clicked = await clickIn({
        scope: '.test-explorer .monaco-list-row',
        text: 'out-testing',
        target: '.action-label[aria-label^="Run Test"]',
      });
      if (clicked === undefined) {
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(testFile));
        await vscode.commands.executeCommand('testing.runCurrentFile');
        await new Promise((r) => setTimeout(r, 2_000));
      } else {
        assert.equal(clicked, true);
        assert.equal(await screenShows('.statusbar', 'Testing…'), true, 'the run is under way');
      }
      await vscode.commands.executeCommand('testing.cancelRun');
      const report = await ran;
      assert.equal(report.cancelled, true);
      assert.ok(report.durationMs < 20_000, `stopped early (${report.durationMs} ms)`);
      const shown = api().testingView.shownFor(folder.fsPath)!;
      assert.deepEqual(
        shown.map((s) => [s.item.description, s.state]),
        [['✓ 3 passed (node)', 'passed']],
      );
    } finally {
      await setSetting('testCommand', undefined);
    }
  });

  it("the Testing view's Cancel also stops a run started by Turbo: Run Tests", async () => {
    await setSetting('testCommand', 'sleep 30');
    try {
      // The workspace's test command makes its root the folder tested: any run will do.
      const ran = waitFor(api().onDidRunTests, () => true, 30_000);
      const logBefore = (await turboLog()).length;
      void vscode.commands.executeCommand('turbo.runTests', folder);
      await vscode.commands.executeCommand('workbench.view.testing.focus');
      assert.equal(await screenShows('.statusbar', 'Testing…'), true, 'the run is under way');
      await vscode.commands.executeCommand('testing.cancelRun');
      const report = await ran.catch(async (err) =>
        assert.fail(`${err}; the log says:\n${(await turboLog()).slice(logBefore)}`),
      );
      assert.equal(report.cancelled, true);
      assert.ok(report.durationMs < 20_000, `stopped early (${report.durationMs} ms)`);
      assert.deepEqual(
        api()
          .testingView.shownFor(folder.fsPath)!
          .map((s) => [s.item.description, s.state]),
        [['✓ 3 passed (node)', 'passed']],
      );
    } finally {
      await setSetting('testCommand', undefined);
    }
  });

  it('Fix Until Green: each round shows in the Testing view, the last one green', async () => {
    const used = await useStandIn('out-testing');
    const libUri = vscode.Uri.joinPath(folder, 'lib.js');
    await vscode.workspace.fs.writeFile(libUri, new TextEncoder().encode(PROJECT['lib.js']));
    // lib.js is open from an earlier test, and a fix edits what the editor holds: the document takes
    // the new bytes from disk a moment later (on a busy machine, after the fix had already read it).
    const lib = await vscode.workspace.openTextDocument(libUri);
    for (let i = 0; i < 100 && lib.getText() !== PROJECT['lib.js']; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(lib.getText(), PROJECT['lib.js']);
    used.standin.enqueue({ content: editBlocks([{ file: 'lib.js', search: PROJECT['lib.js'], replace: FIXED_LIB }]) });
    const rounds: string[][] = [];
    const listening = api().onDidRunTests(
      (r) =>
        r.cwd === folder.fsPath &&
        rounds.push(
          api()
            .testingView.shownFor(folder.fsPath)!
            .map((s) => `${String(s.item.label)}: ${s.state}`),
        ),
    );
    try {
      const loop = (await vscode.commands.executeCommand('turbo.fixUntilGreen', folder)) as FixLoopReport;
      assert.equal(loop.outcome, 'green');
    } finally {
      listening.dispose();
    }
    assert.deepEqual(rounds, [
      ['out-testing: failed', 'slugify joins words with dashes: failed', 'total of missing items: failed'],
      ['out-testing: passed'],
    ]);
  });
});
