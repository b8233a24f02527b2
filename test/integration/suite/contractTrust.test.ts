import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerationReport } from '../../../src/core/generation/pipeline';
import { fileBlocks } from '../../standin/server';
import {
  acceptQuickPick,
  acceptQuickPickUntil,
  clearNotifications,
  clickIn,
  clickNotificationButton,
  listTree,
  notificationShown,
  quickPickShows,
  screenShows,
  turboLog,
  typeText,
  useStandIn,
  waitForLog,
  workspaceRoot,
} from '../helpers';

const CLEAN = 'Write a function add(a, b) in Python that returns the sum of two numbers.\n';
const WITH_ERROR = `Build a task API with FastAPI.

## DATA CONTRACT (use exactly these models):

class Task(BaseModel):
    id: str

## API CONTRACT (use exactly these routes):

GET /tasks -> list[Task]      # List all tasks
GET /tasks -> list[Task]      # Listed twice

## RULES:

- Store data in memory
`;

async function writeFile(relative: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), ...relative.split('/'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
}

/** Starts Generate and waits for the log line that says it is waiting on the person; fails if it finishes first. */
async function generateUntil(
  asked: RegExp,
  ...args: unknown[]
): Promise<{ running: Thenable<GenerationReport | undefined> }> {
  const logBefore = (await turboLog()).length;
  const running = vscode.commands.executeCommand('turbo.generate', ...args) as Thenable<GenerationReport | undefined>;
  let waiting = false;
  const logged = waitForLog(asked, logBefore).then(() => (waiting = true));
  logged.catch(() => undefined);
  const finished = Promise.resolve(running).then(
    (r) =>
      waiting ||
      assert.fail(`Generate finished without asking (${r ? `report with ${r.files.length} files` : 'no report'})`),
  );
  await Promise.race([logged, finished]);
  // Wrapped: an async function returning the thenable itself would wait for it.
  return { running };
}

const ASKS_CONTRACT = /Asking which contract to generate from/;
const WARNS = /Asking before generating: the contract has/;
const STEP = (id: string, checked: boolean) =>
  `button.getting-started-step[data-step-id$="#${id}"][aria-checked="${checked}"]`;

describe('Generate works on contracts only', () => {
  it('with a JavaScript file active, Generate sends nothing and offers the contracts; Escape does nothing', async () => {
    const { standin, out } = await useStandIn('out-pick');
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(workspaceRoot(), 'src'));
    await open(
      await writeFile(
        'src/stats.js',
        'module.exports = { mean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length };\n',
      ),
    );
    const sent = standin.chatRequests.length;
    const { running } = await generateUntil(ASKS_CONTRACT);
    assert.equal(standin.chatRequests.length, sent, 'nothing reached the stand-in');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await running, undefined);
    assert.equal(standin.chatRequests.length, sent);
    assert.deepEqual(await listTree(out), []);
    assert.match(vscode.window.activeTextEditor?.document.uri.path ?? '', /\/src\/stats\.js$/);
  });

  it('the picked contract, most recently changed first, is opened and generated from', async () => {
    const { standin, out } = await useStandIn('out-pick');
    await open(vscode.Uri.joinPath(workspaceRoot(), 'src', 'stats.js'));
    const picked = await writeFile('contracts/picked.contract.md', CLEAN);
    standin.enqueue({ content: fileBlocks({ 'add.py': 'def add(a, b):\n    return a + b\n' }) });
    const sent = standin.chatRequests.length;
    const { running } = await generateUntil(ASKS_CONTRACT);
    await acceptQuickPick();
    const report = await running;
    assert.equal(report?.error, undefined);
    assert.equal(standin.chatRequests.length, sent + 1);
    const body = standin.chatRequests.at(-1)!.body as { messages: { content: string }[] };
    assert.match(body.messages[1].content, /Write a function add\(a, b\)/);
    assert.deepEqual(await listTree(out), ['add.py']);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), picked.toString());
  });

  it('refuses a file that is not a contract when it is passed explicitly', async () => {
    const { standin } = await useStandIn('out-pick');
    await clearNotifications();
    const sent = standin.chatRequests.length;
    const report = await vscode.commands.executeCommand(
      'turbo.generate',
      vscode.Uri.joinPath(workspaceRoot(), 'src', 'stats.js'),
    );
    assert.equal(standin.chatRequests.length, sent, 'nothing reached the stand-in');
    assert.equal(report, undefined);
    const shown = await notificationShown('stats.js is not a contract');
    if (shown !== undefined) assert.equal(shown, true);
  });
});

describe('Generate warns once about contract problems', () => {
  it('a contract with an error is held back behind one warning until Generate Anyway, then not asked again', async () => {
    const { standin } = await useStandIn('out-warn');
    await clearNotifications();
    await open(await writeFile('contracts/duplicate.contract.md', WITH_ERROR));
    const sent = standin.chatRequests.length;
    const { running } = await generateUntil(WARNS);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(standin.chatRequests.length, sent, 'nothing is sent while the warning waits');
    standin.enqueue({ content: fileBlocks({ 'main.py': 'app = None\n' }) });
    const clicked = await clickNotificationButton('the contract has 1 problem', 'Generate Anyway');
    if (clicked === undefined) {
      standin.clearQueue();
      await clearNotifications();
      assert.equal(await running, undefined, 'dismissed: nothing sent');
      return;
    }
    assert.equal(clicked, true);
    assert.equal((await running)?.error, undefined);
    assert.equal(standin.chatRequests.length, sent + 1);
    // The same version again: no second question.
    standin.enqueue({ content: fileBlocks({ 'main.py': 'app = None\n' }) });
    const logBefore = (await turboLog()).length;
    assert.equal(((await vscode.commands.executeCommand('turbo.generate')) as GenerationReport).error, undefined);
    assert.doesNotMatch((await turboLog()).slice(logBefore), WARNS);
    assert.equal(standin.chatRequests.length, sent + 2);
  });

  it('closing the warning sends nothing, and a changed contract is asked about again', async () => {
    const { standin } = await useStandIn('out-warn');
    const editor = await open(vscode.Uri.joinPath(workspaceRoot(), 'contracts', 'duplicate.contract.md'));
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# Tasks\n\n'));
    const sent = standin.chatRequests.length;
    const { running } = await generateUntil(WARNS);
    await clearNotifications();
    assert.equal(await running, undefined);
    assert.equal(standin.chatRequests.length, sent);
  });

  it('the untouched Blank template is an empty contract: a diagnostic, and Generate refuses it', async () => {
    const { standin } = await useStandIn('out-blank');
    const folder = vscode.Uri.joinPath(workspaceRoot(), 'blank-contracts');
    await vscode.workspace.fs.createDirectory(folder);
    const uri = (await vscode.commands.executeCommand('turbo.newContract', folder, {
      template: 'blank',
      name: 'untouched',
    })) as vscode.Uri;
    await diagnostics(uri, (ds) => ds.some((d) => d.code === 'empty-contract'));
    const sent = standin.chatRequests.length;
    assert.equal(await vscode.commands.executeCommand('turbo.generate', uri), undefined);
    assert.equal(standin.chatRequests.length, sent);
  });
});

async function diagnostics(
  uri: vscode.Uri,
  wanted: (ds: vscode.Diagnostic[]) => boolean,
  timeoutMs = 10_000,
): Promise<vscode.Diagnostic[]> {
  const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'turbo-contract');
  for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((r) => setTimeout(r, 50))) {
    if (wanted(ours())) return ours();
  }
  assert.fail(`diagnostics never matched; last: ${JSON.stringify(ours().map((d) => [d.code, d.message]))}`);
}

async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand(
    'vscode.executeCodeActionProvider',
    uri,
    range,
    vscode.CodeActionKind.QuickFix.value,
  )) as vscode.CodeAction[];
}

const SERVICE = WITH_ERROR.replace('GET /tasks -> list[Task]      # Listed twice\n', '');

describe('Contract editor: fixes, placeholders, outline, completion', () => {
  it('lists each "Add the … section" quick fix once', async () => {
    const editor = await open(
      await writeFile(
        'contracts/two-missing.contract.md',
        SERVICE.replace(/## DATA[^]*?(?=## API)/, '').replace(/## RULES:[^]*$/, ''),
      ),
    );
    const uri = editor.document.uri;
    const found = await diagnostics(uri, (ds) => ds.filter((d) => d.code === 'missing-section').length === 2);
    const titles = (await quickFixes(uri, found[0].range)).map((a) => a.title);
    assert.deepEqual(titles.filter((t) => t.startsWith('Add the ')).sort(), [
      'Add the DATA CONTRACT section',
      'Add the RULES section',
    ]);
  });

  it('text in backticks or a code block is not an unfilled placeholder', async () => {
    // A function, not a string: "$`" in a replacement string means "the text before the match".
    const text = SERVICE.replace(
      '- Store data in memory',
      () =>
        '- Store data in [storage mechanism]\n- Ids match `^[a-z0-9]+$` and `[A-Z]`\n\n```\nexample [not a placeholder]\n```',
    );
    const editor = await open(await writeFile('contracts/backticks.contract.md', text));
    const found = await diagnostics(editor.document.uri, (ds) => ds.some((d) => d.code === 'placeholder'));
    assert.deepEqual(
      found.filter((d) => d.code === 'placeholder').map((d) => editor.document.getText(d.range)),
      ['[storage mechanism]'],
    );
  });

  it('a quick fix selects an unfilled placeholder, and one goes to the other declaration of a duplicate route', async () => {
    const editor = await open(
      await writeFile(
        'contracts/navigate-fixes.contract.md',
        WITH_ERROR.replace('Store data in memory', 'Store data in [storage mechanism]'),
      ),
    );
    const uri = editor.document.uri;
    const found = await diagnostics(
      uri,
      (ds) => ds.some((d) => d.code === 'placeholder') && ds.some((d) => d.code === 'duplicate-route'),
    );
    const placeholder = found.find((d) => d.code === 'placeholder')!;
    const select = (await quickFixes(uri, placeholder.range)).find((a) => /placeholder/i.test(a.title));
    assert.ok(select?.command, 'a quick fix for the placeholder');
    await vscode.commands.executeCommand(select.command.command, ...(select.command.arguments ?? []));
    assert.equal(
      vscode.window.activeTextEditor?.document.getText(vscode.window.activeTextEditor.selection),
      '[storage mechanism]',
    );
    const duplicate = found.find((d) => d.code === 'duplicate-route')!;
    const go = (await quickFixes(uri, duplicate.range)).find((a) => /other/i.test(a.title));
    assert.ok(go?.command, 'a quick fix for the duplicate route');
    await vscode.commands.executeCommand(go.command.command, ...(go.command.arguments ?? []));
    const first = WITH_ERROR.split('\n').findIndex((l) => l.startsWith('GET /tasks'));
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, first);
  });

  it('the outline shows each section heading once, and heading completion offers only missing sections', async () => {
    const editor = await open(await writeFile('contracts/outline-once.contract.md', SERVICE + '\n'));
    const symbols = (await vscode.commands.executeCommand(
      'vscode.executeDocumentSymbolProvider',
      editor.document.uri,
    )) as vscode.DocumentSymbol[];
    assert.deepEqual(
      symbols.map((s) => [s.name, s.detail]),
      [
        ['DATA CONTRACT (use exactly these models)', ''],
        ['API CONTRACT (use exactly these routes)', ''],
        ['RULES', ''],
      ],
    );
    const last = editor.document.lineCount - 1;
    await editor.edit((b) => b.replace(editor.document.lineAt(last).range, '## '));
    const list = (await vscode.commands.executeCommand(
      'vscode.executeCompletionItemProvider',
      editor.document.uri,
      new vscode.Position(last, 3),
    )) as vscode.CompletionList;
    assert.deepEqual(
      list.items.filter((i) => i.kind === vscode.CompletionItemKind.Module).map((i) => i.label),
      ['ALGORITHM:'],
    );
  });
});

describe('Contract editor settings, keys and walkthrough', () => {
  it('contracts turn off word-based suggestions, so snippet placeholders take what is typed', async () => {
    const editor = await open(
      await writeFile(
        'contracts/snippet.contract.md',
        'Build a tags API with FastAPI: tags, tagged items.\n\n## DATA CONTRACT (use exactly these models):\n\n\n',
      ),
    );
    editor.selection = new vscode.Selection(3, 0, 3, 0);
    await vscode.commands.executeCommand('editor.action.insertSnippet', {
      langId: 'turbo-contract',
      name: 'Pydantic model',
    });
    await vscode.commands.executeCommand('type', { text: 'Tag' });
    await new Promise((r) => setTimeout(r, 500));
    // Tab: the suggestion widget takes it when it is open, else the snippet moves on.
    await vscode.commands.executeCommand('acceptSelectedSuggestion');
    await vscode.commands.executeCommand('jumpToNextSnippetPlaceholder');
    await vscode.commands.executeCommand('type', { text: 'name' });
    assert.equal(editor.document.lineAt(3).text, 'class Tag(BaseModel):');
    assert.match(editor.document.lineAt(4).text, /^ {4}name: /);
    const config = vscode.workspace.getConfiguration('editor', { languageId: 'turbo-contract' });
    assert.equal(config.get('wordBasedSuggestions'), 'off');
    assert.equal(config.get('suggest.snippetsPreventQuickSuggestions'), true);
  });

  it('Generate and Run Tests have keys that VS Code does not already use there', async () => {
    const contributed =
      (
        vscode.extensions.getExtension('turbo-dev.turbo')!.packageJSON as {
          contributes: { keybindings?: { command: string; key: string; when?: string }[] };
        }
      ).contributes.keybindings ?? [];
    const generate = contributed.find((k) => k.command === 'turbo.generate');
    const runTests = contributed.find((k) => k.command === 'turbo.runTests');
    assert.ok(generate && runTests, 'Generate and Run Tests have keys');
    await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
    const defaults = JSON.parse(vscode.window.activeTextEditor!.document.getText().replace(/^\s*\/\/.*$/gm, '')) as {
      key: string;
      command: string;
      when?: string;
    }[];
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const same = (a: string, b: string) => a.split('+').sort().join('+') === b.split('+').sort().join('+');
    const clashes = (key: string) =>
      defaults.filter((d) => same(d.key, key) && !d.command.startsWith('-') && !d.command.startsWith('turbo.'));
    assert.deepEqual(clashes(runTests.key), [], 'Run Tests: no default uses its key');
    // Ctrl+Alt+Enter is Replace All in the find widget and the search view, and runs notebook and chat
    // cells: Generate gives way to the first two and never applies in the others (not contracts).
    const when = generate.when ?? '';
    assert.match(when, /editorLangId == turbo-contract/);
    for (const d of clashes(generate.key)) {
      const apart =
        /notebook|chat|interactive/i.test(d.when ?? '') ||
        (/findWidgetVisible/.test(d.when ?? '') && /!findWidgetVisible/.test(when) && /!replaceActive/.test(when));
      assert.ok(apart, `${d.command} (${d.when}) also uses ${d.key}`);
    }
  });

  it('the walkthrough ticks a step when it is done, not when its button is clicked, and links to cloud.cerebras.ai', async () => {
    // Done in this window so far: a key stored and a generation written (above); now a test run.
    const project = vscode.Uri.joinPath(workspaceRoot(), 'walkthrough-tests');
    await writeFile(
      'walkthrough-tests/package.json',
      '{ "name": "w", "private": true, "scripts": { "test": "node --test" } }\n',
    );
    await writeFile(
      'walkthrough-tests/add.test.js',
      "require('node:test')('adds', () => require('node:assert').equal(1 + 1, 2));\n",
    );
    const logBefore = (await turboLog()).length;
    const running = vscode.commands.executeCommand('turbo.runTests', project);
    await waitForLog(/Asking to confirm the detected test command "npm test"/, logBefore);
    await acceptQuickPick();
    await running;
    const openWalkthrough = () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', 'turbo-dev.turbo#turbo.gettingStarted', false);
    await openWalkthrough();
    const ticked = await screenShows(STEP('setApiKey', true), 'Set your Cerebras API key');
    if (ticked === undefined) return; // No UI bridge (desktop VS Code): nothing to read or click.
    assert.equal(ticked, true, 'a stored key ticks the key step');
    assert.equal(
      await screenShows(STEP('newContract', true), 'Write a contract'),
      true,
      'an open contract ticks the contract step',
    );
    assert.equal(
      await screenShows(STEP('generate', true), 'Generate the implementation'),
      true,
      'a generation that wrote files ticks the Generate step',
    );
    assert.equal(await screenShows(STEP('runTests', true), 'Run the tests'), true, 'a test run ticks the tests step');

    await vscode.commands.executeCommand('resetGettingStartedProgress');
    await openWalkthrough();
    assert.equal(await screenShows(STEP('generate', false), 'Generate the implementation'), true);
    const clickGenerate = async () => {
      assert.equal(
        await clickIn({
          scope: 'button.getting-started-step[data-step-id$="#generate"]',
          text: 'Generate the implementation',
          target: 'h3',
        }),
        true,
      );
      const clickedAt = (await turboLog()).length;
      assert.equal(
        await clickIn({
          scope: '.getting-started-step[data-step-id$="#generate"]',
          text: 'Generate from Contract',
          button: 'Generate from Contract',
        }),
        true,
      );
      await waitForLog(ASKS_CONTRACT, clickedAt);
    };
    await clickGenerate();
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await openWalkthrough();
    assert.equal(
      await screenShows(STEP('generate', false), 'Generate the implementation'),
      true,
      'a click that generated nothing leaves the step unticked',
    );
    const { standin } = await useStandIn('out-walkthrough');
    await writeFile('contracts/walkthrough.contract.md', CLEAN);
    standin.enqueue({ content: fileBlocks({ 'add.py': 'def add(a, b):\n    return a + b\n' }) });
    const before = (await turboLog()).length;
    await clickGenerate();
    // Narrowed to this contract by name, as a person would type it: which contract is newest is not this test's subject.
    // Keys go to whatever has focus, so the pick must be on screen first (a CI run typed them into the walkthrough
    // and then accepted the unfiltered list's first contract).
    assert.equal(await quickPickShows('Turbo: Generate from Contract'), true, 'the contract pick is on screen');
    assert.equal(await typeText('walkthrough.contract', false), true);
    assert.equal(await quickPickShows('walkthrough.contract.md'), true, 'the pick is narrowed to the contract');
    await acceptQuickPickUntil(/Generating from .*walkthrough\.contract\.md/, before);
    await waitForLog(/Finished: 1 files/, before);
    await openWalkthrough();
    assert.equal(
      await screenShows(STEP('generate', true), 'Generate the implementation'),
      true,
      'the generation it started ticks the step',
    );
    const pkg = vscode.extensions.getExtension('turbo-dev.turbo')!.packageJSON as {
      contributes: { walkthroughs: { steps: { id: string; description: string }[] }[] };
    };
    assert.match(
      pkg.contributes.walkthroughs[0].steps.find((s) => s.id === 'setApiKey')!.description,
      /https:\/\/cloud\.cerebras\.ai/,
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
