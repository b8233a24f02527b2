import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RaceOutcome } from '../../../src/extension/race/raceCommand';
import { fileBlocks } from '../../standin/server';
import {
  acceptQuickPickUntil,
  exists,
  listTree,
  notificationShown,
  openContract,
  quickPickShows,
  readText,
  screenShows,
  screenshot,
  turboLog,
  useStandIn,
  waitForLog,
} from '../helpers';

const PACKAGE = '{ "name": "calc", "private": true, "scripts": { "test": "node --test" } }\n';
const TEST =
  "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { add, mul } = require('../src/calc');\n\n" +
  "test('adds', () => assert.equal(add(2, 3), 5));\ntest('multiplies', () => assert.equal(mul(2, 3), 6));\n";
const PASSING =
  "const { twice } = require('./helpers');\n\nmodule.exports = { add: (a, b) => a + b, mul: (a, b) => twice(a * b) / 2 };\n";
const HELPERS = 'module.exports = { twice: (n) => n * 2 };\n';
const BUGGY = 'module.exports = { add: (a, b) => a + b, mul: (a, b) => a + b };\n';
const BROKEN = 'module.exports = { add: (a, b) => a + b,, };\n';

const encode = (text: string) => new TextEncoder().encode(text);
const scratchDirs = () => new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('turbo-race-')));

async function until<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((r) => setTimeout(r, 50))) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
  }
  assert.fail(what);
}

describe('Race Candidates in the editor', () => {
  let out: vscode.Uri;
  const calc = () => vscode.Uri.joinPath(out, 'src', 'calc.js');
  const helpers = () => vscode.Uri.joinPath(out, 'src', 'helpers.js');

  it('races three candidates from the contract editor: the passing one lands, the view compares, a swap is undone in one step', async () => {
    const used = await useStandIn('out-race');
    out = used.out;
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(out, 'package.json'), encode(PACKAGE));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(out, 'test', 'calc.test.js'), encode(TEST));
    const editor = await openContract();
    const lenses = (await vscode.commands.executeCommand(
      'vscode.executeCodeLensProvider',
      editor.document.uri,
      10,
    )) as vscode.CodeLens[];
    const lens = lenses.find((l) => l.command?.command === 'turbo.raceCandidates');
    assert.equal(lens?.command?.title, '$(rocket) Race 3', 'the lens beside Generate says how many race');

    used.standin.enqueue(
      { content: fileBlocks({ 'src/calc.js': BUGGY }) },
      { content: fileBlocks({ 'src/calc.js': PASSING, 'src/helpers.js': HELPERS }) },
      { content: fileBlocks({ 'src/calc.js': BROKEN }) },
    );
    const requests = used.standin.chatRequests.length;
    const logBefore = (await turboLog()).length;
    const running = vscode.commands.executeCommand('turbo.raceCandidates') as Thenable<RaceOutcome>;
    // Run Tests' confirmation of the detected command, once for the folder.
    await waitForLog(/Asking to confirm the detected test command/, logBefore);
    await acceptQuickPickUntil(/Racing 3 candidates/, logBefore);
    const { report, view } = await running;
    assert.equal(used.standin.chatRequests.length, requests + 3, 'three requests');
    assert.equal(report.candidates.length, 3);
    const byContent = (text: string) =>
      report.candidates.find((c) => c.files.some((f) => f.path === 'src/calc.js' && f.content === text))!;
    const [passing, buggy, broken] = [byContent(PASSING), byContent(BUGGY), byContent(BROKEN)];
    const summary = JSON.stringify(
      report.candidates.map((c) => [
        c.candidate,
        c.green,
        c.passed,
        c.failed,
        c.loads,
        c.error,
        c.notGreenBecause,
        c.refused,
      ]),
    );
    assert.equal(report.winner, passing.candidate, `the passing candidate wins: ${summary}`);
    assert.equal(report.green, true);
    assert.deepEqual([buggy.green, buggy.passed, buggy.failed], [false, 1, 1]);
    assert.equal(broken.green, false);
    assert.equal(await readText(calc()), PASSING, "the winner's files are in the folder");
    assert.equal(await readText(helpers()), HELPERS);
    assert.deepEqual(await listTree(out), ['package.json', 'src/calc.js', 'src/helpers.js', 'test/calc.test.js']);

    // The comparison view: one row per candidate, the winner applied.
    assert.ok(view, 'the comparison view opened');
    const html = view.panel.webview.html;
    assert.equal((html.match(/<tr data-candidate=/g) ?? []).length, 3);
    assert.match(html, new RegExp(`Candidate ${passing.candidate} won: it is green\\. It is applied\\.`));
    assert.match(html, /1 passed, 1 failed/);
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.startsWith('Turbo: Race'));
    assert.ok(tab?.input instanceof vscode.TabInputWebview, 'the view is a webview tab');
    const shown = await screenShows('.tabs-container', 'Turbo: Race (tasks.contract.md)');
    if (shown !== undefined) assert.equal(shown, true, 'the view is on screen');
    // The picture is part of the test's output: the harness prints where it is (.vscode-test/evidence/).
    const pictured = await screenshot('race-comparison.png', {
      text: 'Turbo: Race (tasks.contract.md)',
      evidence: true,
    });
    if (pictured !== undefined) assert.equal(pictured, true, 'the comparison view was pictured');

    // Open Diff vs Winner: each file under its folder's name, one the winner alone has marked deleted, none "renamed".
    assert.equal(await view.act('diffWinner', buggy.candidate), true);
    const labelled = await screenShows('.multiDiffEntry .label-description', 'out-race/src');
    if (labelled !== undefined) assert.equal(labelled, true, "the diff names the files' folder");
    const deleted = await screenShows('.multiDiffEntry .status.deleted', 'D');
    if (deleted !== undefined) assert.equal(deleted, true, 'helpers.js, which only the winner has, is marked deleted');
    const renamed = await screenShows('.multiDiffEntry .status.renamed', 'R', 3000, 3000);
    if (renamed !== undefined) assert.equal(renamed, false, 'no file of the diff is marked renamed');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    // "Use This One Instead" on the buggy candidate (the view's button calls the same method).
    assert.equal(await view.use(buggy.candidate), true);
    assert.equal(view.applied, buggy.candidate);
    assert.equal(await readText(calc()), BUGGY);
    assert.equal(await exists(helpers()), false, 'the file only the winner had is gone: the folder held none before');
    assert.match(view.panel.webview.html, new RegExp(`Candidate ${buggy.candidate} is applied instead`));

    // One Undo puts the winner back, in both files.
    const doc = await vscode.workspace.openTextDocument(calc());
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await until(() => doc.getText() === PASSING, `undo restored calc.js; it holds ${JSON.stringify(doc.getText())}`);
    await until(() => exists(helpers()), 'undo brought helpers.js back');
    assert.equal(await readText(helpers()), HELPERS);
    // The Undo may leave calc.js unsaved: the view counts what the tests would read.
    await doc.save();
    // The view follows: after the Undo it says the winner is applied again, not the candidate it swapped to.
    await until(async () => view.applied === passing.candidate, `the view says candidate ${view.applied} is applied`);
    assert.match(view.panel.webview.html, /It is applied\./);
    // An edit of the person's own: no candidate is in the folder as it was.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(calc(), new vscode.Position(0, 0), '// mine\n');
    await vscode.workspace.applyEdit(edit);
    await until(async () => view.applied === undefined, 'the view noticed the edit');
    assert.match(view.panel.webview.html, /No candidate is in the folder as it was written/);
    // Using another candidate from there swaps from the winner: the file only the winner had goes back too.
    await doc.save();
    assert.equal(await view.use(buggy.candidate), true);
    assert.equal(await readText(calc()), BUGGY);
    assert.equal(await exists(helpers()), false, 'the winner-only file went back to what the folder held: none');
    await vscode.commands.executeCommand('undo');
    await until(() => exists(helpers()), 'undo of the swap brought helpers.js back');
    await until(() => doc.getText().startsWith('// mine\n'), 'undo of the swap restored the edited calc.js');
    await doc.save();
    await vscode.commands.executeCommand('undo');
    await until(() => doc.getText() === PASSING, 'the edit undone');
    await doc.save();
    view.dispose();
  });

  it('a winner that could not be written (its file is open with unsaved changes) is not called applied', async () => {
    const { standin } = await useStandIn('out-race');
    const doc = await vscode.workspace.openTextDocument(calc());
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// mine, not saved\n'));
    assert.equal(doc.isDirty, true);
    const other = PASSING.replace('a + b', 'b + a');
    standin.enqueue(
      { content: fileBlocks({ 'src/calc.js': other }) },
      { content: fileBlocks({ 'src/calc.js': BUGGY }) },
      { content: fileBlocks({ 'src/calc.js': BROKEN }) },
    );
    await openContract();
    const outcome = (await vscode.commands.executeCommand('turbo.raceCandidates')) as RaceOutcome | undefined;
    try {
      assert.ok(outcome?.view, 'the comparison view opened');
      const { report, view } = outcome;
      assert.equal(report.green, true);
      assert.deepEqual(
        report.landed?.rejected.map((r) => r.path),
        ['src/calc.js'],
      );
      await until(
        () =>
          view.applied === undefined && /No candidate is in the folder as it was written/.test(view.panel.webview.html),
        'the view does not call the winner applied',
      );
      assert.doesNotMatch(view.panel.webview.html, /It is applied/);
      const told = await notificationShown('but not all of it is in out-race: not written src/calc.js');
      if (told !== undefined) assert.equal(told, true);
      view.dispose();
    } finally {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('cancelling mid-race leaves the folder as it was and no scratch copy behind', async () => {
    const { standin } = await useStandIn('out-race');
    await openContract();
    const before = await listTree(out);
    const calcBefore = await readText(calc());
    const earlier = scratchDirs();
    const slow = { content: fileBlocks({ 'src/calc.js': `${BUGGY}// ${'x'.repeat(2000)}\n` }), tokensPerSecond: 40 };
    standin.enqueue(slow, slow, slow);
    const running = vscode.commands.executeCommand('turbo.raceCandidates') as Thenable<RaceOutcome | undefined>;
    const copies = await until(() => {
      const now = [...scratchDirs()].filter((d) => !earlier.has(d));
      return now.length >= 3 ? now : undefined;
    }, 'three scratch copies appeared in the temp folder');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await vscode.commands.executeCommand('turbo.cancelGeneration'), true);
    const outcome = await running;
    assert.equal(outcome?.report.cancelled, true);
    assert.equal(outcome?.view, undefined);
    assert.deepEqual(await listTree(out), before);
    assert.equal(await readText(calc()), calcBefore);
    for (const dir of copies) assert.equal(fs.existsSync(path.join(os.tmpdir(), dir)), false, `${dir} was removed`);
    const told = await notificationShown('Turbo: race cancelled.');
    if (told !== undefined) assert.equal(told, true);
  });

  it('Fix Until Green is refused while a race runs: both would write the same folder', async () => {
    const { standin } = await useStandIn('out-race');
    await openContract();
    const slow = { content: fileBlocks({ 'src/calc.js': `${PASSING}// ${'x'.repeat(2000)}\n` }), tokensPerSecond: 40 };
    standin.enqueue(slow, slow, slow);
    const before = standin.chatRequests.length;
    const running = vscode.commands.executeCommand('turbo.raceCandidates') as Thenable<RaceOutcome | undefined>;
    await until(() => standin.chatRequests.length >= before + 3, "the race's three requests were sent");
    const requests = standin.chatRequests.length;
    try {
      assert.equal(await vscode.commands.executeCommand('turbo.fixUntilGreen', out), undefined);
      assert.equal(standin.chatRequests.length, requests, 'the fix sent nothing');
      const told = await notificationShown('Turbo is already generating');
      if (told !== undefined) assert.equal(told, true);
    } finally {
      await vscode.commands.executeCommand('turbo.cancelGeneration');
      await running;
    }
  });

  it('Race Candidates from the palette outside a contract asks which contract, under its own name', async () => {
    await useStandIn('out-race');
    await vscode.window.showTextDocument(vscode.Uri.joinPath(out, 'package.json'));
    const logBefore = (await turboLog()).length;
    const running = vscode.commands.executeCommand('turbo.raceCandidates') as Thenable<RaceOutcome | undefined>;
    await waitForLog(/Asking which contract to race candidates from/, logBefore);
    const shown = await quickPickShows('Turbo: Race Candidates');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await running, undefined);
    if (shown !== undefined) assert.equal(shown, true, 'the pick is titled Turbo: Race Candidates');
  });

  it('a race from a file that is not a contract is refused with a clear message', async () => {
    const { standin } = await useStandIn('out-race');
    const requests = standin.chatRequests.length;
    const logBefore = (await turboLog()).length;
    const file = vscode.Uri.joinPath(out, 'package.json');
    assert.equal(await vscode.commands.executeCommand('turbo.raceCandidates', file), undefined);
    await waitForLog(/Refused to race candidates from .*package\.json: not a contract/, logBefore);
    assert.equal(standin.chatRequests.length, requests, 'nothing was sent');
    const told = await notificationShown('package.json is not a contract. Race Candidates works on contracts');
    if (told !== undefined) assert.equal(told, true);
  });
});
