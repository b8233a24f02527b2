/**
 * Files keep their bytes and modes (issue 12, item 5): `turbo fix` edits only the range it changes,
 * refuses files that are not UTF-8 text, keeps each file's mode and edits a symlink's target.
 * `generate --overwrite always` keeps the mode of the files it replaces.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFixCli } from '../../../src/cli/testCommands';
import { FsSink } from '../../../src/core/generation/fsSink';
import { generate } from '../../../src/core/generation/pipeline';
import { editBlocks, fileBlocks } from '../../standin/server';
import { standInSuite } from '../../support/standInSuite';

const FIXTURE = path.resolve(__dirname, '../../fixtures/projects/node-test');
const NODE_TEST = `"${process.execPath}" --test`;
const GOOD_FIX = [
  {
    file: 'lib.js',
    search: "  return text.toLowerCase().replace(/ /g, '_');",
    replace: "  return text.toLowerCase().replace(/ /g, '-');",
  },
  { file: 'lib.js', search: 'function total(items) {', replace: 'function total(items = []) {' },
];
const ASCII_EDIT = (file: string) => ({ file, search: 'value = 1', replace: 'value = 2' });
/** Bytes around an ASCII line that UTF-8 decoding would damage: Latin-1 letters, a lone 0xFF. */
const LATIN1 = Buffer.concat([
  Buffer.from('caf'),
  Buffer.from([0xe9]),
  Buffer.from('\nvalue = 1\n'),
  Buffer.from([0xff, 0xfe, 0x80]),
  Buffer.from('\n'),
]);
/** Valid UTF-8 but binary: NUL bytes. */
const BINARY = Buffer.concat([Buffer.from('value = 1\n'), Buffer.from([0, 1, 2, 0, 0x7f]), Buffer.from('\n')]);

describe('turbo fix keeps bytes, modes and symlinks', function () {
  this.timeout(60_000);
  const suite = standInSuite();
  const { standin } = suite;
  let root: string;
  beforeEach(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-bytes-')));
    await fs.cp(FIXTURE, root, { recursive: true });
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  async function fix(edits: { file: string; search: string; replace: string }[]) {
    standin.enqueue({ content: editBlocks(edits) });
    let stdout = '';
    let stderr = '';
    const code = await runFixCli(['--cwd', root, '--cmd', NODE_TEST, '--rounds', '1', '--json'], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: { CEREBRAS_API_KEY: standin.apiKey, CEREBRAS_BASE_URL: standin.url },
      isTTY: false,
    });
    const json = JSON.parse(stdout) as { outcome: string; rounds: { changed: string[]; problems: string[] }[] };
    return { code, json, stderr };
  }

  for (const [name, bytes, why] of [
    ['latin.txt', LATIN1, /latin\.txt is not UTF-8 text; Turbo edits only UTF-8 files/],
    ['blob.dat', BINARY, /blob\.dat is binary \(it holds NUL bytes\); Turbo edits only UTF-8 text files/],
  ] as const) {
    it(`refuses to edit ${name} and leaves every byte of every file as it was`, async () => {
      await fs.writeFile(path.join(root, name), bytes);
      const lib = await fs.readFile(path.join(root, 'lib.js'));
      const { json } = await fix([...GOOD_FIX, ASCII_EDIT(name)]);
      assert.equal(json.outcome, 'edits_refused');
      assert.match(json.rounds[0].problems.join('\n'), why);
      assert.deepEqual(await fs.readFile(path.join(root, name)), bytes, `${name} is byte-identical`);
      assert.deepEqual(await fs.readFile(path.join(root, 'lib.js')), lib, 'the fix applies whole or not at all');
    });
  }

  it('keeps a BOM, CRLF line ends, other UTF-8 text and the modes 0600, 0750 and 0755', async () => {
    const lib = path.join(root, 'lib.js');
    const original = await fs.readFile(lib, 'utf8');
    await fs.writeFile(lib, `\uFEFF${original.replace(/\n/g, '\r\n')}// café ☕ 🚀\r\n`);
    await fs.chmod(lib, 0o600);
    const script = path.join(root, 'run.sh');
    await fs.writeFile(script, '#!/bin/sh\n# naïve — ünïcödé\nvalue = 1\necho ✓\n');
    await fs.chmod(script, 0o750);
    const tool = path.join(root, 'tool.sh');
    await fs.writeFile(tool, 'value = 1\n');
    await fs.chmod(tool, 0o755);
    const { json } = await fix([...GOOD_FIX, ASCII_EDIT('run.sh'), ASCII_EDIT('tool.sh')]);
    assert.deepEqual(json.rounds[0].changed.sort(), ['lib.js', 'run.sh', 'tool.sh']);
    const expected = `\uFEFF${original.replace("replace(/ /g, '_')", "replace(/ /g, '-')").replace('function total(items) {', 'function total(items = []) {').replace(/\n/g, '\r\n')}// café ☕ 🚀\r\n`;
    assert.deepEqual(await fs.readFile(lib), Buffer.from(expected, 'utf8'), 'BOM, CRLF and the rest kept');
    assert.deepEqual(await fs.readFile(script), Buffer.from('#!/bin/sh\n# naïve — ünïcödé\nvalue = 2\necho ✓\n'));
    assert.equal((await fs.stat(lib)).mode & 0o7777, 0o600);
    assert.equal((await fs.stat(script)).mode & 0o7777, 0o750);
    assert.equal((await fs.stat(tool)).mode & 0o7777, 0o755);
  });

  it('edits a symlink’s target inside the folder and leaves the link a link', async () => {
    await fs.mkdir(path.join(root, 'real'));
    await fs.writeFile(path.join(root, 'real/config.txt'), 'value = 1\n');
    await fs.symlink('real/config.txt', path.join(root, 'config.txt'));
    const { json } = await fix([ASCII_EDIT('config.txt')]);
    assert.deepEqual(json.rounds[0].changed, ['config.txt']);
    assert.ok((await fs.lstat(path.join(root, 'config.txt'))).isSymbolicLink(), 'still a symlink');
    assert.equal(await fs.readlink(path.join(root, 'config.txt')), 'real/config.txt');
    assert.equal(await fs.readFile(path.join(root, 'real/config.txt'), 'utf8'), 'value = 2\n');
  });
});

describe('generate --overwrite always keeps modes', () => {
  const suite = standInSuite();
  const { standin } = suite;
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-mode-'))));
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('a replaced 0750 file stays 0750, a replaced 0600 file stays 0600', async () => {
    await fs.writeFile(path.join(root, 'run.sh'), 'old\n');
    await fs.chmod(path.join(root, 'run.sh'), 0o750);
    await fs.writeFile(path.join(root, 'secret.txt'), 'old\n');
    await fs.chmod(path.join(root, 'secret.txt'), 0o600);
    standin.enqueue({ content: fileBlocks({ 'run.sh': '#!/bin/sh\necho new\n', 'secret.txt': 'new\n' }) });
    const report = await generate({ client: suite.client, contract: 'x', sink: new FsSink(root, 'always') });
    assert.equal(report.error, undefined);
    assert.deepEqual(
      report.files.map((f) => [f.path, f.overwritten]),
      [
        ['run.sh', true],
        ['secret.txt', true],
      ],
    );
    assert.equal(await fs.readFile(path.join(root, 'run.sh'), 'utf8'), '#!/bin/sh\necho new\n');
    assert.equal((await fs.stat(path.join(root, 'run.sh'))).mode & 0o7777, 0o750);
    assert.equal((await fs.stat(path.join(root, 'secret.txt'))).mode & 0o7777, 0o600);
  });
});
