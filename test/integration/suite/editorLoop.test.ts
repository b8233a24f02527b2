import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerationReport } from '../../../src/core/generation/pipeline';
import type { FixLoopReport, TestReport } from '../../../src/core/testing/loop';
import { editBlocks, fileBlocks } from '../../standin/server';
import {
  acceptQuickPick,
  clearNotifications,
  clickIn,
  clickNotificationButton,
  listTree,
  notificationShown,
  openContract,
  quickPickShows,
  readText,
  screenShows,
  setSetting,
  turboLog,
  useStandIn,
  waitForLog,
} from '../helpers';

/** A generated project whose one failing test is a wrong separator. */
const PROJECT: Record<string, string> = {
  'package.json': '{ "name": "loop", "private": true, "scripts": { "test": "node --test" } }\n',
  'lib.js':
    "function slugify(text) {\n  return text.toLowerCase().replace(/ /g, '_');\n}\n\nmodule.exports = { slugify };\n",
  'test/lib.test.js':
    "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { slugify } = require('../lib');\n\ntest('slugify joins words with dashes', () => {\n  assert.equal(slugify('Hello World'), 'hello-world');\n});\n",
};
const SLUG_FIX = {
  file: 'lib.js',
  search: "  return text.toLowerCase().replace(/ /g, '_');",
  replace: "  return text.toLowerCase().replace(/ /g, '-');",
};
const encode = (text: string) => new TextEncoder().encode(text);

/** Runs the tests of a folder, confirming its detected command when Turbo asks. */
async function runTestsConfirming(target?: vscode.Uri): Promise<TestReport> {
  const logBefore = (await turboLog()).length;
  const running = vscode.commands.executeCommand('turbo.runTests', target) as Thenable<TestReport>;
  const asked = waitForLog(/Asking to confirm the detected test command/, logBefore, 15_000).then(
    () => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'),
    () => undefined,
  );
  const report = await running;
  await asked.catch(() => undefined);
  return report;
}

describe('Editor loop: fresh test runs, stale reports, the folder of the active file', () => {
  let out: vscode.Uri;
  let lib: vscode.Uri;

  it('Fix Until Green runs the tests first: a bug put back after a green fix is found and fixed, not reported green', async () => {
    const used = await useStandIn('out-loop');
    out = used.out;
    lib = vscode.Uri.joinPath(out, 'lib.js');
    await openContract();
    used.standin.enqueue({ content: fileBlocks(PROJECT) });
    assert.equal(((await vscode.commands.executeCommand('turbo.generate')) as GenerationReport).files.length, 3);
    const first = await runTestsConfirming(out);
    assert.deepEqual([first.passed, first.failed], [0, 1]);

    used.standin.enqueue({ content: editBlocks([SLUG_FIX]) });
    const fixed = (await vscode.commands.executeCommand('turbo.fixAllFailures', out.fsPath)) as { report: TestReport };
    assert.equal(fixed.report.green, true);

    // Ctrl+Z in the file puts the bug back; the person saves.
    const doc = await vscode.workspace.openTextDocument(lib);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.match(doc.getText(), /'_'/, 'undo put the bug back');
    await doc.save();

    // The status bar no longer claims "1 passed" as if it were current.
    const stale = await screenShows('.statusbar', 'out of date', 20_000);
    if (stale !== undefined) assert.equal(stale, true, 'the status bar marks the report out of date');

    const requests = used.standin.chatRequests.length;
    used.standin.enqueue({ content: editBlocks([SLUG_FIX]) });
    const loop = (await vscode.commands.executeCommand('turbo.fixUntilGreen', out)) as FixLoopReport;
    assert.equal(loop.outcome, 'green');
    assert.equal(loop.rounds.length, 1, 'the loop ran the tests, found the failure and fixed it in one round');
    assert.equal(used.standin.chatRequests.length, requests + 1);
    assert.match(await readText(lib), /'-'/);
  });

  it('Run Tests and Fix Until Green from the palette act on the active file\u2019s folder, not the folder tested before', async () => {
    const { out: other } = await useStandIn('out-loop-other');
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(other, 'package.json'),
      encode('{ "name": "other", "private": true, "scripts": { "test": "node --test" } }\n'),
    );
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(other, 'sum.test.js'),
      encode("require('node:test')('adds', () => require('node:assert').equal(1 + 1, 2));\n"),
    );
    await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument(vscode.Uri.joinPath(other, 'sum.test.js')),
    );
    const report = await runTestsConfirming();
    assert.equal(report.cwd, other.fsPath);
    assert.equal(report.green, true);
    const loop = (await vscode.commands.executeCommand('turbo.fixUntilGreen')) as FixLoopReport;
    assert.equal(loop.final.cwd, other.fsPath);
    assert.equal(loop.outcome, 'green');
    // And the palette tells "run the last folder again" apart from "Run Tests".
    const titles = (
      vscode.extensions.getExtension('turbo-dev.turbo')!.packageJSON.contributes.commands as {
        command: string;
        title: string;
      }[]
    )
      .filter((c) => /runTests|rerunTests/.test(c.command))
      .map((c) => c.title);
    assert.equal(new Set(titles.map((t) => t.replace(/^Turbo: /, ''))).size, 2);
    assert.ok(
      titles.some((t) => /Last/.test(t)),
      titles.join(' | '),
    );
  });

  it('a cancelled test run keeps the last complete run\u2019s failures in the Problems panel', async () => {
    await vscode.workspace.fs.writeFile(lib, encode(PROJECT['lib.js']));
    const failing = await runTestsConfirming(out);
    assert.equal(failing.failed, 1);
    const testFile = vscode.Uri.joinPath(out, 'test/lib.test.js');
    const shownNow = () => vscode.languages.getDiagnostics(testFile).filter((d) => d.source === 'turbo').length;
    assert.equal(shownNow(), 1);
    await setSetting('testCommand', 'sleep 30');
    try {
      const running = vscode.commands.executeCommand('turbo.runTests', out) as Thenable<TestReport>;
      await new Promise((r) => setTimeout(r, 500));
      // A second Run Tests while one runs offers "Stop It", which stops that run.
      await vscode.commands.executeCommand('turbo.runTests', out);
      const clicked = await clickNotificationButton('already running tests', 'Stop It');
      if (clicked === undefined) return; // no UI bridge (desktop VS Code): nothing can press the button
      assert.equal(clicked, true);
      const report = await running;
      assert.equal(report.cancelled, true);
      assert.equal(shownNow(), 1, 'the failure found by the last complete run is still shown');
      assert.equal(await screenShows('.statusbar', 'Tests cancelled', 5_000), true);
    } finally {
      await setSetting('testCommand', undefined);
    }
  });
});

describe('Editor loop: quick fixes act on their own folder', () => {
  it('the Re-run Tests quick fix runs the folder of its failure, not the folder tested last', async () => {
    const { out } = await useStandIn('out-loop-quickfix');
    for (const [file, text] of Object.entries(PROJECT))
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(out, file), encode(text));
    const { out: other } = await useStandIn('out-loop-quickfix-other');
    for (const [file, text] of Object.entries(PROJECT))
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(other, file), encode(text));
    const testFile = vscode.Uri.joinPath(out, 'test/lib.test.js');
    assert.equal((await runTestsConfirming(out)).failed, 1);
    assert.equal((await runTestsConfirming(other)).cwd, other.fsPath, 'now the folder tested last is the other one');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(testFile));
    const diagnostic = vscode.languages.getDiagnostics(testFile).find((d) => d.source === 'turbo')!;
    const actions = (await vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider',
      testFile,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    )) as vscode.CodeAction[];
    const rerun = actions.find((a) => a.title === 'Re-run Tests');
    assert.ok(rerun?.command, actions.map((a) => a.title).join(', '));
    const report = (await vscode.commands.executeCommand(
      rerun.command.command,
      ...(rerun.command.arguments ?? []),
    )) as TestReport;
    assert.equal(report.cwd, out.fsPath);
  });
});

describe('Fixes through the Refactor Preview (turbo.previewBeforeWrite)', () => {
  it('shows a fix in the Refactor Preview: Discard changes nothing and says so, Apply applies and re-runs', async () => {
    const { standin, out } = await useStandIn('out-fix-preview');
    for (const [file, text] of Object.entries(PROJECT))
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(out, file), encode(text));
    assert.equal((await runTestsConfirming(out)).failed, 1);
    await setSetting('previewBeforeWrite', true);
    try {
      let logBefore = (await turboLog()).length;
      standin.enqueue({ content: editBlocks([SLUG_FIX]) });
      const discarded = vscode.commands.executeCommand('turbo.fixAllFailures', out.fsPath);
      await waitForLog(/Showing the fix of 1 file in the Refactor Preview/, logBefore);
      await vscode.commands.executeCommand('refactorPreview.discard');
      assert.equal(await discarded, undefined);
      assert.equal(await readText(vscode.Uri.joinPath(out, 'lib.js')), PROJECT['lib.js']);
      await waitForLog(
        /The fix was not applied: it was discarded, or nothing was ticked, in the Refactor Preview/,
        logBefore,
      );

      logBefore = (await turboLog()).length;
      standin.enqueue({ content: editBlocks([SLUG_FIX]) });
      const applying = vscode.commands.executeCommand('turbo.fixAllFailures', out.fsPath) as Thenable<{
        report: TestReport;
      }>;
      await waitForLog(/Showing the fix of 1 file in the Refactor Preview/, logBefore);
      // Changes that need confirmation start unticked: tick lib.js as a person would.
      const ticked = await clickIn({
        scope: '.monaco-list-row:has(input[type=checkbox])',
        text: 'lib.js',
        target: 'input[type=checkbox]',
      });
      if (ticked === undefined) {
        await vscode.commands.executeCommand('refactorPreview.discard');
        await applying;
        return; // no UI bridge (desktop VS Code): nothing can tick the box
      }
      assert.equal(ticked, true);
      await vscode.commands.executeCommand('refactorPreview.apply');
      assert.equal((await applying).report.green, true);
      assert.match(await readText(vscode.Uri.joinPath(out, 'lib.js')), /'-'/);
    } finally {
      await setSetting('previewBeforeWrite', undefined);
    }
  });
});

describe('Undo Last Generation keeps what the person changed since', () => {
  it('leaves an edited file alone, undoes the rest, and says what it kept', async () => {
    const { standin, out } = await useStandIn('out-undo-kept');
    await setSetting('overwrite', 'always');
    const replaced = vscode.Uri.joinPath(out, 'replaced.txt');
    await vscode.workspace.fs.writeFile(replaced, encode('mine\n'));
    await openContract();
    standin.enqueue({
      content: fileBlocks({ 'a.txt': 'generated a\n', 'b.txt': 'generated b\n', 'replaced.txt': 'generated r\n' }),
    });
    await vscode.commands.executeCommand('turbo.generate');
    // The person edits a generated file and saves, and edits the replaced one without saving.
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(out, 'a.txt'), encode('generated a\nmy line\n'));
    const doc = await vscode.workspace.openTextDocument(replaced);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(1, 0), 'unsaved\n'));

    const logBefore = (await turboLog()).length;
    const undoing = vscode.commands.executeCommand('turbo.undoLastGeneration') as Thenable<
      { removed: number; restored: number; kept: vscode.Uri[] } | undefined
    >;
    await waitForLog(
      /Undo: 2 files changed since the generation: out-undo-kept\/a\.txt, out-undo-kept\/replaced\.txt\./,
      logBefore,
    );
    await acceptQuickPick();
    const result = await undoing;
    assert.ok(result);
    assert.deepEqual([result.removed, result.restored, result.kept.length], [1, 0, 2]);
    assert.deepEqual(await listTree(out), ['a.txt', 'replaced.txt']);
    assert.equal(await readText(vscode.Uri.joinPath(out, 'a.txt')), 'generated a\nmy line\n');
    assert.equal(doc.getText(), 'generated r\nunsaved\n');
    const said = await notificationShown('Kept 2 files you changed since');
    if (said !== undefined) assert.equal(said, true);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('puts everything back only when the person chooses Undo Everything; Escape undoes nothing', async () => {
    const { standin, out } = await useStandIn('out-undo-all');
    await openContract();
    standin.enqueue({ content: fileBlocks({ 'a.txt': 'generated a\n', 'b.txt': 'generated b\n' }) });
    await vscode.commands.executeCommand('turbo.generate');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(out, 'a.txt'), encode('edited\n'));

    let logBefore = (await turboLog()).length;
    const escaped = vscode.commands.executeCommand('turbo.undoLastGeneration');
    await waitForLog(/Undo: 1 file changed since the generation/, logBefore);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await escaped, undefined);
    assert.deepEqual(await listTree(out), ['a.txt', 'b.txt'], 'Escape undid nothing');

    logBefore = (await turboLog()).length;
    const undoing = vscode.commands.executeCommand('turbo.undoLastGeneration') as Thenable<{
      removed: number;
      kept: vscode.Uri[];
    }>;
    await waitForLog(/Undo: 1 file changed since the generation/, logBefore);
    await quickPickShows('Undo Everything');
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await acceptQuickPick();
    const result = await undoing;
    assert.deepEqual([result.removed, result.kept.length], [2, 0]);
    assert.deepEqual(await listTree(out), []);
  });
});

describe('Cancel means stop; time is stream time', () => {
  it('cancelling mid-stream asks nothing about existing files and leaves them as they were', async () => {
    const { standin, out } = await useStandIn('out-cancel-ask');
    await setSetting('overwrite', 'ask');
    const exists = vscode.Uri.joinPath(out, 'exists.txt');
    await vscode.workspace.fs.writeFile(exists, encode('mine\n'));
    await openContract();
    standin.enqueue({
      content: fileBlocks({ 'exists.txt': 'theirs\n', 'first.txt': 'one\n', 'long.txt': 'x'.repeat(60_000) }),
      chunkSize: 16,
      tokensPerSecond: 2000,
    });
    const logBefore = (await turboLog()).length;
    const running = vscode.commands.executeCommand('turbo.generate') as Thenable<GenerationReport>;
    await waitForLog(/Wrote first\.txt/, logBefore);
    await vscode.commands.executeCommand('turbo.cancelGeneration');
    const report = await running;
    assert.equal(report.error?.kind, 'cancelled');
    assert.doesNotMatch((await turboLog()).slice(logBefore), /Asking about/);
    assert.equal(await readText(exists), 'mine\n');
    assert.deepEqual(
      report.rejected.map((r) => [r.path, r.reason]),
      [['exists.txt', 'generation cancelled']],
    );
  });

  it('counts the files that landed while the stream pauses, not only at the next chunk', async () => {
    const { standin } = await useStandIn('out-pause-count');
    await setSetting('overwrite', 'always');
    await openContract();
    await vscode.commands.executeCommand('notifications.clearAll');
    let release!: () => void;
    const until = new Promise<void>((r) => (release = r));
    const content = fileBlocks({ 'one.txt': '1\n', 'two.txt': '2\n', 'three.txt': '3'.repeat(4_000) });
    standin.enqueue({
      content,
      chunkSize: 16,
      tokensPerSecond: 3000,
      pauseAfterChunks: { chunks: Math.floor(content.indexOf('three.txt') / 16) + 2, until },
    });
    const logBefore = (await turboLog()).length;
    const running = vscode.commands.executeCommand('turbo.generate') as Thenable<GenerationReport>;
    try {
      await waitForLog(/Wrote two\.txt/, logBefore);
      const counted = await screenShows('.notification-toast', '2 files written', 20_000);
      if (counted !== undefined) assert.equal(counted, true, 'the progress counts both files written before the pause');
    } finally {
      release();
    }
    assert.equal((await running).files.length, 3);
  });

  it('reports the stream time, and the wall time separately when the person took a while to answer', async () => {
    const { standin, out } = await useStandIn('out-wall-time');
    await setSetting('overwrite', 'ask');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(out, 'exists.txt'), encode('mine\n'));
    await openContract();
    standin.enqueue({ content: fileBlocks({ 'exists.txt': 'theirs\n', 'new.txt': 'new\n' }) });
    const logBefore = (await turboLog()).length;
    const running = vscode.commands.executeCommand('turbo.generate') as Thenable<GenerationReport>;
    await waitForLog(/Asking about 1 existing file/, logBefore);
    await new Promise((r) => setTimeout(r, 2_000));
    await acceptQuickPick();
    const report = await running;
    assert.equal(report.error, undefined);
    assert.ok(
      report.durationMs - report.streamMs >= 1_900,
      `stream ${report.streamMs} ms, wall ${report.durationMs} ms`,
    );
    const shown = await notificationShown('s in all, with your answer');
    if (shown !== undefined) assert.equal(shown, true);
  });
});

describe('Review Changes: the multi-file diff of a generation or fix', () => {
  it('opens VS Code\u2019s multi-file diff of what a generation replaced; Revert All puts the old file back', async () => {
    const { standin, out } = await useStandIn('out-review');
    await setSetting('overwrite', 'always');
    const replaced = vscode.Uri.joinPath(out, 'app.py');
    await vscode.workspace.fs.writeFile(replaced, encode('print("old")\n'));
    await openContract();
    standin.enqueue({ content: fileBlocks({ 'app.py': 'print("new")\n', 'util.py': 'X = 1\n' }) });
    await vscode.commands.executeCommand('turbo.generate');
    const offered = await notificationShown('Turbo wrote 2 files');
    if (offered !== undefined) assert.equal(offered, true);

    const shown = (await vscode.commands.executeCommand('turbo.reviewChanges')) as number;
    assert.equal(shown, 2);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.match(tab?.label ?? '', /^Turbo: generation of .* \(2 files\)$/);
    const onScreen = await screenShows('.monaco-workbench', 'print("old")', 10_000);
    if (onScreen !== undefined) assert.equal(onScreen, true, 'the diff shows the replaced text');

    assert.equal(await vscode.commands.executeCommand('turbo.revertChanges'), true);
    assert.equal(await readText(replaced), 'print("old")\n');
    assert.deepEqual(await listTree(out), ['app.py']);
    assert.ok(
      !vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label.startsWith('Turbo: generation'))),
      'the review closed',
    );
  });

  it('a fix is recorded too: Show Diff reviews it and Undo puts the file back', async () => {
    const { standin, out } = await useStandIn('out-review-fix');
    await openContract();
    standin.enqueue({ content: fileBlocks(PROJECT) });
    await vscode.commands.executeCommand('turbo.generate');
    await runTestsConfirming(out);
    standin.enqueue({ content: editBlocks([SLUG_FIX]) });
    await vscode.commands.executeCommand('turbo.fixAllFailures', out.fsPath);
    assert.equal(await vscode.commands.executeCommand('turbo.reviewChanges'), 1);
    // VS Code adds the count; 1.96 writes "(1 files)".
    assert.match(vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '', /^Turbo: fix of .* \(1 files?\)$/);
    assert.equal(await vscode.commands.executeCommand('turbo.revertChanges'), true);
    assert.equal(await readText(vscode.Uri.joinPath(out, 'lib.js')), PROJECT['lib.js']);
  });
});

describe('Review and undo, as walked by a person', () => {
  /** Generates into a folder holding `existing`, with the overwrite policy given. */
  async function generateOver(
    folder: string,
    existing: Record<string, string>,
    answer: Record<string, string>,
    overwrite = 'always',
  ) {
    const { standin, out } = await useStandIn(folder);
    await setSetting('overwrite', overwrite);
    for (const [file, text] of Object.entries(existing))
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(out, file), encode(text));
    await openContract();
    standin.enqueue({ content: fileBlocks(answer) });
    const logBefore = (await turboLog()).length;
    return { out, logBefore, running: vscode.commands.executeCommand('turbo.generate') as Thenable<GenerationReport> };
  }

  it('Cancel while the overwrite question is open closes it and writes nothing more', async () => {
    const { out, running, logBefore } = await generateOver(
      'out-cancel-question',
      { 'exists.txt': 'mine\n' },
      { 'exists.txt': 'theirs\n', 'new.txt': 'new\n' },
      'ask',
    );
    await waitForLog(/Asking about 1 existing file/, logBefore);
    await vscode.commands.executeCommand('turbo.cancelGeneration');
    const report = await running;
    assert.equal(report.error?.kind, 'cancelled');
    await waitForLog(/Existing files: cancel\./, logBefore);
    assert.equal(await readText(vscode.Uri.joinPath(out, 'exists.txt')), 'mine\n');
    assert.deepEqual(
      report.rejected.map((r) => [r.path, r.reason]),
      [['exists.txt', 'generation cancelled']],
    );
  });

  it('a file rewritten with its own bytes is not a change: the review shows only real changes', async () => {
    const { running } = await generateOver(
      'out-review-same',
      { 'same.txt': 'same\n', 'diff.txt': 'old\n' },
      { 'same.txt': 'same\n', 'diff.txt': 'new\n' },
    );
    assert.equal((await running).files.length, 2);
    assert.equal(await vscode.commands.executeCommand('turbo.reviewChanges'), 1);
    // Accept All in the diff editor's title bar, as a person clicks it.
    const clicked = await clickIn({
      scope: '.editor-actions:has(a[aria-label*="Accept All Changes"])',
      text: '',
      target: 'a[aria-label*="Accept All Changes"]',
    });
    if (clicked !== undefined) {
      assert.equal(clicked, true, 'Accept All is in the title bar of the multi-file diff');
      for (
        let i = 0;
        i < 50 && vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label.startsWith('Turbo: generation')));
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      assert.ok(
        !vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label.startsWith('Turbo: generation'))),
        'Accept All closed the review',
      );
      // Accepted: not offered for review again.
      assert.equal(await vscode.commands.executeCommand('turbo.reviewChanges'), undefined);
    }
  });

  it('Undo on a summary whose generation was already undone says so and changes nothing', async () => {
    const { out, running } = await generateOver('out-undo-twice', {}, { 'zzz.py': 'z = 1\n' });
    await running;
    await vscode.commands.executeCommand('turbo.undoLastGeneration');
    assert.deepEqual(await listTree(out), []);
    const clicked = await clickNotificationButton('Turbo wrote 1 file', 'Undo');
    if (clicked === undefined) return; // no UI bridge
    assert.equal(clicked, true);
    assert.equal(await notificationShown('that generation was already undone'), true);
  });

  it('Revert Files… puts back only the ticked file and says what is still under review', async () => {
    const { out, running } = await generateOver(
      'out-revert-some',
      { 'a.txt': 'old a\n', 'b.txt': 'old b\n' },
      { 'a.txt': 'new a\n', 'b.txt': 'new b\n' },
    );
    await running;
    assert.equal(await vscode.commands.executeCommand('turbo.reviewChanges'), 2);
    const logBefore = (await turboLog()).length;
    const reverting = vscode.commands.executeCommand('turbo.revertFiles') as Thenable<number>;
    await waitForLog(/Revert Files: asking which of 2 files to put back/, logBefore);
    await quickPickShows('a.txt');
    // Ticks the first file (a.txt), as Down then Space do in the list.
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.quickPickManyToggle');
    await acceptQuickPick();
    assert.equal(await reverting, 1);
    assert.equal(await readText(vscode.Uri.joinPath(out, 'a.txt')), 'old a\n');
    assert.equal(await readText(vscode.Uri.joinPath(out, 'b.txt')), 'new b\n');
    await waitForLog(/put back out-revert-some\/a\.txt\. 1 file of the generation still under review\./, logBefore);
  });

  it('Open on the summary opens the main file as a kept tab, not an empty __init__.py over the contract', async () => {
    // Earlier tests' summaries ("Turbo wrote 2 files (2 lines …") must not take the click.
    await clearNotifications();
    const { out, running } = await generateOver(
      'out-open-main',
      {},
      { 'app/__init__.py': '', 'app/main.py': 'print("hi")\n' },
    );
    await running;
    const clicked = await clickNotificationButton('Turbo wrote 2 files (1 line', 'Open');
    if (clicked === undefined) return; // no UI bridge
    assert.equal(clicked, true);
    for (
      let i = 0;
      i < 50 && vscode.window.activeTextEditor?.document.uri.path !== vscode.Uri.joinPath(out, 'app/main.py').path;
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(vscode.window.activeTextEditor?.document.uri.path, vscode.Uri.joinPath(out, 'app/main.py').path);
    assert.equal(vscode.window.tabGroups.activeTabGroup.activeTab?.isPreview, false);
  });
});
