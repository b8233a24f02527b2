import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CerebrasStandIn, fileBlocks } from '../standin/server';

const DIST = path.resolve(__dirname, '../../dist');

/** Starts the real server as a stdio process and connects the MCP SDK's own client to it. */
async function connect(args: string[], env: Record<string, string>, cwd: string): Promise<Client> {
  await fs
    .access(path.join(DIST, 'mcp.js'))
    .catch(() => assert.fail('dist/mcp.js is missing: run npm run build first'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'turbo-test', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

type CallResult = { content: { type: string; text: string }[]; isError?: boolean };
const call = async (client: Client, name: string, args: Record<string, unknown> = {}) =>
  (await client.callTool({ name, arguments: args })) as CallResult;

const FILES = {
  'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
  'app/__init__.py': '',
  'SECRET_MARKER.txt': 'content-that-must-not-leak\n',
};

const GO_CONTRACT = `# Tasks in Go

## DATA CONTRACT

type Task struct {
\tID    string \`json:"id"\`
\tTitle string \`json:"title"\`
\tDone  bool   \`json:"done"\`
}

## API CONTRACT

GET /tasks/{id} -> Task
`;

/** A Go answer that forgets Task.Done. */
const GO_FILES = {
  'go.mod': 'module example.com/tasks\n\ngo 1.22\n',
  'main.go': `package main

import "net/http"

type Task struct {
\tID    string \`json:"id"\`
\tTitle string \`json:"title"\`
}

func main() {
\tmux := http.NewServeMux()
\t// GET /tasks/{id}
\t_ = mux
\tmux.HandleFunc("GET /tasks/{id}", func(w http.ResponseWriter, r *http.Request) {})
\thttp.ListenAndServe(":8080", mux)
}
`,
};

/** A real node --test project's tests, and two answers: one passes both, one fails mul. */
const CALC_TESTS = `const test = require('node:test');
const assert = require('node:assert/strict');
const calc = require('../src/calc.js');
test('add', () => assert.equal(calc.add(2, 3), 5));
test('mul', () => assert.equal(calc.mul(2, 3), 6));
`;
const GOOD_CALC = 'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a * b;\n';
const BUGGY_CALC = 'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a + b;\n';

describe('MCP server (dist/mcp.js) through the MCP SDK client', () => {
  const standin = new CerebrasStandIn();
  let cwd: string;
  let client: Client;
  before(async () => {
    await standin.start();
  });
  beforeEach(async () => {
    cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-mcp-'));
    client = await connect(
      [path.join(DIST, 'mcp.js')],
      { CEREBRAS_API_KEY: standin.apiKey, CEREBRAS_URL: `${standin.url}/v1` },
      cwd,
    );
  });
  afterEach(async () => {
    await client.close();
    await fs.rm(cwd, { recursive: true, force: true });
  });
  after(() => standin.close());

  it("lists the seed's three tools with the seed's argument names, run_tests and check_contract", async () => {
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(
      tools.map((t) => [t.name, t.inputSchema as { properties?: Record<string, unknown>; required?: string[] }]),
    );
    assert.deepEqual(Object.keys(byName).sort(), [
      'check_contract',
      'check_status',
      'generate',
      'generate_and_write_files',
      'race_and_write_files',
      'run_tests',
    ]);
    assert.deepEqual(Object.keys(byName.check_contract.properties ?? {}).sort(), [
      'contract_path',
      'output_dir',
      'prompt',
    ]);
    assert.deepEqual(byName.check_contract.required, ['output_dir']);
    assert.deepEqual(byName.run_tests.required, ['project_dir']);
    assert.deepEqual(Object.keys(byName.generate.properties ?? {}).sort(), ['max_tokens', 'prompt', 'system_prompt']);
    assert.deepEqual(byName.generate.required, ['prompt']);
    assert.deepEqual(Object.keys(byName.generate_and_write_files.properties ?? {}).sort(), [
      'output_dir',
      'prompt',
      'system_prompt',
    ]);
    assert.deepEqual([...(byName.generate_and_write_files.required ?? [])].sort(), ['output_dir', 'prompt']);
    assert.deepEqual(Object.keys(byName.race_and_write_files.properties ?? {}).sort(), [
      'candidates',
      'output_dir',
      'prompt',
      'test_command',
    ]);
    assert.deepEqual([...(byName.race_and_write_files.required ?? [])].sort(), ['output_dir', 'prompt']);
  });

  it('race_and_write_files: the passing candidate lands, the result is the race metadata, never the code', async () => {
    const project = path.join(cwd, 'calc');
    await fs.mkdir(path.join(project, 'test'), { recursive: true });
    await fs.writeFile(
      path.join(project, 'package.json'),
      '{ "private": true, "scripts": { "test": "node --test" } }\n',
    );
    await fs.writeFile(path.join(project, 'test/calc.test.js'), CALC_TESTS);
    standin.enqueue(
      { content: fileBlocks({ 'src/calc.js': BUGGY_CALC }), chunkSize: 64 },
      { content: fileBlocks({ 'src/calc.js': GOOD_CALC }), chunkSize: 64 },
    );
    const result = await call(client, 'race_and_write_files', {
      prompt: '# Calculator\n\nsrc/calc.js (CommonJS) exports add and mul.\n',
      output_dir: 'calc',
      candidates: 2,
    });
    assert.equal(result.isError, undefined, result.content[0].text);
    const meta = JSON.parse(result.content[0].text);
    assert.equal(meta.green, true);
    assert.equal(meta.test_command, 'npm test');
    assert.match(meta.test_command_reason, /package\.json has a test script/);
    assert.equal(meta.output_dir, path.join(await fs.realpath(cwd), 'calc'));
    assert.deepEqual(meta.files, [
      { path: 'src/calc.js', lines: 2, bytes: Buffer.byteLength(GOOD_CALC), overwritten: false },
    ]);
    const byNumber = new Map(meta.candidates.map((c: { candidate: number }) => [c.candidate, c]));
    assert.deepEqual([...byNumber.keys()].sort(), [1, 2]);
    const loser = meta.candidates.find((c: { candidate: number }) => c.candidate !== meta.winner);
    assert.deepEqual([loser.green, loser.passed, loser.failed], [false, 1, 1]);
    assert.equal(await fs.readFile(path.join(project, 'src/calc.js'), 'utf8'), GOOD_CALC);
    assert.ok(!result.content[0].text.includes('a * b') && !result.content[0].text.includes('a + b'), 'no code');
    assert.ok(!result.content[0].text.includes(standin.apiKey));
  });

  it('race_and_write_files is an error for the agent when nothing landed (TURBO_OVERWRITE=never, the file exists)', async () => {
    const never = await connect(
      [path.join(DIST, 'mcp.js')],
      { CEREBRAS_API_KEY: standin.apiKey, CEREBRAS_URL: `${standin.url}/v1`, TURBO_OVERWRITE: 'never' },
      cwd,
    );
    try {
      const project = path.join(cwd, 'calc');
      await fs.mkdir(path.join(project, 'src'), { recursive: true });
      await fs.writeFile(path.join(project, 'src/calc.js'), 'mine\n');
      standin.enqueue(
        { content: fileBlocks({ 'src/calc.js': GOOD_CALC }), chunkSize: 64 },
        { content: fileBlocks({ 'src/calc.js': GOOD_CALC }), chunkSize: 64 },
      );
      const result = await call(never, 'race_and_write_files', { prompt: 'x', output_dir: 'calc', candidates: 2 });
      assert.equal(result.isError, true, result.content[0].text);
      const meta = JSON.parse(result.content[0].text);
      assert.deepEqual(meta.files, []);
      assert.equal(meta.not_written[0].path, 'src/calc.js');
      assert.equal(await fs.readFile(path.join(project, 'src/calc.js'), 'utf8'), 'mine\n');
    } finally {
      await never.close();
    }
  });

  it('race_and_write_files refuses an output_dir outside the allowed roots and a candidate count outside 2-8', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-mcp-outside-'));
    const before = standin.chatRequests.length;
    try {
      const refused = await call(client, 'race_and_write_files', { prompt: 'x', output_dir: outside });
      assert.equal(refused.isError, true);
      assert.match(JSON.parse(refused.content[0].text).message, /output_dir .* is outside the allowed folders/);
      const nine = await call(client, 'race_and_write_files', { prompt: 'x', output_dir: 'out', candidates: 9 });
      assert.equal(nine.isError, true);
      assert.match(nine.content[0].text, /candidates takes a whole number from 2 to 8/);
      assert.equal(standin.chatRequests.length, before, 'no request was sent');
      assert.deepEqual(await fs.readdir(outside), []);
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });

  it('generate_and_write_files writes exact files and returns metadata only', async () => {
    standin.enqueue({ content: fileBlocks(FILES, 'Here:\n'), chunkSize: 7 });
    const result = await call(client, 'generate_and_write_files', {
      prompt: '## RULES\n- FastAPI\n',
      output_dir: 'out',
    });
    assert.equal(result.isError, undefined);
    const meta = JSON.parse(result.content[0].text);
    assert.equal(meta.status, 'success');
    assert.equal(meta.model, 'gpt-oss-120b');
    assert.equal(meta.total_files, 3);
    assert.equal(meta.total_lines, 4);
    assert.deepEqual(
      meta.files_written.map((f: { filename: string; lines: number }) => [f.filename, f.lines]),
      [
        ['app/main.py', 3],
        ['app/__init__.py', 0],
        ['SECRET_MARKER.txt', 1],
      ],
    );
    const root = await fs.realpath(cwd);
    assert.equal(meta.files_written[0].path, path.join(root, 'out', 'app/main.py'));
    assert.deepEqual(meta.errors, []);
    for (const key of ['generation_time_ms', 'usage', 'cost_usd', 'tokens_per_second', 'finish_reason'])
      assert.ok(key in meta, key);
    for (const [p, c] of Object.entries(FILES)) assert.equal(await fs.readFile(path.join(cwd, 'out', p), 'utf8'), c);
    assert.ok(!result.content[0].text.includes('content-that-must-not-leak'), 'no file content in the result');
    assert.ok(!result.content[0].text.includes('FastAPI()'), 'no file content in the result');
    assert.ok(!result.content[0].text.includes(standin.apiKey));
    assert.deepEqual(meta.conformance, { met: 0, total: 0, unmet: [] }, 'the contract declares no models or routes');
  });

  it('generate_and_write_files says which clauses of the contract the written code misses', async () => {
    standin.enqueue({ content: fileBlocks(GO_FILES), chunkSize: 64 });
    const result = await call(client, 'generate_and_write_files', { prompt: GO_CONTRACT, output_dir: 'api' });
    const meta = JSON.parse(result.content[0].text);
    assert.equal(meta.status, 'success');
    assert.deepEqual(meta.conformance, { met: 4, total: 5, unmet: ['Task.Done'] });
  });

  it('check_contract returns the clauses, from a prompt or a contract file inside the roots, and refuses one outside', async () => {
    for (const [p, c] of Object.entries(GO_FILES)) {
      await fs.mkdir(path.dirname(path.join(cwd, 'api', p)), { recursive: true });
      await fs.writeFile(path.join(cwd, 'api', p), c);
    }
    await fs.writeFile(path.join(cwd, 'tasks.contract.md'), GO_CONTRACT);
    const byPath = await call(client, 'check_contract', { contract_path: 'tasks.contract.md', output_dir: 'api' });
    assert.equal(byPath.isError, undefined, byPath.content[0].text);
    const report = JSON.parse(byPath.content[0].text);
    assert.equal(report.met, 4);
    assert.equal(report.total, 5);
    const done = report.clauses.find((c: { name: string }) => c.name === 'Task.Done');
    assert.deepEqual(done, {
      kind: 'field',
      name: 'Task.Done',
      contract_line: 8,
      status: 'missing',
      detail: 'not found in the generated code',
      file: null,
      line: null,
    });
    const route = report.clauses.find((c: { name: string }) => c.name === 'GET /tasks/{id}');
    assert.deepEqual([route.status, route.file, route.line], ['met', 'main.go', 14]);
    const byPrompt = JSON.parse(
      (await call(client, 'check_contract', { prompt: GO_CONTRACT, output_dir: 'api' })).content[0].text,
    );
    assert.deepEqual(byPrompt.clauses, report.clauses);

    const both = await call(client, 'check_contract', {
      prompt: 'x',
      contract_path: 'tasks.contract.md',
      output_dir: 'api',
    });
    assert.equal(both.isError, true);
    assert.match(JSON.parse(both.content[0].text).message, /either as "prompt".*or as "contract_path"/);
    const outside = await call(client, 'check_contract', { contract_path: '/etc/passwd', output_dir: 'api' });
    assert.equal(outside.isError, true);
    assert.match(JSON.parse(outside.content[0].text).message, /contract_path/);
    assert.ok(!outside.content[0].text.includes('root:'), 'nothing of the file outside is read');
    const noFolder = await call(client, 'check_contract', { prompt: GO_CONTRACT, output_dir: 'nowhere' });
    assert.equal(noFolder.isError, true);
    assert.match(JSON.parse(noFolder.content[0].text).message, /is not a folder/);
  });

  it('refuses hostile paths and writes nothing outside output_dir', async () => {
    standin.enqueue({
      content: fileBlocks({ '../escape.txt': 'x', '/etc/evil': 'x', '.git/config': 'x', 'ok.txt': 'ok\n' }),
    });
    const meta = JSON.parse(
      (await call(client, 'generate_and_write_files', { prompt: 'x', output_dir: 'out' })).content[0].text,
    );
    assert.deepEqual(
      meta.files_written.map((f: { filename: string }) => f.filename),
      ['ok.txt'],
    );
    assert.equal(meta.errors.length, 3);
    assert.ok(meta.errors.every((e: string) => e.startsWith('rejected')));
    await assert.rejects(fs.access(path.join(cwd, 'escape.txt')));
    assert.deepEqual(await fs.readdir(path.join(cwd, 'out')), ['ok.txt']);
  });

  it('reports truncation in the metadata and writes no partial file', async () => {
    standin.enqueue(
      { content: '<FILE path="a.txt">\nA\n</FILE>\n<FILE path="b.txt">\nhal', finishReason: 'length' },
      { content: '' },
      { content: '' },
    );
    const result = await call(client, 'generate_and_write_files', { prompt: 'x', output_dir: 'out' });
    const meta = JSON.parse(result.content[0].text);
    assert.equal(meta.status, 'partial');
    assert.equal(meta.truncated, true);
    assert.ok(meta.errors.some((e: string) => /truncated: b\.txt/.test(e)));
    assert.deepEqual(await fs.readdir(path.join(cwd, 'out')), ['a.txt']);
  });

  it("generate returns the model's text", async () => {
    standin.enqueue({ content: 'just text' });
    const result = await call(client, 'generate', { prompt: 'say something', max_tokens: 100 });
    assert.equal(result.content[0].text, 'just text');
    const body = standin.chatRequests.at(-1)!.body as { messages: { role: string }[]; max_completion_tokens: number };
    assert.deepEqual(
      body.messages.map((m) => m.role),
      ['user'],
    );
    assert.equal(body.max_completion_tokens, 100);
  });

  it('run_tests runs the real tests of a project and returns located failures', async () => {
    await fs.cp(path.resolve(__dirname, '../fixtures/projects/node-test'), path.join(cwd, 'proj'), { recursive: true });
    const result = await call(client, 'run_tests', { project_dir: 'proj', command: `"${process.execPath}" --test` });
    assert.equal(result.isError, undefined, result.content[0].text);
    const report = JSON.parse(result.content[0].text);
    assert.deepEqual([report.runner, report.passed, report.failed, report.green], ['node', 1, 2, false]);
    assert.deepEqual(
      report.diagnostics.map((d: { file: string; line: number }) => `${d.file}:${d.line}`),
      ['test/lib.test.js:6', 'test/lib.test.js:14'],
    );
    assert.deepEqual(
      report.diagnostics[1].related.map((r: { file: string; line: number }) => `${r.file}:${r.line}`),
      ['lib.js:6'],
    );
    const none = await call(client, 'run_tests', { project_dir: '.' });
    assert.equal(none.isError, true);
    assert.match(none.content[0].text, /No test command found/);
  });

  it('check_status shows the configuration and the models, never the key', async () => {
    const result = await call(client, 'check_status');
    const status = JSON.parse(result.content[0].text);
    assert.equal(status.status, 'ok');
    assert.equal(status.api_key_set, true);
    assert.equal(status.base_url, standin.url);
    assert.deepEqual(status.models, standin.models);
    assert.ok(!result.content[0].text.includes(standin.apiKey));
  });
});

describe('MCP check_status and the model catalogue', () => {
  const standin = new CerebrasStandIn();
  before(() => standin.start());
  after(() => standin.close());

  it('lists every model the key has, priced where known, and marks a retired model in use', async () => {
    standin.models = ['gpt-oss-120b', 'zai-glm-4.7', 'llama-3.3-70b'];
    const cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-mcp-models-'));
    const env = { CEREBRAS_API_KEY: standin.apiKey, CEREBRAS_BASE_URL: standin.url, CEREBRAS_MODEL: 'llama-3.3-70b' };
    const client = await connect([path.join(DIST, 'mcp.js')], env, cwd);
    try {
      const status = JSON.parse((await call(client, 'check_status')).content[0].text);
      assert.equal(status.status, 'ok');
      assert.match(status.warning, /llama-3\.3-70b was retired by Cerebras on 2026-02-16; use gpt-oss-120b/);
      const byId = Object.fromEntries(status.offered_models.map((m: { id: string }) => [m.id, m]));
      assert.deepEqual(Object.keys(byId), standin.models);
      assert.equal(byId['zai-glm-4.7'].price, 'price unknown');
      assert.equal(byId['zai-glm-4.7'].input_per_million, null);
      assert.equal(byId['gpt-oss-120b'].input_per_million, 0.35);
      assert.equal(byId['gpt-oss-120b'].retired, undefined);
      assert.equal(byId['llama-3.3-70b'].retired, '2026-02-16');
      assert.equal(byId['llama-3.3-70b'].use_instead, 'gpt-oss-120b');
      const known = status.known_models.find((m: { id: string }) => m.id === 'llama3.1-8b');
      assert.equal(known.retired, '2026-05-27');
    } finally {
      await client.close();
      await fs.rm(cwd, { recursive: true, force: true });
    }
  });
});

describe('MCP server without a key', () => {
  it('answers with a tool error that says how to set the key, and keeps serving', async () => {
    const cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-mcp-nokey-'));
    // Through `turbo mcp` this time: the CLI serves the same bundle.
    const client = await connect([path.join(DIST, 'cli.js'), 'mcp'], {}, cwd);
    try {
      const result = await call(client, 'generate_and_write_files', { prompt: 'x', output_dir: 'out' });
      assert.equal(result.isError, true);
      assert.match(JSON.parse(result.content[0].text).message, /CEREBRAS_API_KEY is not set.*"env"/);
      const status = JSON.parse((await call(client, 'check_status')).content[0].text);
      assert.equal(status.api_key_set, false);
      await assert.rejects(fs.access(path.join(cwd, 'out')));
    } finally {
      await client.close();
      await fs.rm(cwd, { recursive: true, force: true });
    }
  });
});
