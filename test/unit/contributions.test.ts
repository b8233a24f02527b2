/**
 * What package.json declares and what the code does, checked rather than kept in step by hand: the
 * commands, the settings and their defaults.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND_IDS } from '../../src/extension/commands/ids';
import { validateSettings } from '../../src/extension/settingsCheck';
import { RUNNER_NAMES } from '../../src/core/testing/parsers';
import { PARSE_OUTPUT_HELP } from '../../src/cli/help';

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

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as Manifest;
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
    const root = path.resolve(__dirname, '../..');
    const bundles = ['dist/extension.js', 'dist/cli.js', 'dist/mcp.js', 'dist/proxy.js'];
    for (const bundle of bundles)
      assert.ok(fs.existsSync(path.join(root, bundle)), `${bundle} is built (npm run build)`);
    const listed = spawnSync(process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'ls'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(listed.status, 0, listed.stderr);
    const shipped = listed.stdout.split('\n').map((l) => l.trim());
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
});
