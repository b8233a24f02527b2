import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../helpers';

describe('Activation', () => {
  it('is lazy: not active before a Turbo command runs', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed in the editor`);
    const events = (ext.packageJSON as { activationEvents: string[] }).activationEvents;
    assert.ok(!events.includes('*'), 'no "*" activation event');
    assert.equal(ext.isActive, false);
  });

  it('activates and registers every command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const started = performance.now();
    await ext.activate();
    console.log(`activate() took ${(performance.now() - started).toFixed(1)} ms`);
    assert.equal(ext.isActive, true);
    const registered = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('turbo.')).sort();
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command).sort();
    // Every command in the palette runs, and every command Turbo registers is declared.
    assert.deepEqual(registered, contributed);
  });

  it('runs in the VS Code version the harness promised', () => {
    const expected = process.env.TURBO_EXPECT_VSCODE;
    console.log(`VS Code ${vscode.version}, Node ${process.version}, ${vscode.env.appName}`);
    if (expected) assert.equal(vscode.version, expected);
    assert.ok(/^1\.\d+\.\d+/.test(vscode.version));
  });
});
