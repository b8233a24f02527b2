import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

/** The layer guard in eslint.config.mjs, tried on the imports it must refuse and the ones it must let through. */
describe('layers: lint refuses imports across them', () => {
  const eslint = new ESLint({ cwd: path.resolve(__dirname, '../..') });
  const restricted = async (file: string, source: string) => {
    const [result] = await eslint.lintText(source, { filePath: path.resolve(__dirname, '../..', file) });
    return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };

  const refused: [string, string][] = [
    ['src/core/inputs.ts', "import { readSettings } from '../extension/config';\nvoid readSettings;\n"],
    ['src/core/testing/parsers/index.ts', "import { main } from '../../cli/cli';\nvoid main;\n"],
    ['src/core/generation/pipeline.ts', "import { createMcpServer } from '../../mcp/server';\nvoid createMcpServer;\n"],
    ['src/core/generation/pipeline.ts', "import * as vscode from 'vscode';\nvoid vscode;\n"],
    ['src/cli/cli.ts', "import * as vscode from 'vscode';\nvoid vscode;\n"],
    ['src/mcp/server.ts', "import * as vscode from 'vscode';\nvoid vscode;\n"],
    ['src/mcp/server.ts', "import { activate } from '../extension/extension';\nvoid activate;\n"],
  ];
  for (const [file, source] of refused) {
    it(`refuses in ${file}: ${source.split('\n')[0]}`, async () => {
      assert.equal((await restricted(file, source)).length, 1);
    });
  }

  it('lets the front ends import the core, and the extension import vscode', async () => {
    assert.deepEqual(
      await restricted('src/cli/cli.ts', "import { generate } from '../core/generation/pipeline';\nvoid generate;\n"),
      [],
    );
    assert.deepEqual(
      await restricted(
        'src/extension/extension.ts',
        "import * as vscode from 'vscode';\nimport { generate } from '../core/generation/pipeline';\nvoid vscode;\nvoid generate;\n",
      ),
      [],
    );
  });
});

describe('size: lint refuses long files and functions in src', () => {
  const eslint = new ESLint({ cwd: path.resolve(__dirname, '../..') });
  const sizeRules = async (file: string, source: string) => {
    const [result] = await eslint.lintText(source, { filePath: path.resolve(__dirname, '../..', file) });
    return result.messages.map((m) => m.ruleId).filter((id) => id === 'max-lines' || id === 'max-lines-per-function');
  };
  const fn = (lines: number) => `export function f(): number {\n${'  void 0;\n'.repeat(lines - 3)}  return 1;\n}\n`;

  it('refuses a function of 61 lines and lets one of 60 through', async () => {
    assert.deepEqual(await sizeRules('src/core/inputs.ts', fn(61)), ['max-lines-per-function']);
    assert.deepEqual(await sizeRules('src/core/inputs.ts', fn(60)), []);
  });

  it('refuses a file of 301 lines in src', async () => {
    const file = `export const a = 1;\n${'// a comment line\n'.repeat(300)}`;
    assert.deepEqual(await sizeRules('src/extension/config.ts', file), ['max-lines']);
  });
});
