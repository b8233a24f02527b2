import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ConformanceReport } from '../../../src/core/contract/conformance/types';
import type { GenerationReport } from '../../../src/core/generation/pipeline';
import type { ConformanceFixResult } from '../../../src/extension/conformance/fixFlow';
import { editBlocks, fileBlocks } from '../../standin/server';
import { notificationShown, openContract, readText, turboLog, useStandIn, waitForLog } from '../helpers';

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
  return lenses.map((l) => l.command?.title ?? '').find((t) => /clauses met/.test(t));
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
