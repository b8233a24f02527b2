/**
 * What package.json declares and what the code does, checked rather than kept in step by hand: the
 * commands, the settings and their defaults.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COMMAND_IDS } from '../../src/extension/commands/ids';
import { validateSettings } from '../../src/extension/settingsCheck';
import { RUNNER_NAMES } from '../../src/core/testing/parsers';
import { PARSE_OUTPUT_HELP } from '../../src/cli/help';
import { MAX_CANDIDATES, MIN_CANDIDATES } from '../../src/core/race/types';
import { VIEW_TYPE } from '../../src/extension/race/comparisonHtml';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    menus: Record<string, { command?: string; submenu?: string }[]>;
    keybindings?: { command: string }[];
    configuration:
      { properties: Record<string, { default?: unknown }> } | { properties: Record<string, { default?: unknown }> }[];
  };
  activationEvents?: string[];
}

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const properties = Object.assign({}, ...[manifest.contributes.configuration].flat().map((c) => c.properties)) as Record<
  string,
  { default?: unknown }
>;

describe('package.json and the code agree', () => {
  it('contributes.commands is exactly the commands the registry handles', () => {
    assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), [...COMMAND_IDS].sort());
  });

  it('every menu entry and keybinding names a registered command', () => {
    const known = new Set<string>(COMMAND_IDS);
    const named = [
      ...Object.values(manifest.contributes.menus)
        .flat()
        .map((m) => m.command),
      ...(manifest.contributes.keybindings ?? []).map((k) => k.command),
    ];
    assert.deepEqual(
      named.filter((c) => c !== undefined && c.startsWith('turbo.') && !known.has(c)),
      [],
    );
  });

  it('every declared setting is one the code reads, and the code reads no undeclared one', () => {
    const read = new Set<string>();
    validateSettings((key) => {
      read.add(`turbo.${key}`);
      return undefined;
    });
    assert.deepEqual(Object.keys(properties).sort(), [...read].sort());
  });

  it("the declared defaults are the code's defaults: a setting left at its default reads as one never set", () => {
    const unset = validateSettings(() => undefined);
    const declared = validateSettings((key) => properties[`turbo.${key}`]?.default);
    assert.deepEqual(declared.problems, [], 'every declared default passes its own check');
    assert.deepEqual(declared.settings, unset.settings);
  });

  it('turbo help parse-output lists every runner the parsers read', () => {
    for (const runner of RUNNER_NAMES) assert.match(PARSE_OUTPUT_HELP, new RegExp(`\\b${runner}\\b`));
  });

  it('F5 works: the launch entry waits for a task of .vscode/tasks.json that runs a package.json script and knows when it has built', () => {
    const read = (file: string) => JSON.parse(fs.readFileSync(path.resolve(__dirname, '../..', file), 'utf8'));
    const launch = read('.vscode/launch.json') as {
      configurations: { type: string; preLaunchTask?: string; program?: string }[];
    };
    const tasks = read('.vscode/tasks.json') as {
      tasks: {
        label: string;
        script: string;
        problemMatcher: { background?: { beginsPattern: string; endsPattern: string } };
      }[];
    };
    const scripts = (read('package.json') as { scripts: Record<string, string> }).scripts;
    const host = launch.configurations.find((c) => c.type === 'extensionHost')!;
    const task = tasks.tasks.find((t) => t.label === host.preLaunchTask)!;
    assert.ok(task, `${host.preLaunchTask} is a task`);
    assert.match(scripts[task.script], /esbuild\.mjs --watch/);
    const printed = fs.readFileSync(path.resolve(__dirname, '../../esbuild.mjs'), 'utf8');
    const background = task.problemMatcher.background!;
    for (const pattern of [background.beginsPattern, background.endsPattern]) {
      const line = /console\.log\('(\[watch\][^']*)'\)/g;
      assert.ok(
        [...printed.matchAll(line)].some((m) => new RegExp(pattern).test(m[1])),
        `esbuild.mjs prints a line matching ${pattern}`,
      );
    }
    const unit = launch.configurations.find((c) => c.type === 'node')!;
    assert.ok(
      fs.existsSync(unit.program!.replace('${workspaceFolder}', path.resolve(__dirname, '../..'))),
      'the unit-test entry runs mocha',
    );
  });

  it('the .vsix ships every bundle the shipped code loads (turbo mcp runs dist/mcp.js) and no source map', () => {
    const bundles = ['dist/extension.js', 'dist/cli.js', 'dist/mcp.js', 'dist/proxy.js'];
    for (const bundle of bundles)
      assert.ok(fs.existsSync(path.join(root, bundle)), `${bundle} is built (npm run build)`);
    const shipped = shippedFiles();
    assert.deepEqual(
      bundles.filter((b) => !shipped.includes(b)),
      [],
      'bundles left out of the .vsix',
    );
    assert.deepEqual(
      shipped.filter((f) => f.endsWith('.map')),
      [],
    );
  }).timeout(90_000);

  it('node dist/cli.js mcp answers an MCP initialize request from the files the .vsix ships, and nothing else', () => {
    const installed = fs.mkdtempSync(path.join(os.tmpdir(), 'turbo-vsix-'));
    try {
      for (const file of shippedFiles()) {
        fs.mkdirSync(path.dirname(path.join(installed, file)), { recursive: true });
        fs.copyFileSync(path.join(root, file), path.join(installed, file));
      }
      const initialize = {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'vsix-test', version: '0' } },
      };
      // The server ends when its stdin closes, which spawnSync does after writing the request.
      const served = spawnSync(process.execPath, [path.join(installed, 'dist', 'cli.js'), 'mcp'], {
        cwd: installed,
        input: `${JSON.stringify(initialize)}\n`,
        encoding: 'utf8',
        timeout: 20_000,
      });
      const answer = served.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { id?: number; result?: { serverInfo?: { name?: string } } })
        .find((m) => m.id === 1);
      assert.ok(answer?.result?.serverInfo?.name, `no initialize result; stderr: ${served.stderr}`);
    } finally {
      fs.rmSync(installed, { recursive: true, force: true });
    }
  }).timeout(90_000);
});

describe('package.json declares what is tested', () => {
  const raw = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    engines: { vscode: string };
    devDependencies: Record<string, string>;
    scripts: Record<string, string>;
    repository: { url: string };
    bugs?: { url?: string };
    homepage?: string;
    extensionKind?: string[];
    capabilities: { virtualWorkspaces?: boolean | { supported?: boolean; description?: string } };
  };
  const majorMinor = (version: string) => /(\d+\.\d+)\.\d+/.exec(version)?.[1];

  it('engines.vscode is the VS Code the CI runs the integration suites in as the minimum, and @types/vscode is no newer', () => {
    const editors = JSON.parse(fs.readFileSync(path.join(root, 'test/harness/editors.json'), 'utf8')) as Record<
      string,
      { vscode: string }
    >;
    assert.match(raw.engines.vscode, /^\^\d+\.\d+\.\d+$/);
    assert.equal(majorMinor(raw.engines.vscode), majorMinor(editors.minimum.vscode));
    assert.equal(majorMinor(raw.devDependencies['@types/vscode']), majorMinor(editors.minimum.vscode));
    assert.match(raw.scripts['test:integration:minimum'], /runCodeServer\.mjs --editor=minimum$/);
    assert.match(fs.readFileSync(path.join(root, '.ci/run'), 'utf8'), /^npm run test:integration:minimum$/m);
  });

  it('Race Candidates is in the Command Palette wherever Generate is: both pick a contract when none is open', () => {
    // Hidden outside a contract, its name typed in the palette ran a "similar command" (Clear API Key).
    const palette = (manifest.contributes.menus.commandPalette ?? []) as { command?: string; when?: string }[];
    const when = (id: string) => palette.find((m) => m.command === id)?.when;
    assert.equal(when('turbo.raceCandidates'), when('turbo.generate'));
  });

  it('a race view VS Code restores after a reload activates Turbo, whose serializer closes it', () => {
    assert.ok(manifest.activationEvents?.includes(`onWebviewPanel:${VIEW_TYPE}`), String(manifest.activationEvents));
  });

  it("the Copilot tool's candidates argument takes the race's bounds", () => {
    const tools = (manifest.contributes as unknown as Record<string, { inputSchema: { properties: object } }[]>)
      .languageModelTools;
    const candidates = (tools[0].inputSchema.properties as Record<string, unknown>).candidates;
    assert.deepEqual(candidates && { ...candidates, description: undefined }, {
      type: 'integer',
      minimum: MIN_CANDIDATES,
      maximum: MAX_CANDIDATES,
      description: undefined,
    });
  });

  it('every setting has a scope, and its declared minimum, maximum and type are the bounds the code checks', () => {
    const declared = properties as Record<
      string,
      { type: string | string[]; scope?: string; minimum?: number; maximum?: number }
    >;
    assert.deepEqual(
      Object.keys(declared).filter((id) => !declared[id].scope),
      [],
      'settings without a scope',
    );
    const problemWith = (id: string, value: unknown) =>
      validateSettings((key) => (`turbo.${key}` === id ? value : undefined)).problems.some((p) => p.setting === id);
    for (const [id, { type, minimum, maximum }] of Object.entries(declared)) {
      if (minimum === undefined || maximum === undefined) continue;
      assert.deepEqual(
        [minimum - 1, minimum, maximum, maximum + 1].map((v) => problemWith(id, v)),
        [true, false, false, true],
        `${id} takes ${minimum}…${maximum}`,
      );
      // A nullable setting declares ["integer", "null"]: null means unset, a fraction is still refused.
      const integer = type === 'integer' || (Array.isArray(type) && type.includes('integer'));
      assert.equal(problemWith(id, minimum + 0.5), integer, `${id} is ${type}`);
    }
  });

  it('the catalog entry: issues and home page, runs beside the workspace, says why virtual workspaces are not supported', () => {
    assert.equal(raw.bugs?.url, `${raw.repository.url}/issues`);
    assert.equal(raw.homepage, `${raw.repository.url}#readme`);
    assert.deepEqual(raw.extensionKind, ['workspace']);
    const virtual = raw.capabilities.virtualWorkspaces;
    assert.ok(typeof virtual === 'object' && virtual.supported === false && virtual.description, 'a reason is given');
  });
});

let shipped: string[] | undefined;

/**
 * What `vsce ls` says the .vsix holds (the bundles must be built first: npm run build). The bundles
 * carry their dependencies, so package.json tells vsce not to look for any (`vsce ls` does not read
 * that, hence the flag).
 */
function shippedFiles(): string[] {
  if (shipped) return shipped;
  const vsce = path.join(root, 'node_modules/@vscode/vsce/vsce');
  const listed = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(listed.status, 0, listed.stderr);
  shipped = listed.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return shipped;
}
