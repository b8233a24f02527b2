import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { TurboError } from '../../../src/core/errors';
import { generate } from '../../../src/core/generation/pipeline';
import type { FileSink } from '../../../src/core/generation/sink';
import { FsSink } from '../../../src/core/generation/fsSink';
import { runCliInProcess } from '../../support/cliRun';
import { fileBlocks } from '../../standin/server';
import { standInSuite } from '../../support/standInSuite';

describe('bad numbers and words from flags and the environment fail closed (CLI)', () => {
  const suite = standInSuite();
  const { standin } = suite;
  let dir: string;
  let contract: string;
  let env: Record<string, string>;
  before(() => (env = suite.env));
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-inputs-'));
    contract = path.join(dir, 'c.contract.md');
    await fs.writeFile(contract, '# Build a thing\n');
    await fs.writeFile(path.join(dir, 'package.json'), '{"scripts":{"test":"node -e 0"}}');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const generateCases: [string, string][] = [
    ['--overwrite', 'Never'],
    ['--overwrite', 'no'],
    ['--max-continuations', 'abc'],
    ['--max-continuations', '11'],
    ['--max-continuations', 'Infinity'],
    ['--max-tokens', 'abc'],
    ['--max-tokens', '1e3'],
    ['--max-tokens', '2000000'],
    ['--idle-timeout', '3000000'],
    ['--idle-timeout', 'Infinity'],
    ['--idle-timeout', 'abc'],
  ];
  for (const [flag, value] of generateCases) {
    it(`generate ${flag} ${value} exits 2, names the flag, and sends nothing`, async () => {
      const before = standin.requests.length;
      const r = await runCliInProcess(['generate', contract, '--out', path.join(dir, 'out'), flag, value], env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`${flag} takes .*got "${value}"`));
      assert.equal(standin.requests.length, before);
      await assert.rejects(fs.access(path.join(dir, 'out')));
    });
  }

  const testCases: [string, string, string][] = [
    ['test', '--timeout', '2200000'],
    ['test', '--timeout', 'Infinity'],
    ['test', '--timeout', 'abc'],
    ['test', '--timeout', '0'],
    ['test', '--runner', 'Pytest'],
    ['fix', '--timeout', '2200000'],
    ['fix', '--rounds', 'abc'],
    ['fix', '--rounds', '21'],
    ['parse-output', '--runner', 'nose'],
  ];
  for (const [command, flag, value] of testCases) {
    it(`${command} ${flag} ${value} exits 2 and names the flag, before running anything`, async () => {
      const before = standin.requests.length;
      const marker = path.join(dir, 'ran');
      const r = await runCliInProcess(
        [
          command,
          '--cwd',
          dir,
          ...(command === 'parse-output' ? [] : ['--cmd', `node -e "require('fs').writeFileSync('ran','')"`]),
          flag,
          value,
        ],
        env,
      );
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`${flag} takes .*got "${value}"`));
      assert.equal(standin.requests.length, before);
      await assert.rejects(fs.access(marker), 'the test command did not run');
    });
  }

  it('a flag that needs a value does not swallow the next flag (--cmd --json), but --cmd=--x is taken as written', async () => {
    const r = await runCliInProcess(['test', '--cwd', dir, '--cmd', '--json'], env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--cmd needs a value.*--cmd=/);
    await assert.rejects(fs.access(path.join(dir, 'ran')), 'nothing ran');
    const eq = await runCliInProcess(['test', '--cwd', dir, '--cmd=--version', '--quiet'], env);
    assert.notEqual(eq.code, 2, 'an explicit --cmd=VALUE is accepted even when it starts with --');
  });

  it('accepts --timeout up to a day (86400 s) and refuses more', async () => {
    const ok = await runCliInProcess(
      ['test', '--cwd', dir, '--cmd', 'node -e 0', '--timeout', '86400', '--quiet'],
      env,
    );
    assert.equal(ok.code, 0, ok.stderr);
    const over = await runCliInProcess(['test', '--cwd', dir, '--cmd', 'node -e 0', '--timeout', '86401'], env);
    assert.equal(over.code, 2);
    assert.match(over.stderr, /--timeout takes a number from 1 to 86400/);
  });

  const envCases: [string, string][] = [
    ['CEREBRAS_MODEL', 'gpt\u001b[2J'],
    ['CEREBRAS_MODEL', 'x'.repeat(300)],
    ['CEREBRAS_BASE_URL', 'not a url'],
    ['CEREBRAS_BASE_URL', 'file:///etc/passwd'],
    ['CEREBRAS_URL', 'ftp://example.com/v1'],
  ];
  for (const [name, value] of envCases) {
    it(`generate with ${name}=${JSON.stringify(value.slice(0, 20))} exits 2, names the variable, and sends nothing`, async () => {
      const before = standin.requests.length;
      const e: Record<string, string> = { ...env, [name]: value };
      if (name === 'CEREBRAS_URL') delete e.CEREBRAS_BASE_URL;
      const r = await runCliInProcess(['generate', contract, '--out', path.join(dir, 'out')], e);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(name));
      assert.doesNotMatch(r.stderr, /\u001b/);
      assert.equal(standin.requests.length, before);
    });
  }

  it('still accepts good values', async () => {
    standin.enqueue({ content: fileBlocks({ 'a.txt': 'a\n' }) });
    const r = await runCliInProcess(
      [
        'generate',
        contract,
        '--out',
        path.join(dir, 'out'),
        '--overwrite',
        'never',
        '--max-continuations',
        '10',
        '--max-tokens',
        '1000',
        '--idle-timeout',
        '3600',
        '--json',
      ],
      { ...env, CEREBRAS_MODEL: 'llama-3.3-70b' },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).model, 'llama-3.3-70b');
  });
});

describe('generate() refuses a maxContinuations that is not a whole number in range', () => {
  const suite = standInSuite();
  const { standin } = suite;
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-inputs-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  for (const bad of [NaN, Infinity, -1, 1.5, 11]) {
    it(`maxContinuations ${bad}: a config error before any request`, async function () {
      this.timeout(10_000);
      // Every answer is cut off: a NaN limit used to continue for ever.
      for (let i = 0; i < 20; i++) standin.enqueue({ content: '<FILE path="a.txt">\nA', finishReason: 'length' });
      const before = standin.chatRequests.length;
      const sink: FileSink = new FsSink(dir, 'never');
      await assert.rejects(
        generate({ client: suite.client, contract: '# c\n', sink, maxContinuations: bad }),
        (err: unknown) =>
          err instanceof TurboError &&
          err.kind === 'config' &&
          /maxContinuations takes a whole number from 0 to 10/.test(err.message),
      );
      standin.clearQueue();
      assert.equal(standin.chatRequests.length - before, 0);
    });
  }
});
