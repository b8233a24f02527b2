import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readText, workspaceRoot } from '../helpers';

const SAMPLE = `Build a task API with FastAPI.

## DATA CONTRACT (use exactly these models):

class Task(BaseModel):
    id: str
    title: str

class TaskCreate(BaseModel):
    title: str

## API CONTRACT (use exactly these routes):

POST /tasks -> Task           # Create task
GET /tasks -> list[Task]      # List all tasks

## RULES:

- Store data in memory
`;

async function openSample(name: string, text: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), 'contracts', `${name}.contract.md`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc);
}

async function completionLabels(editor: vscode.TextEditor, line: number, character: number): Promise<string[]> {
  const list = (await vscode.commands.executeCommand(
    'vscode.executeCompletionItemProvider',
    editor.document.uri,
    new vscode.Position(line, character),
  )) as vscode.CompletionList;
  return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

/** Puts `text` on line `line` (replacing it) and returns the position at its end. */
async function typeLine(editor: vscode.TextEditor, line: number, text: string): Promise<vscode.Position> {
  await editor.edit((b) => b.replace(editor.document.lineAt(line).range, text));
  return new vscode.Position(line, text.length);
}

async function diagnosticCodes(
  uri: vscode.Uri,
  wanted: (codes: string[]) => boolean,
  timeoutMs = 10_000,
): Promise<string[]> {
  const codes = () =>
    vscode.languages
      .getDiagnostics(uri)
      .filter((d) => d.source === 'turbo-contract')
      .map((d) => String(d.code));
  for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((r) => setTimeout(r, 50))) {
    if (wanted(codes())) return codes();
  }
  assert.fail(`diagnostics never matched; last: ${JSON.stringify(codes())}`);
}

describe('Contract editor', () => {
  it('assigns the turbo-contract language to *.contract.md', async () => {
    const editor = await openSample('language', SAMPLE);
    assert.equal(editor.document.languageId, 'turbo-contract');
  });

  it('completes section headings at line start', async () => {
    const editor = await openSample('complete-sections', 'Build a task API with FastAPI.\n\n');
    const at = await typeLine(editor, editor.document.lineCount - 1, '## ');
    const labels = await completionLabels(editor, at.line, at.character);
    for (const s of [
      'DATA CONTRACT (use exactly these models):',
      'API CONTRACT (use exactly these routes):',
      'ALGORITHM:',
      'RULES:',
    ])
      assert.ok(labels.includes(s), s);
  });

  it('completes methods, then paths, then declared model names in API CONTRACT', async () => {
    const editor = await openSample(
      'complete-api',
      SAMPLE.replace(
        'GET /tasks -> list[Task]      # List all tasks',
        'GET /tasks -> list[Task]      # List all tasks\n',
      ),
    );
    const line = SAMPLE.split('\n').findIndex((l) => l.startsWith('GET /tasks')) + 1;
    let at = await typeLine(editor, line, '');
    const methods = await completionLabels(editor, at.line, at.character);
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) assert.ok(methods.includes(m), m);
    at = await typeLine(editor, line, 'DELETE ');
    const paths = await completionLabels(editor, at.line, at.character);
    assert.ok(paths.includes('/tasks') && paths.includes('/tasks/{id}'), JSON.stringify(paths));
    at = await typeLine(editor, line, 'DELETE /tasks/{id} -> ');
    const types = await completionLabels(editor, at.line, at.character);
    for (const t of ['Task', 'TaskCreate', 'list[Task]', 'dict']) assert.ok(types.includes(t), t);
    assert.ok(!methods.includes('Task') && !types.includes('GET'));
  });

  it('completes common rules in RULES and field types inside a model', async () => {
    const editor = await openSample('complete-rules', SAMPLE + '- \n');
    let at = new vscode.Position(editor.document.lineCount - 2, 2);
    const rules = await completionLabels(editor, at.line, at.character);
    assert.ok(rules.includes('Return 404 for missing resources'));
    const titleLine = SAMPLE.split('\n').findIndex((l) => l === '    title: str');
    at = await typeLine(editor, titleLine, '    title: ');
    const types = await completionLabels(editor, at.line, at.character);
    for (const t of ['str', 'int', 'datetime', 'list[str]']) assert.ok(types.includes(t), t);
  });

  it('lists sections, models and routes in the outline', async () => {
    const editor = await openSample('outline', SAMPLE);
    const symbols = (await vscode.commands.executeCommand(
      'vscode.executeDocumentSymbolProvider',
      editor.document.uri,
    )) as vscode.DocumentSymbol[];
    const tree = symbols.map((s) => [s.name, s.children.map((c) => c.name)]);
    assert.deepEqual(tree, [
      ['DATA CONTRACT (use exactly these models)', ['Task', 'TaskCreate']],
      ['API CONTRACT (use exactly these routes)', ['POST /tasks', 'GET /tasks']],
      ['RULES', []],
    ]);
    assert.deepEqual(
      symbols[0].children[0].children.map((f) => f.name),
      ['id', 'title'],
    );
  });

  it('folds by section, goes from a route type to its model, and shows the Generate CodeLens', async () => {
    const editor = await openSample('navigate', SAMPLE);
    const folds = (await vscode.commands.executeCommand(
      'vscode.executeFoldingRangeProvider',
      editor.document.uri,
    )) as vscode.FoldingRange[];
    const lines = SAMPLE.split('\n');
    for (const heading of ['## DATA CONTRACT', '## API CONTRACT']) {
      const at = lines.findIndex((l) => l.startsWith(heading));
      assert.ok(
        folds.some((f) => f.start === at && f.end > at),
        heading,
      );
    }
    const getLine = lines.findIndex((l) => l.startsWith('GET /tasks'));
    const defs = (await vscode.commands.executeCommand(
      'vscode.executeDefinitionProvider',
      editor.document.uri,
      new vscode.Position(getLine, lines[getLine].indexOf('Task]') + 1),
    )) as vscode.Location[];
    assert.equal(
      defs[0]?.range.start.line,
      lines.findIndex((l) => l.startsWith('class Task(')),
    );
    const lenses = (await vscode.commands.executeCommand(
      'vscode.executeCodeLensProvider',
      editor.document.uri,
      10,
    )) as vscode.CodeLens[];
    assert.match(lenses[0].command?.title ?? '', /Generate · model gpt-oss-120b · ~\d+ prompt tokens/);
    assert.equal(
      lenses[0].range.start.line,
      lines.findIndex((l) => l.startsWith('## DATA')),
    );
  });

  const CHECKS: { code: string; text: string; fix: (e: vscode.TextEditor) => Thenable<unknown> | Promise<unknown> }[] =
    [
      {
        code: 'placeholder',
        text: SAMPLE.replace('Store data in memory', 'Store data in [storage mechanism]'),
        fix: (e) => replaceAll(e, '[storage mechanism]', 'memory'),
      },
      {
        code: 'undeclared-type',
        text: SAMPLE.replace('POST /tasks -> Task ', 'POST /tasks -> Tsk  '),
        fix: (e) => replaceAll(e, 'Tsk', 'Task'),
      },
      {
        code: 'duplicate-route',
        text: SAMPLE.replace('- Store', 'POST /tasks -> Task\n\n- Store').replace('## RULES', '## RULES'),
        fix: (e) => replaceAll(e, 'POST /tasks -> Task\n\n- Store', '- Store'),
      },
      {
        code: 'field-without-type',
        text: SAMPLE.replace('    id: str', '    id'),
        fix: (e) => replaceAll(e, '    id\n', '    id: str\n'),
      },
      {
        code: 'missing-section',
        text: SAMPLE.replace('## RULES:', 'Notes:'),
        fix: (e) => replaceAll(e, 'Notes:', '## RULES:'),
      },
      {
        code: 'empty-contract',
        text: '\n',
        fix: (e) => replaceAll(e, '\n', 'Write a function that adds two numbers.\n'),
      },
    ];
  for (const check of CHECKS) {
    it(`check ${check.code}: a diagnostic on the sample that disappears when fixed`, async () => {
      const editor = await openSample(`check-${check.code}`, check.text);
      await diagnosticCodes(editor.document.uri, (codes) => codes.includes(check.code));
      await check.fix(editor);
      await diagnosticCodes(editor.document.uri, (codes) => !codes.includes(check.code));
    });
  }

  it('quick fixes insert a missing section and declare a missing model', async () => {
    const editor = await openSample(
      'quickfix',
      SAMPLE.replace('## RULES:\n\n- Store data in memory\n', '').replace(
        'POST /tasks -> Task ',
        'POST /tasks -> Todo ',
      ),
    );
    const uri = editor.document.uri;
    await diagnosticCodes(uri, (codes) => codes.includes('missing-section') && codes.includes('undeclared-type'));
    for (const [code, title] of [
      ['missing-section', /^Add the RULES section$/],
      ['undeclared-type', /^Declare model Todo in the DATA CONTRACT$/],
    ] as const) {
      const diagnostic = vscode.languages.getDiagnostics(uri).find((d) => d.code === code)!;
      const actions = (await vscode.commands.executeCommand(
        'vscode.executeCodeActionProvider',
        uri,
        diagnostic.range,
        vscode.CodeActionKind.QuickFix.value,
      )) as vscode.CodeAction[];
      const fix = actions.find((a) => title.test(a.title));
      assert.ok(fix?.edit, `a quick fix for ${code}`);
      await vscode.workspace.applyEdit(fix.edit);
    }
    await diagnosticCodes(uri, (codes) => !codes.includes('missing-section') && !codes.includes('undeclared-type'));
    assert.match(editor.document.getText(), /## RULES:/);
    assert.match(editor.document.getText(), /class Todo\(BaseModel\):/);
  });

  it('New Contract creates and opens a file from each template', async () => {
    const folder = vscode.Uri.joinPath(workspaceRoot(), 'new-contracts');
    await vscode.workspace.fs.createDirectory(folder);
    const ext = vscode.extensions.getExtension('turbo-dev.turbo')!;
    for (const template of ['fastapi', 'express', 'cli', 'library', 'blank']) {
      const uri = (await vscode.commands.executeCommand('turbo.newContract', folder, {
        template,
        name: `my-${template}`,
      })) as vscode.Uri;
      assert.equal(uri.path.endsWith(`/new-contracts/my-${template}.contract.md`), true);
      const expected = await readText(
        vscode.Uri.joinPath(ext.extensionUri, 'media', 'templates', `${template}.contract.md`),
      );
      assert.equal(await readText(uri), expected);
      const active = vscode.window.activeTextEditor!;
      assert.equal(active.document.uri.toString(), uri.toString());
      assert.equal(active.document.languageId, 'turbo-contract');
      assert.equal(active.selection.active.line, 0);
    }
    const again = await vscode.commands.executeCommand('turbo.newContract', folder, {
      template: 'blank',
      name: 'my-blank',
    });
    assert.equal(again, undefined, 'an existing name is refused');
  });

  it('shows highlighting and a diagnostic (screenshot for the record)', async () => {
    await openSample('screenshot', SAMPLE.replace('Store data in memory', 'Store data in [storage mechanism]'));
    await diagnosticCodes(vscode.window.activeTextEditor!.document.uri, (codes) => codes.includes('placeholder'));
    if (process.env.TURBO_UI_BRIDGE) {
      console.log(
        `TURBO_UI_QUERY ${JSON.stringify({ id: 'contract-editor', kind: 'screenshot', text: 'contract-editor' })}`,
      );
      await new Promise((r) => setTimeout(r, 1000));
    }
  });
});

async function replaceAll(editor: vscode.TextEditor, from: string, to: string): Promise<void> {
  const text = editor.document.getText();
  const at = text.indexOf(from);
  assert.ok(at >= 0, `"${from}" is in the document`);
  await editor.edit((b) =>
    b.replace(new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(at + from.length)), to),
  );
}
