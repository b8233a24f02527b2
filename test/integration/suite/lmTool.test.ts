import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fileBlocks } from '../../standin/server';
import { listTree, readText, useStandIn } from '../helpers';

const TOOL = 'turbo_generate_and_write_files';
const FILES = { 'app/main.py': 'print("from an agent")\n', 'app/__init__.py': '' };

function textOf(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

describe('Language-model tool for agents', () => {
  it("is registered with the seed's arguments", () => {
    const tool = vscode.lm.tools.find((t) => t.name === TOOL);
    assert.ok(tool, `${TOOL} is in vscode.lm.tools`);
    const schema = tool.inputSchema as { properties: Record<string, unknown>; required: string[] };
    assert.deepEqual(Object.keys(schema.properties).sort(), ['candidates', 'output_dir', 'prompt']);
    assert.deepEqual(schema.required, ['prompt', 'output_dir']);
  });

  it('writes exact files through the editor and returns metadata only', async () => {
    const { standin, out } = await useStandIn('out-lm');
    standin.enqueue({ content: fileBlocks(FILES) });
    const created: string[] = [];
    const sub = vscode.workspace.onDidCreateFiles((e) =>
      created.push(...e.files.map((f) => vscode.workspace.asRelativePath(f, false))),
    );
    const result = await vscode.lm.invokeTool(TOOL, {
      input: { prompt: '## RULES\n- Python\n', output_dir: 'out-lm' },
      toolInvocationToken: undefined,
    });
    sub.dispose();
    const meta = JSON.parse(textOf(result));
    assert.equal(meta.status, 'success');
    assert.deepEqual(
      meta.files_written.map((f: { filename: string }) => f.filename),
      ['app/main.py', 'app/__init__.py'],
    );
    assert.equal(meta.total_files, 2);
    assert.ok(!textOf(result).includes('from an agent'), 'no file content in the result');
    assert.deepEqual(await listTree(out), ['app/__init__.py', 'app/main.py']);
    assert.equal(await readText(vscode.Uri.joinPath(out, 'app/main.py')), FILES['app/main.py']);
    assert.deepEqual(created.sort(), ['out-lm/app/__init__.py', 'out-lm/app/main.py'], 'written through WorkspaceEdit');
  });

  it('with candidates, races them and writes the best; the result is the race metadata, never the code', async () => {
    const { standin, out } = await useStandIn('out-lm-race');
    // No test setup in the folder: the contract check scores, then fewer lines; the shorter answer wins.
    const short = { 'app/main.py': 'print("short")\n' };
    const long = { 'app/main.py': 'print("long")\n\n\nprint("longer")\n' };
    standin.enqueue({ content: fileBlocks(long) }, { content: fileBlocks(short) });
    const result = await vscode.lm.invokeTool(TOOL, {
      input: { prompt: '## RULES\n- Python\n', output_dir: 'out-lm-race', candidates: 2 },
      toolInvocationToken: undefined,
    });
    const meta = JSON.parse(textOf(result));
    assert.deepEqual([meta.asked, meta.candidates.length], [2, 2]);
    assert.equal(typeof meta.winner, 'number');
    assert.deepEqual(meta.files, [{ path: 'app/main.py', lines: 1, bytes: 15, overwritten: false }]);
    assert.equal(await readText(vscode.Uri.joinPath(out, 'app/main.py')), short['app/main.py']);
    assert.ok(!textOf(result).includes('print('), 'no file content in the result');
    await assert.rejects(
      Promise.resolve(
        vscode.lm.invokeTool(TOOL, {
          input: { prompt: 'x', output_dir: 'out-lm-race', candidates: 9 },
          toolInvocationToken: undefined,
        }),
      ),
      /candidates takes a whole number from 2 to 8/,
    );
  });

  it('refuses an output_dir outside the workspace', async () => {
    await useStandIn('out-lm-escape');
    await assert.rejects(
      Promise.resolve(
        vscode.lm.invokeTool(TOOL, {
          input: { prompt: 'x', output_dir: '../outside' },
          toolInvocationToken: undefined,
        }),
      ),
      /inside the workspace/,
    );
  });
});
