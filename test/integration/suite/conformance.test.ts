import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ConformanceReport } from '../../../src/core/contract/conformance/types';
import type { GenerationReport } from '../../../src/core/generation/pipeline';
import type { ConformanceFixResult } from '../../../src/extension/conformance/fixFlow';
import { editBlocks, fileBlocks } from '../../standin/server';
import {
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

/**
 * The generated Task API (after test/fixtures/tasks.answer.txt) with `completed` left out of Task: the
 * contract (media/templates/fastapi.contract.md) declares it on line 8.
 */
const MODELS_WITHOUT_COMPLETED =
  'from pydantic import BaseModel\n\n\nclass Task(BaseModel):\n    id: str\n    title: str\n\n\nclass TaskCreate(BaseModel):\n    title: str\n';
const PROJECT: Record<string, string> = {
  'app/__init__.py': '',
  'app/models.py': MODELS_WITHOUT_COMPLETED,
  'app/main.py':
    'import uuid\n\nfrom fastapi import FastAPI, HTTPException\n\nfrom app.models import Task, TaskCreate\n\napp = FastAPI()\ntasks: dict[str, Task] = {}\n\n\n@app.post("/tasks", response_model=Task)\ndef create_task(body: TaskCreate) -> Task:\n    task = Task(id=str(uuid.uuid4()), title=body.title)\n    tasks[task.id] = task\n    return task\n\n\n@app.get("/tasks", response_model=list[Task])\ndef list_tasks() -> list[Task]:\n    return list(tasks.values())\n\n\n@app.delete("/tasks/{task_id}")\ndef delete_task(task_id: str) -> dict:\n    if task_id not in tasks:\n        raise HTTPException(status_code=404, detail="Task not found")\n    del tasks[task_id]\n    return {"deleted": task_id}\n\n\n@app.post("/reset")\ndef reset() -> dict:\n    tasks.clear()\n    return {"status": "ok"}\n',
};
const ADD_COMPLETED = {
  file: 'app/models.py',
  search: 'class Task(BaseModel):\n    id: str\n    title: str\n',
  replace: 'class Task(BaseModel):\n    id: str\n    title: str\n    completed: bool = False\n',
};
const COMPLETED_LINE = 7;

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'turbo-conformance');

/** Polls the contract's conformance diagnostics until `wanted` holds (re-checks are debounced). */
async function diagnosticsUntil(
  uri: vscode.Uri,
  wanted: (d: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<vscode.Diagnostic[]> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((r) => setTimeout(r, 50)))
    if (wanted(ours(uri))) return ours(uri);
  assert.fail(
    `${what}; the diagnostics: ${JSON.stringify(ours(uri).map((d) => `${d.range.start.line}: ${d.message}`))}`,
  );
}

async function clauseLens(uri: vscode.Uri): Promise<string | undefined> {
  const lenses = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri, 10)) as vscode.CodeLens[];
  return lenses.map((l) => l.command?.title ?? '').find((t) => /clauses met|no code to check/.test(t));
}

describe('Contract conformance in the editor', () => {
  let contract: vscode.Uri;
  let out: vscode.Uri;
  let models: vscode.Uri;

  it('after a generation the unmet clause is a diagnostic on its contract line; the quick fix meets it in one undo step', async () => {
    const used = await useStandIn('out-conformance');
    out = used.out;
    models = vscode.Uri.joinPath(out, 'app', 'models.py');
    const editor = await openContract();
    contract = editor.document.uri;
    assert.match(editor.document.lineAt(COMPLETED_LINE).text, /completed: bool/, 'the template declares it there');
    used.standin.enqueue({ content: fileBlocks(PROJECT) });
    const generated = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
    assert.equal(generated.files.length, 3);

    const [missing] = await diagnosticsUntil(
      contract,
      (d) => d.length > 0,
      'the check after generation showed nothing',
    );
    assert.equal(ours(contract).length, 1, 'only the missing field is unmet');
    assert.equal(missing.range.start.line, COMPLETED_LINE);
    assert.match(missing.message, /^Task\.completed: /);
    assert.equal(missing.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(missing.code, 'missing');
    // The field is missing, its model is not: the diagnostic leads to where the field goes.
    const [model] = missing.relatedInformation ?? [];
    assert.equal(model?.message, 'Task.completed: the model in the code');
    assert.equal(model?.location.uri.toString(), models.toString());
    assert.equal(model?.location.range.start.line, 3, 'class Task is on line 4');
    const lens = await clauseLens(contract);
    const total = Number(/\/(\d+) clauses met/.exec(lens ?? '')?.[1]);
    assert.equal(lens?.replace(/^\$\([\w-]+\) /, ''), `${total - 1}/${total} clauses met`);

    const actions = (await vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider',
      contract,
      missing.range,
      vscode.CodeActionKind.QuickFix.value,
    )) as vscode.CodeAction[];
    const regenerate = actions.find((a) => a.title === 'Regenerate to meet this clause');
    assert.ok(regenerate?.command, `the quick fix is offered; got ${actions.map((a) => a.title).join(' | ')}`);
    const requests = used.standin.chatRequests.length;
    used.standin.enqueue({ content: editBlocks([ADD_COMPLETED]) });
    const fixed = (await vscode.commands.executeCommand(
      regenerate.command.command,
      ...(regenerate.command.arguments ?? []),
    )) as ConformanceFixResult;
    assert.equal(used.standin.chatRequests.length, requests + 1, 'one follow-up request');
    const sent = (used.standin.chatRequests.at(-1)!.body as { messages: { content: string }[] }).messages[1].content;
    assert.match(sent, /contract line 8: field Task\.completed/);
    assert.match(sent, /app\/models\.py\n```\nfrom pydantic/);
    assert.deepEqual(fixed.attempt.changes, [{ file: 'app/models.py', created: false }]);
    assert.equal(fixed.after?.met, total);
    assert.deepEqual(ours(contract), [], 'no unmet clause is left');
    assert.equal((await clauseLens(contract))?.replace(/^\$\([\w-]+\) /, ''), `${total}/${total} clauses met`);
    assert.match(await readText(models), /completed: bool = False/);
    const shown = await notificationShown(`Turbo: all ${total} clauses met. app/models.py changed`);
    if (shown !== undefined) assert.equal(shown, true, 'the outcome is on screen');

    // One undo in the file puts it back; saving it brings the diagnostic back (the report is never stale).
    const doc = await vscode.workspace.openTextDocument(models);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), MODELS_WITHOUT_COMPLETED);
    await doc.save();
    await diagnosticsUntil(
      contract,
      (d) => d.some((x) => x.range.start.line === COMPLETED_LINE),
      'saving the undone file did not bring the diagnostic back',
    );
  });

  it('Check Contract from the palette, twice: the same report, the diagnostics not doubled', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(contract));
    const first = (await vscode.commands.executeCommand('turbo.checkContract')) as ConformanceReport;
    const second = (await vscode.commands.executeCommand('turbo.checkContract', contract)) as ConformanceReport;
    const statuses = (r: ConformanceReport) => r.clauses.map((c) => `${c.name} ${c.status}`);
    assert.deepEqual(statuses(second), statuses(first));
    assert.equal(first.met, first.total - 1);
    assert.equal(ours(contract).length, 1);
    const shown = await notificationShown(
      `${first.met}/${first.total} clauses met in out-conformance. Unmet: Task.completed.`,
    );
    if (shown !== undefined) assert.equal(shown, true, 'the summary is on screen');
  });

  it('the report follows the contract and the folder: an edit, a deleted file, closing and reopening', async () => {
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(contract));
    // An unsaved edit declares one more field: its clause is checked at once.
    await editor.edit((b) => b.insert(new vscode.Position(COMPLETED_LINE + 1, 0), '    priority: int\n'));
    await diagnosticsUntil(
      contract,
      (d) => d.some((x) => x.range.start.line === COMPLETED_LINE + 1 && /^Task\.priority: /.test(x.message)),
      'the edited contract was not checked again',
    );
    await vscode.commands.executeCommand('undo');
    await diagnosticsUntil(contract, (d) => d.length === 1, 'undoing the edit did not drop its clause');

    await vscode.workspace.fs.delete(models);
    await diagnosticsUntil(
      contract,
      (d) => d.some((x) => /^TaskCreate: /.test(x.message)),
      'deleting models.py did not make its models missing',
    );
    // Written back with the field under another type: a mismatch, pointing at the code.
    const write = (text: string) => vscode.workspace.fs.writeFile(models, new TextEncoder().encode(text));
    await write(MODELS_WITHOUT_COMPLETED.replace('    title: str\n', '    title: str\n    completed: str\n'));
    const [mismatch] = await diagnosticsUntil(
      contract,
      (d) => d.length === 1 && d[0].code === 'mismatch',
      'writing models.py back was not seen',
    );
    assert.equal(mismatch.message, 'Task.completed: declared bool, found str in app/models.py:7');
    assert.equal(mismatch.range.start.line, COMPLETED_LINE);
    assert.equal(mismatch.relatedInformation?.[0].location.uri.toString(), models.toString());
    assert.equal(mismatch.relatedInformation?.[0].location.range.start.line, 6);
    await write(MODELS_WITHOUT_COMPLETED);
    await diagnosticsUntil(contract, (d) => d.length === 1 && d[0].code === 'missing', 'the missing field is back');

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await diagnosticsUntil(contract, (d) => d.length === 0, 'closing the contract did not clear its diagnostics');
    const open = (uri: vscode.Uri) =>
      vscode.workspace.openTextDocument(uri).then((d) => vscode.window.showTextDocument(d, { preview: true }));
    await open(contract);
    await diagnosticsUntil(contract, (d) => d.length === 1, 'reopening the contract did not check it again');
    // Going to the code in the same group replaces the contract's preview tab: that is no close.
    await open(models);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(
      !tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === contract.toString()),
      'the preview tab was replaced',
    );
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(ours(contract).length, 1, 'the diagnostics stay');
  });

  it('cancelling Regenerate to Meet changes nothing and leaves a line in the log, nothing more on screen', async () => {
    const { standin } = await useStandIn('out-conformance');
    const before = await readText(models);
    const logBefore = (await turboLog()).length;
    const requests = standin.chatRequests.length;
    standin.enqueue({ content: editBlocks([ADD_COMPLETED]), delayMs: 10_000 });
    const running = vscode.commands.executeCommand('turbo.fixConformance', contract) as Thenable<unknown>;
    for (
      const started = Date.now();
      standin.chatRequests.length === requests;
      await new Promise((r) => setTimeout(r, 20))
    )
      assert.ok(Date.now() - started < 15_000, 'the fix request was never sent');
    assert.equal(await vscode.commands.executeCommand('turbo.cancelGeneration'), true);
    assert.equal(await running, undefined);
    await waitForLog(/Regenerate to meet the contract cancelled; nothing was changed\./, logBefore);
    assert.equal(await readText(models), before);
    const toasts = '.notifications-center .notification-list-item, .notification-toast';
    const shown = await screenShows(toasts, 'Regenerate to meet the contract cancelled', 2_000);
    if (shown !== undefined) assert.equal(shown, false, 'the log says it, not a notification');
  });

  it('Check Contract with no contract in front of you, or on another file, says what it needs', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(models));
    const logBefore = (await turboLog()).length;
    assert.equal(await vscode.commands.executeCommand('turbo.checkContract'), undefined);
    await waitForLog(/Nothing to check: the active editor is not a contract/, logBefore);
    const shown = await notificationShown('Turbo: open a contract (a file named like tasks.contract.md) to check it');
    if (shown !== undefined) assert.equal(shown, true, 'the message is on screen');
    assert.equal(await vscode.commands.executeCommand('turbo.checkContract', models), undefined);
    await waitForLog(/Refused to check .*models\.py: not a contract/, logBefore);
    const refused = await notificationShown('Turbo: models.py is not a contract. Check Contract works on contracts');
    if (refused !== undefined) assert.equal(refused, true, 'the refusal is on screen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

describe('Contract conformance when a contract opens', () => {
  const root = () => workspaceRoot();
  const write = (uri: vscode.Uri, text: string) => vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  /** The template contract in a folder of its own, with these files beside it; the contract's Uri. */
  async function contractIn(folder: string, files: Record<string, string>): Promise<vscode.Uri> {
    const dir = vscode.Uri.joinPath(root(), folder);
    const uri = vscode.Uri.joinPath(dir, 'tasks.contract.md');
    await write(uri, await readText(vscode.Uri.joinPath(root(), 'contracts', 'tasks.contract.md')));
    for (const [file, text] of Object.entries(files)) await write(vscode.Uri.joinPath(dir, ...file.split('/')), text);
    return uri;
  }
  const show = async (uri: vscode.Uri) => vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  async function lensUntil(uri: vscode.Uri, wanted: string): Promise<void> {
    let seen: string | undefined;
    for (const started = Date.now(); Date.now() - started < 15_000; await new Promise((r) => setTimeout(r, 50)))
      if ((seen = await clauseLens(uri)) === wanted) return;
    assert.fail(`the CodeLens never read ${JSON.stringify(wanted)}; last ${JSON.stringify(seen)}`);
  }

  before(async () => {
    // Where Generate would write with no setting: beside the contract.
    await setSetting('outputDirectory', '');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a contract whose folder holds its code (not generated in this window) shows what it misses, unasked', async () => {
    const opened = await contractIn('conformance-open', PROJECT);
    await show(opened);
    const [missing] = await diagnosticsUntil(opened, (d) => d.length > 0, 'opening the contract did not check it');
    assert.equal(ours(opened).length, 1);
    assert.match(missing.message, /^Task\.completed: /);
    const [, met, total] = /^\$\(warning\) (\d+)\/(\d+) clauses met$/.exec((await clauseLens(opened)) ?? '') ?? [];
    assert.equal(Number(met), Number(total) - 1, 'the clause count is on the contract');

    // The code goes (deleted output): the re-check clears the warnings, and the lens says why.
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(opened, '..', 'app'), { recursive: true });
    await diagnosticsUntil(opened, (d) => d.length === 0, 'emptying the folder did not clear the diagnostics');
    await lensUntil(opened, '$(warning) no code to check in conformance-open');
  });

  it('a contract beside no code, or beside code that is not its own, shows nothing until checked', async () => {
    const empty = await contractIn('conformance-open-empty', {});
    const other = await contractIn('conformance-open-other', { 'tool.py': 'def main():\n    print("hello")\n' });
    await show(other);
    await show(empty);
    await new Promise((r) => setTimeout(r, 1_500));
    for (const uri of [empty, other]) {
      assert.deepEqual(ours(uri), [], `${uri.path}: no warnings`);
      assert.equal(await clauseLens(uri), undefined, `${uri.path}: no clause count`);
    }

    // Asked, Check Contract says once that there is nothing to check, not once per clause.
    const report = (await vscode.commands.executeCommand('turbo.checkContract', empty)) as ConformanceReport;
    assert.equal(report.filesRead, 0);
    assert.deepEqual(ours(empty), []);
    await lensUntil(empty, '$(warning) no code to check in conformance-open-empty');
    const shown = await notificationShown(
      'Turbo: there is no code to check in conformance-open-empty yet (no Python, TypeScript, JavaScript or Go files). Generate from the contract first.',
    );
    if (shown !== undefined) assert.equal(shown, true, 'the message is on screen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
