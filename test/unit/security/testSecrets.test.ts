import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { main } from '../../../src/cli/cli';
import { buildFixRequest } from '../../../src/core/testing/fix';
import { testJson } from '../../../src/core/testing/report';
import { runTests } from '../../../src/core/testing/loop';
import { runTestCommand } from '../../../src/core/testing/runner';
import { SecretStream } from '../../../src/core/testing/env';
import { redactSecrets } from '../../../src/core/errors';

const node = (script: string) => `"${process.execPath}" -e ${JSON.stringify(script)}`;
const KEY = 'csk-env0key0that0must0stay0home0123456789';
const TOKEN = 'my-token-value-42';
const STORED = 'stored-key-from-secret-storage-77';

/** Sets variables in this process's environment for one test, as the editor's host or a shell would. */
function withEnv(vars: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

describe('secrets stay out of test runs', () => {
  let dir: string;
  let restore: () => void;
  beforeEach(async () => {
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-secrets-')));
    restore = withEnv({ CEREBRAS_API_KEY: KEY, MY_TOKEN: TOKEN });
  });
  afterEach(async () => {
    restore();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('runs the command without the key and without the variables the caller lists', async () => {
    const streamed: string[] = [];
    const r = await runTestCommand({
      cwd: dir,
      command: node(
        'console.log("key=" + (process.env.CEREBRAS_API_KEY ?? "unset"), "tok=" + (process.env.MY_TOKEN ?? "unset"), "colour=" + process.env.NO_COLOR)',
      ),
      denyEnv: ['MY_TOKEN'],
      onOutput: (t) => streamed.push(t),
    });
    assert.equal(r.exitCode, 0);
    assert.match(r.output, /key=unset tok=unset colour=1/);
    assert.equal(streamed.join(''), r.output);
  });

  it('a variable nobody lists is still passed', async () => {
    const r = await runTestCommand({ cwd: dir, command: node('console.log("tok=" + process.env.MY_TOKEN)') });
    assert.match(r.output, /tok=my-token-value-42/);
  });

  it('keeps the key out of the report, its JSON and the next fix request, even when a test reads it from elsewhere', async () => {
    // The editor's key lives in secret storage, not in the environment: a test could still print it (from a file here).
    await fs.writeFile(path.join(dir, 'leak.txt'), `${STORED}\n${KEY}\n`);
    await fs.writeFile(
      path.join(dir, 'leak.test.js'),
      [
        "const test = require('node:test');",
        "const assert = require('node:assert');",
        "const leaked = require('node:fs').readFileSync(__dirname + '/leak.txt', 'utf8').split('\\n');",
        "test('env', () => { console.log('env says', process.env.CEREBRAS_API_KEY); assert.equal(process.env.CEREBRAS_API_KEY, 'nothing'); });",
        "test('file', () => { assert.equal(leaked[0] + ' ' + leaked[1], 'nothing'); });",
        '',
      ].join('\n'),
    );
    const streamed: string[] = [];
    const report = await runTests({
      cwd: dir,
      command: `"${process.execPath}" --test leak.test.js`,
      secrets: [STORED],
      onOutput: (t) => streamed.push(t),
    });
    assert.equal(report.green, false);
    assert.equal(report.runner, 'node');
    assert.equal(report.failures.length, 2, report.output);
    assert.match(report.output, /\[redacted\]/);
    const request = buildFixRequest({
      failures: report.failures,
      root: dir,
      output: report.output,
      command: report.command,
      files: [],
    });
    const everything = [
      report.output,
      JSON.stringify(report),
      JSON.stringify(testJson(report)),
      JSON.stringify(request),
      streamed.join(''),
    ].join('\n');
    for (const secret of [KEY, STORED]) assert.ok(!everything.includes(secret), `${secret} leaked`);
  });

  it('redacts a secret written in pieces across output chunks', async () => {
    const secret = 'piecewise-secret-0123456789';
    const script = `const s = ${JSON.stringify(secret)}; process.stdout.write("before " + s.slice(0, 11)); setTimeout(() => process.stdout.write(s.slice(11, 20)), 150); setTimeout(() => process.stdout.write(s.slice(20) + " after\\n" + s.slice(0, 6)), 300)`;
    const streamed: string[] = [];
    const r = await runTestCommand({
      cwd: dir,
      command: node(script),
      secrets: [secret],
      onOutput: (t) => streamed.push(t),
    });
    const joined = streamed.join('');
    assert.ok(!joined.includes(secret), joined);
    assert.ok(!r.output.includes(secret), r.output);
    // A harmless start of a secret at the very end is still shown once the run ends.
    assert.equal(joined, `before [redacted] after\n${secret.slice(0, 6)}`);
    assert.equal(r.output, joined);
  });

  it('a secret cut in two by the output cap leaves no piece in the kept tail', async () => {
    const secret = 'capped-secret-0123456789';
    // The cap keeps the last 10 bytes: the secret's last 4 characters, then the last line.
    const r = await runTestCommand({
      cwd: dir,
      command: node(`process.stdout.write(${JSON.stringify(secret)} + "\\nTAIL\\n")`),
      secrets: [secret],
      maxOutputBytes: 10,
    });
    assert.equal(r.output, 'TAIL\n');
    assert.equal(r.droppedBytes, secret.length + 1);
  });

  it('turbo test, plain and --json, does not print the key (the CLI driven in-process)', async () => {
    const cliKey = 'cli-key-read-from-a-file-99';
    await fs.writeFile(path.join(dir, 'key.txt'), cliKey);
    await fs.writeFile(
      path.join(dir, 'key.test.js'),
      "require('node:test')('leaks', () => { require('node:assert').equal(process.env.CEREBRAS_API_KEY + ' ' + require('node:fs').readFileSync(__dirname + '/key.txt', 'utf8'), 'nothing'); });\n",
    );
    const cli = async (extra: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await main(['test', '--cwd', dir, '--cmd', `"${process.execPath}" --test key.test.js`, ...extra], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        env: { CEREBRAS_API_KEY: cliKey },
        isTTY: false,
      });
      return { code, text: stdout + stderr, stdout };
    };
    const plain = await cli([]);
    const json = await cli(['--json']);
    assert.equal(plain.code, 1, plain.text);
    assert.equal(json.code, 1, json.text);
    assert.match(plain.text, /undefined \[redacted\]/);
    assert.match(JSON.parse(json.stdout).diagnostics[0].message, /undefined \[redacted\]/);
    for (const secret of [KEY, cliKey]) assert.ok(!(plain.text + json.text).includes(secret), `${secret} leaked`);
  });
});

describe('TURBO_TEST_ENV_DENY: the CLI and MCP equivalent of turbo.testEnvDeny', () => {
  let dir: string;
  let restore: () => void;
  const printer = node(
    "console.log('tok=' + process.env.MY_TOKEN + ' other=' + process.env.OTHER_SECRET); process.exit(1)",
  );
  beforeEach(async () => {
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-envdeny-')));
    restore = withEnv({ MY_TOKEN: TOKEN, OTHER_SECRET: 'other-secret-value-55' });
  });
  afterEach(async () => {
    restore();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('turbo test removes the listed variables from the command and redacts their values', async () => {
    let out = '';
    const io = {
      stdout: (t: string) => (out += t),
      stderr: (t: string) => (out += t),
      env: { TURBO_TEST_ENV_DENY: 'MY_TOKEN, OTHER_SECRET' },
      isTTY: false,
    };
    const code = await main(['test', '--cwd', dir, '--cmd', printer], io);
    assert.equal(code, 1);
    assert.match(out, /tok=undefined other=undefined/);
    assert.ok(!out.includes(TOKEN) && !out.includes('other-secret-value-55'));
  });

  it('a malformed name is an error naming the variable, and no command runs', async () => {
    let out = '';
    const marker = path.join(dir, 'ran');
    const io = {
      stdout: (t: string) => (out += t),
      stderr: (t: string) => (out += t),
      env: { TURBO_TEST_ENV_DENY: 'MY_TOKEN,not a name' },
      isTTY: false,
    };
    const code = await main(
      ['test', '--cwd', dir, '--cmd', node(`require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`)],
      io,
    );
    assert.equal(code, 2);
    assert.match(out, /TURBO_TEST_ENV_DENY/);
    await assert.rejects(fs.stat(marker));
  });
});

describe('the MCP run_tests result (dist/mcp.js)', () => {
  it('holds neither the key from the server environment nor pieces of it', async () => {
    const mcp = path.resolve(__dirname, '../../../dist/mcp.js');
    await fs.access(mcp).catch(() => assert.fail('dist/mcp.js is missing: run npm run build first'));
    const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-secrets-mcp-')));
    await fs.writeFile(path.join(dir, 'key.txt'), KEY);
    await fs.writeFile(
      path.join(dir, 'key.test.js'),
      "require('node:test')('leaks', () => { require('node:assert').equal(process.env.CEREBRAS_API_KEY + ' ' + require('node:fs').readFileSync(__dirname + '/key.txt', 'utf8'), 'nothing'); });\n",
    );
    const client = new Client({ name: 'turbo-test', version: '0.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [mcp],
        env: { PATH: process.env.PATH ?? '', CEREBRAS_API_KEY: KEY },
        cwd: dir,
        stderr: 'pipe',
      }),
    );
    try {
      const result = (await client.callTool({
        name: 'run_tests',
        arguments: { project_dir: '.', command: `"${process.execPath}" --test key.test.js` },
      })) as { content: { text: string }[] };
      const text = result.content[0].text;
      assert.match(JSON.parse(text).diagnostics[0].message, /undefined \[redacted\]/);
      assert.ok(!text.includes(KEY), text);
    } finally {
      await client.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('SecretStream', () => {
  const secrets = ['abcabd-secret-1', 'xyz-second-secret'];
  const text =
    'one abcabd-secret-1 two abcab abcabd-secret-1abcabd-secret-1 xyz-second-secret csk-abcdef123456 Bearer tok123456789 end abca';
  it('emits exactly the redacted text, however the output is split', () => {
    const whole = redactSecrets(text, ...secrets);
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 300; round++) {
      const stream = new SecretStream(secrets);
      let out = '';
      for (let at = 0; at < text.length;) {
        const size = 1 + Math.floor(rand() * 12);
        out += stream.push(text.slice(at, at + size));
        at += size;
      }
      out += stream.end();
      assert.equal(out, whole, `round ${round}`);
    }
  });

  it('holds back nothing when no secret can have started', () => {
    const stream = new SecretStream(secrets);
    assert.equal(stream.push('progress 1/3\n'), 'progress 1/3\n');
  });
});
