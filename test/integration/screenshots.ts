/**
 * The README's pictures, taken from the real editor by the harness: `npm run screenshots` runs this
 * suite alone (TURBO_IT_ONLY=screenshots) and saves them in docs/images. It drives the flow a person
 * follows against the stand-in: a contract, a generation mid-stream and its summary, a failing test
 * run with the quick fixes, Fix Until Green. Each picture is taken only once its text is on screen,
 * and the flow's results are asserted, so a picture never shows something that did not happen. It is
 * not part of `npm test`: it rewrites the images, which is wanted only when the UI changed.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerationReport } from '../../src/core/generation/pipeline';
import type { FixLoopReport, TestReport } from '../../src/core/testing/loop';
import { mocha } from './mochaSetup';
import {
  clearNotifications,
  screenShows,
  screenshot,
  setSetting,
  turboLog,
  useStandIn,
  waitForLog,
  workspaceRoot,
  type ScreenshotOptions,
} from './helpers';
import { ANSWER, FIX, PAUSE_AT_CHAR, REASONING } from './screenshotProject';

const TOAST = '.notification-toast';
const CHUNK = 16;
/** About the speed of gpt-oss-120b on Cerebras, so the numbers on screen are the ones a person sees. */
const RATE = 3000;

async function shoot(name: string, options: ScreenshotOptions): Promise<void> {
  assert.equal(
    await screenshot(name, options),
    true,
    `${name}: "${options.text}" was on screen and the picture was saved`,
  );
}

async function command<T>(id: string, ...args: unknown[]): Promise<T> {
  return (await vscode.commands.executeCommand(id, ...args)) as T;
}

const turboDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'turbo');
const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

describe('README pictures (npm run screenshots)', () => {
  const project = vscode.Uri.joinPath(workspaceRoot(), 'rate-limiter');
  const bucket = vscode.Uri.joinPath(project, 'ratelimit', 'bucket.py');
  const tests = vscode.Uri.joinPath(project, 'tests', 'test_bucket.py');

  before(async () => {
    assert.ok(process.env.TURBO_SCREENSHOTS_DIR, 'the harness names the folder for the pictures (npm run screenshots)');
    await command('workbench.action.closeAllEditors');
    await command('workbench.action.closePanel');
  });

  it('the contract editor: a template, a check as you type, completion of the declared models', async () => {
    const folder = vscode.Uri.joinPath(workspaceRoot(), 'tasks-api');
    await vscode.workspace.fs.createDirectory(folder);
    const uri = await command<vscode.Uri>('turbo.newContract', folder, { template: 'fastapi', name: 'tasks' });
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.toString(), uri.toString());
    // A route that returns a model nobody declared yet, then the next route being typed.
    const text = editor.document.getText();
    const routeEnd = editor.document.positionAt(text.indexOf('\n', text.indexOf('POST /reset')));
    await editor.edit((b) =>
      b.insert(routeEnd, '\nPATCH /tasks/{id} -> TaskUpdate  # Update task\nGET /tasks/{id} -> '),
    );
    await editor.document.save();
    const line = routeEnd.line + 2;
    const end = editor.document.lineAt(line).text.length;
    editor.selection = new vscode.Selection(line, end, line, end);
    for (let i = 0; i < 100 && !vscode.languages.getDiagnostics(uri).some((d) => d.code === 'undeclared-type'); i++)
      await settle(50);
    assert.match(
      vscode.languages
        .getDiagnostics(uri)
        .map((d) => d.message)
        .join('\n'),
      /returns TaskUpdate, which the DATA CONTRACT does not declare/,
    );
    await command('editor.action.triggerSuggest');
    await shoot('contract-editor.png', { text: 'TaskCreate', within: '.suggest-widget' });
    await command('hideSuggestWidget');
    // The quick fix declares the model, and the error is gone before the pictures that follow.
    const undeclared = vscode.languages.getDiagnostics(uri).find((d) => d.code === 'undeclared-type')!;
    const actions = await command<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      undeclared.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const declare = actions.find((a) => a.title === 'Declare model TaskUpdate in the DATA CONTRACT');
    assert.ok(declare?.edit, 'a quick fix declares TaskUpdate');
    await vscode.workspace.applyEdit(declare.edit);
    const typing = editor.document.getText().split('\n').indexOf('GET /tasks/{id} -> ');
    await editor.edit((b) => b.delete(editor.document.lineAt(typing).rangeIncludingLineBreak));
    for (let i = 0; i < 100 && vscode.languages.getDiagnostics(uri).length > 0; i++) await settle(50);
    assert.deepEqual(
      vscode.languages.getDiagnostics(uri).map((d) => d.message),
      [],
    );
    await editor.document.save();
    await command('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(folder, { recursive: true });
  });

  it('generation: the progress notification mid-stream, then the summary', async () => {
    const { standin } = await useStandIn('rate-limiter');
    await setSetting('outputDirectory', '');
    await vscode.workspace.fs.createDirectory(project);
    await command('turbo.newContract', project, { template: 'library', name: 'limiter' });
    await command('revealInExplorer', vscode.Uri.joinPath(project, 'limiter.contract.md'));
    await clearNotifications();

    // The stand-in holds the stream near the end of the last file for the picture. The count shows
    // the files that had landed by the last progress update; writes through VS Code can trail a fast
    // stream on a busy machine, so a run whose count still said 0 is thrown away and run again.
    for (let attempt = 1; ; attempt++) {
      let release = () => {};
      const until = new Promise<void>((r) => (release = r));
      standin.enqueue({
        reasoning: REASONING,
        content: ANSWER,
        chunkSize: CHUNK,
        tokensPerSecond: RATE,
        pauseAfterChunks: { chunks: Math.floor(PAUSE_AT_CHAR / CHUNK), until },
      });
      const held = command<GenerationReport>('turbo.generate');
      let shot = false;
      try {
        assert.equal(
          await screenShows(TOAST, 'tests/test_bucket.py'),
          true,
          'the progress names the file being written',
        );
        if (attempt === 3 || !(await screenShows(TOAST, '0 files written', 5_000, 300))) {
          await shoot('generate-progress.png', { text: 'tests/test_bucket.py', within: TOAST });
          shot = true;
        }
      } finally {
        release();
      }
      const first = await held;
      assert.equal(first.error, undefined);
      assert.equal(first.files.length, 4);
      for (const dir of ['ratelimit', 'tests'])
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(project, dir), { recursive: true });
      await clearNotifications();
      if (shot) break;
    }

    // The summary of a run that was not held for the picture: its times are the stream's own.
    standin.enqueue({ reasoning: REASONING, content: ANSWER, chunkSize: CHUNK, tokensPerSecond: RATE });
    const report = await command<GenerationReport>('turbo.generate');
    assert.equal(report.error, undefined);
    assert.deepEqual(report.files.map((f) => f.path).sort(), [
      'ratelimit/__init__.py',
      'ratelimit/bucket.py',
      'tests/__init__.py',
      'tests/test_bucket.py',
    ]);
    await vscode.window.showTextDocument(bucket, { preview: true, preserveFocus: false });
    await command('revealInExplorer', tests);
    await shoot('generate-summary.png', { text: 'Turbo wrote 4 files', within: TOAST });
  });

  it('a failing test run: diagnostics at the assertions, the Problems panel and the quick fixes', async () => {
    await clearNotifications();
    const logBefore = (await turboLog()).length;
    const running = command<TestReport>('turbo.runTests', project);
    await waitForLog(/Asking to confirm the detected test command "pytest"/, logBefore);
    await command('workbench.action.acceptSelectedQuickOpenItem');
    const report = await running;
    assert.equal(report.runner, 'pytest');
    assert.deepEqual([report.passed, report.failed, report.green], [8, 2, false]);
    const failures = turboDiagnostics(tests);
    assert.equal(failures.length, 2);

    const editor = await vscode.window.showTextDocument(tests);
    const first = failures.sort((a, b) => a.range.start.line - b.range.start.line)[0];
    editor.selection = new vscode.Selection(first.range.start, first.range.start);
    editor.revealRange(first.range, vscode.TextEditorRevealType.InCenter);
    await command('workbench.actions.view.problems');
    assert.equal(
      await screenShows('.markers-panel', 'retry_after_is_the_time_to_the_next_token', 10_000),
      true,
      'the failure is in the Problems panel',
    );
    await command('workbench.action.focusActiveEditorGroup');
    await settle();
    await command('editor.action.quickFix');
    await shoot('test-failures.png', { text: 'Fix with Turbo', within: '.action-widget' });
    await command('hideCodeActionWidget');
  });

  it('Fix Until Green: one round of edits, the tests pass', async () => {
    const { standin } = await useStandIn('rate-limiter');
    await setSetting('outputDirectory', '');
    await clearNotifications();
    standin.enqueue({ content: FIX, chunkSize: CHUNK, tokensPerSecond: RATE });
    const loop = await command<FixLoopReport>('turbo.fixUntilGreen', project);
    assert.equal(loop.outcome, 'green');
    assert.equal(loop.final.passed, 10);
    assert.deepEqual(turboDiagnostics(tests), []);
    await command('workbench.action.closePanel');
    const editor = await vscode.window.showTextDocument(bucket);
    // The two lines the fix changed, selected.
    const lines = editor.document.getText().split('\n');
    const changed = lines.flatMap((l, i) => (/min\(self\.capacity|\/ self\.rate\)/.test(l) ? [i] : []));
    assert.equal(changed.length, 2, 'both edits are in bucket.py');
    editor.selections = changed.map((i) => new vscode.Selection(i, lines[i].search(/\S/), i, lines[i].length));
    editor.revealRange(new vscode.Range(0, 0, 0, 0), vscode.TextEditorRevealType.AtTop);
    assert.equal(
      await screenShows('.statusbar', '✓ 10 passed', 10_000),
      true,
      'the status bar shows the tests passing',
    );
    await shoot('fix-until-green.png', { text: 'All tests pass', within: TOAST });
  });
});

export async function run(): Promise<void> {
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} picture test(s) failed`);
}
