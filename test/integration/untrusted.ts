/**
 * The Restricted Mode suite: the harness runs it in a second VS Code with workspace trust on and the
 * folder not trusted. The contract editor works; generation and test runs are refused with a message.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mocha } from './mochaSetup';
import {
  EXTENSION_ID,
  exists,
  notificationShown,
  openContract,
  theStandIn,
  turboLog,
  waitForLog,
  workspaceRoot,
} from './helpers';

describe('Restricted Mode (workspace trust on, folder not trusted)', () => {
  it('the workspace is not trusted and Turbo still activates for contracts', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const editor = await openContract();
    assert.equal(editor.document.languageId, 'turbo-contract');
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)!.isActive, true);
  });

  it('the contract editor keeps working: completion, outline and checks', async () => {
    const editor = await openContract();
    const symbols = (await vscode.commands.executeCommand(
      'vscode.executeDocumentSymbolProvider',
      editor.document.uri,
    )) as vscode.DocumentSymbol[];
    assert.ok(
      symbols.some((s) => /API CONTRACT/.test(s.name)),
      'the outline lists the sections',
    );
    const doc = await vscode.workspace.openTextDocument({
      language: 'turbo-contract',
      content:
        'Build a thing.\n\n## DATA CONTRACT\n\nclass Thing(BaseModel):\n    name: str\n\n## API CONTRACT\n\nGET /things -> Missing\n',
    });
    const diagnostics = await new Promise<vscode.Diagnostic[]>((resolve) => {
      const check = () => {
        const found = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'turbo-contract');
        if (found.length) resolve(found);
      };
      vscode.languages.onDidChangeDiagnostics(check);
      check();
    });
    assert.ok(
      diagnostics.some((d) => /Missing/.test(d.message)),
      'the undeclared type is flagged',
    );
    const list = (await vscode.commands.executeCommand(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      new vscode.Position(doc.lineCount - 1, 0),
    )) as vscode.CompletionList;
    assert.ok(list.items.length > 0, 'completion answers');
  });

  it('Generate from Contract is refused with a message that says why, and nothing is sent or written', async () => {
    const standin = await theStandIn();
    await vscode.workspace.getConfiguration('turbo').update('baseUrl', standin.url, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('turbo.setApiKey', standin.apiKey);
    const before = standin.requests.length;
    const logBefore = (await turboLog()).length;
    await openContract();
    const result = await vscode.commands.executeCommand('turbo.generate');
    assert.equal(result, undefined);
    assert.equal(standin.requests.length, before, 'no request reached the service');
    assert.match((await turboLog()).slice(logBefore), /Refused in Restricted Mode: generate/);
    const shown = await notificationShown('generation and test runs are off in Restricted Mode');
    if (shown !== undefined) assert.equal(shown, true, 'the message is on screen');
  });

  it('Run Tests and Fix Until Green are refused, and the test command never runs', async () => {
    const project = vscode.Uri.joinPath(workspaceRoot(), 'untrusted-project');
    const marker = vscode.Uri.joinPath(project, 'ran.txt');
    const write = (uri: vscode.Uri, text: string) => vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    await write(
      vscode.Uri.joinPath(project, 'package.json'),
      JSON.stringify({
        name: 'p',
        private: true,
        scripts: { test: "node -e \"require('fs').writeFileSync('ran.txt', 'x')\"" },
      }),
    );
    assert.equal(await vscode.commands.executeCommand('turbo.runTests', project), undefined);
    assert.equal(await vscode.commands.executeCommand('turbo.fixUntilGreen', project), undefined);
    assert.equal(await exists(marker), false, 'the test script did not run');
  });

  it('Check Contract reads the code in Restricted Mode (it writes nothing); Regenerate to Meet is refused', async () => {
    const editor = await openContract();
    const report = (await vscode.commands.executeCommand('turbo.checkContract')) as { total: number; met: number };
    assert.ok(report.total > 0, 'the contract was checked');
    const logBefore = (await turboLog()).length;
    assert.equal(await vscode.commands.executeCommand('turbo.fixConformance', editor.document.uri), undefined);
    await waitForLog(/Refused in Restricted Mode: fix/, logBefore);
  });
});

export async function run(): Promise<void> {
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} Restricted Mode test(s) failed`);
}
