import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { GenerationReport } from '../../../src/core/generation/pipeline';
import type { FixLoopReport, TestReport } from '../../../src/core/testing/loop';
import { editBlocks, fileBlocks } from '../../standin/server';
import { acceptQuickPick, openContract, readText, screenShows, turboLog, useStandIn, waitForLog } from '../helpers';

/** A small generated project whose tests fail twice: a wrong separator, and a missing default. */
const PROJECT: Record<string, string> = {
  'package.json': '{ "name": "generated", "private": true, "scripts": { "test": "node --test" } }\n',
  'lib.js':
    "function slugify(text) {\n  return text.toLowerCase().replace(/ /g, '_');\n}\n\nfunction total(items) {\n  return items.reduce((sum, item) => sum + item.price, 0);\n}\n\nmodule.exports = { slugify, total };\n",
  'test/lib.test.js':
    "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { slugify, total } = require('../lib');\n\ntest('slugify joins words with dashes', () => {\n  assert.equal(slugify('Hello World'), 'hello-world');\n});\n\ntest('total adds prices', () => {\n  assert.equal(total([{ price: 2 }, { price: 3 }]), 5);\n});\n\ntest('total of missing items', () => {\n  assert.equal(total(undefined), 0);\n});\n",
};
const SLUG_FIX = {
  file: 'lib.js',
  search: "  return text.toLowerCase().replace(/ /g, '_');",
  replace: "  return text.toLowerCase().replace(/ /g, '-');",
};
const TOTAL_FIX = { file: 'lib.js', search: 'function total(items) {', replace: 'function total(items = []) {' };

const turboDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'turbo');
const at = (d: vscode.Diagnostic) => `${d.range.start.line + 1}:${d.range.start.character + 1}`;

describe('Test loop: run the tests, diagnostics, Fix with Turbo, Fix Until Green', () => {
  let out: vscode.Uri;
  let testFile: vscode.Uri;
  let libFile: vscode.Uri;

  it('generates a project from the stand-in and runs its real failing tests after one confirmation', async () => {
    const used = await useStandIn('out-tests');
    out = used.out;
    testFile = vscode.Uri.joinPath(out, 'test/lib.test.js');
    libFile = vscode.Uri.joinPath(out, 'lib.js');
    await openContract();
    used.standin.enqueue({ content: fileBlocks(PROJECT) });
    const generated = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
    assert.equal(generated.error, undefined);
    assert.equal(generated.files.length, 3);

    const logBefore = (await turboLog()).length;
    const running = vscode.commands.executeCommand('turbo.runTests', out) as Thenable<TestReport>;
    // The detected command ("npm test", from package.json) is confirmed once for the folder.
    await waitForLog(/Asking to confirm the detected test command "npm test"/, logBefore);
    await acceptQuickPick();
    const report = await running;
    assert.equal(report.command, 'npm test');
    assert.equal(report.runner, 'node');
    assert.deepEqual([report.passed, report.failed, report.green], [1, 2, false]);
  });

  it('shows each failure at its assertion, with the raising line in lib.js, in the Problems panel', async () => {
    const inTest = turboDiagnostics(testFile);
    assert.deepEqual(
      inTest.map((d) => [at(d), d.severity, d.code]),
      [
        ['6:10', vscode.DiagnosticSeverity.Error, 'slugify joins words with dashes'],
        ['14:16', vscode.DiagnosticSeverity.Error, 'total of missing items'],
      ],
    );
    assert.match(inTest[0].message, /expected 'hello-world', got 'hello_world'/);
    assert.deepEqual(
      inTest[1].relatedInformation?.map(
        (r) => `${vscode.workspace.asRelativePath(r.location.uri, false)}:${r.location.range.start.line + 1}`,
      ),
      ['out-tests/lib.js:6'],
    );
    const inLib = turboDiagnostics(libFile);
    assert.deepEqual(inLib.map(at), ['6:16']);
    assert.match(inLib[0].message, /^raised here: TypeError/);
    // The status bar, read off the screen where the UI bridge is available (code-server).
    const shown = await screenShows('.statusbar', '✗ 2 failed', 5_000);
    if (shown !== undefined) assert.equal(shown, true, 'the status bar shows "✗ 2 failed"');
  });

  it('offers Fix with Turbo, Fix All Failures, Re-run Tests and Show Test Output as quick fixes', async () => {
    const diagnostic = turboDiagnostics(testFile)[0];
    // The provider runs on a text model: the file must be open, as it is when a person asks.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(testFile));
    const actions = (await vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider',
      testFile,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    )) as vscode.CodeAction[];
    const titles = actions.map((a) => a.title);
    for (const title of [
      'Fix with Turbo (slugify joins words with dashes)',
      'Fix All 2 Failures with Turbo',
      'Re-run Tests',
      'Show Test Output',
    ])
      assert.ok(titles.includes(title), `${title} in ${titles.join(', ')}`);
  });

  it('a fix whose SEARCH does not match changes nothing and says so', async () => {
    const used = await useStandIn('out-tests');
    const before = await readText(libFile);
    used.standin.enqueue({
      content: editBlocks([{ file: 'lib.js', search: 'function slugify(txt) {', replace: 'function slugify(text) {' }]),
    });
    const diagnostic = turboDiagnostics(testFile)[0];
    const result = await vscode.commands.executeCommand(
      'turbo.fixFailure',
      testFile,
      diagnostic.range,
      diagnostic.message,
    );
    assert.equal(result, undefined);
    assert.equal(await readText(libFile), before);
    assert.equal(turboDiagnostics(testFile).length, 2, 'the diagnostics stay');
  });

  it('Fix with Turbo sends the contract, the failure and the files, applies the edit as a WorkspaceEdit and re-runs the tests', async () => {
    const used = await useStandIn('out-tests');
    used.standin.enqueue({ content: editBlocks([SLUG_FIX], 'The separator is wrong.\n\n') });
    const diagnostic = turboDiagnostics(testFile)[0];
    // The provider runs on a text model: the file must be open, as it is when a person asks.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(testFile));
    const actions = (await vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider',
      testFile,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    )) as vscode.CodeAction[];
    const fix = actions.find((a) => a.title.startsWith('Fix with Turbo'))!;
    // The edit is saved through the editor: the file keeps its mode.
    fs.chmodSync(libFile.fsPath, 0o750);
    const changedByEdit: string[] = [];
    const sub = vscode.workspace.onDidChangeTextDocument(
      (e) => e.contentChanges.length && changedByEdit.push(vscode.workspace.asRelativePath(e.document.uri, false)),
    );
    const result = (await vscode.commands.executeCommand(fix.command!.command, ...(fix.command!.arguments ?? []))) as {
      report: TestReport;
    };
    sub.dispose();
    assert.ok(changedByEdit.includes('out-tests/lib.js'), 'lib.js changed through the editor');
    assert.equal(
      await readText(libFile),
      PROJECT['lib.js'].replace("/ /g, '_'", "/ /g, '-'"),
      'the edit is applied and saved',
    );
    if (process.platform !== 'win32') assert.equal(fs.statSync(libFile.fsPath).mode & 0o777, 0o750, 'the mode is kept');
    assert.equal(result.report.failures.length, 1);
    // The stale diagnostic is gone; the other failure stays.
    assert.deepEqual(turboDiagnostics(testFile).map(at), ['14:16']);
    const sent = (used.standin.chatRequests.at(-1)!.body as { messages: { content: string }[] }).messages[1].content;
    assert.match(sent, /## Contract\n\n[\s\S]*## API CONTRACT/, 'the contract of the last generation is sent');
    assert.match(sent, /slugify joins words with dashes at test\/lib\.test\.js:6:10/);
    assert.match(sent, /function slugify\(text\)/, 'lib.js is sent');
  });

  it('Fix Until Green fixes the rest in one round and ends green, with no diagnostics left', async () => {
    const used = await useStandIn('out-tests');
    used.standin.enqueue({ content: editBlocks([TOTAL_FIX]) });
    const loop = (await vscode.commands.executeCommand('turbo.fixUntilGreen', out)) as FixLoopReport;
    assert.equal(loop.outcome, 'green');
    assert.equal(loop.rounds.length, 1);
    assert.deepEqual([loop.rounds[0].failingBefore, loop.rounds[0].failingAfter], [1, 0]);
    assert.equal(loop.final.green, true);
    assert.equal(loop.final.passed, 3);
    assert.deepEqual(turboDiagnostics(testFile), []);
    assert.deepEqual(turboDiagnostics(libFile), []);
    assert.match(await readText(libFile), /function total\(items = \[\]\)/);
    const shown = await screenShows('.statusbar', '✓ 3 passed', 5_000);
    if (shown !== undefined) assert.equal(shown, true, 'the status bar shows "✓ 3 passed"');
  });
});
