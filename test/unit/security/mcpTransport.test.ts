import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LineLimit, type DroppedMessage } from '../../../src/mcp/lineLimit';
import { CerebrasStandIn, fileBlocks } from '../../standin/server';
import { connectInProcess, type Harness } from './mcpHarness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `size()` holds still for `quietMs`, or gives up after `maxMs`; returns whether it settled. */
async function settles(size: () => number, quietMs: number, maxMs: number): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  let last = size();
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(50);
    if (size() !== last) {
      last = size();
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return true;
  }
  return false;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('MCP cancellation and message size', () => {
  const standin = new CerebrasStandIn();
  let cwd: string;
  let mcp: Harness | undefined;
  before(() => standin.start());
  after(() => standin.close());
  beforeEach(async () => {
    standin.requests.length = 0;
    standin.clearQueue();
    cwd = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-mcp-cancel-')));
  });
  afterEach(async () => {
    await mcp?.close();
    mcp = undefined;
    await fs.rm(cwd, { recursive: true, force: true });
  });

  it('a cancelled generate_and_write_files stops the stream, and the server answers the next call', async () => {
    mcp = await connectInProcess(standin, cwd);
    const timeline: { end: number; at: number }[] = [];
    // About 20 s of answer at 200 chunks a second: only cancellation ends it early.
    const content = fileBlocks({ 'big.txt': 'x'.repeat(16_000) });
    standin.enqueue({ content, chunkSize: 4, tokensPerSecond: 200, timeline });
    const controller = new AbortController();
    const call = mcp.call('generate_and_write_files', { prompt: 'x', output_dir: 'out' }, controller.signal);
    while (timeline.length < 10) await sleep(20);
    controller.abort();
    await assert.rejects(call);
    assert.ok(
      await settles(() => timeline.length, 400, 4000),
      'the stand-in kept streaming after the client cancelled',
    );
    assert.ok(timeline.at(-1)!.end < content.length);
    assert.equal(standin.chatRequests.length, 1, 'no further request after the cancel');
    standin.enqueue({ content: 'still here' });
    assert.equal((await mcp.call('generate', { prompt: 'hi' })).content[0].text, 'still here');
  });

  it('a cancelled run_tests stops the test process', async () => {
    mcp = await connectInProcess(standin, cwd);
    const script = "require('fs').writeFileSync('pid.txt', String(process.pid)); setInterval(() => {}, 1000)";
    const controller = new AbortController();
    const call = mcp.call(
      'run_tests',
      { project_dir: '.', command: `"${process.execPath}" -e "${script}"` },
      controller.signal,
    );
    let pid = 0;
    while (!pid) {
      await sleep(50);
      pid = Number(await fs.readFile(path.join(cwd, 'pid.txt'), 'utf8').catch(() => '0'));
    }
    controller.abort();
    await assert.rejects(call);
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await sleep(50);
    assert.equal(alive(pid), false, 'the test process outlived the cancel');
  });

  for (const [what, args] of [
    ['a prompt over 2 MB', { prompt: 'x'.repeat(2_000_001) }],
    [
      'prompt and system_prompt together over 2 MB',
      { prompt: 'x'.repeat(1_500_000), system_prompt: 'é'.repeat(300_000) },
    ],
  ] as const) {
    it(`refuses ${what} before any request, naming the limit`, async () => {
      mcp = await connectInProcess(standin, cwd);
      for (const tool of ['generate', 'generate_and_write_files']) {
        const result = await mcp.call(tool, { ...args, output_dir: 'out' });
        assert.equal(result.isError, true, tool);
        assert.match(result.content[0].text, /2,000,000|2 MB/, tool);
      }
      assert.equal(standin.chatRequests.length, 0);
    });
  }
});

describe('MCP over stdio: a message over the transport limit', () => {
  const DIST = path.resolve(__dirname, '../../../dist');
  it('is refused with an error and the server goes on answering', async () => {
    await fs
      .access(path.join(DIST, 'mcp.js'))
      .catch(() => assert.fail('dist/mcp.js is missing: run npm run build first'));
    const cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-mcp-big-'));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(DIST, 'mcp.js')],
      env: { PATH: process.env.PATH ?? '' },
      cwd,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'turbo-test', version: '0.0.0' });
    await client.connect(transport);
    try {
      const huge = client.callTool(
        { name: 'generate', arguments: { prompt: 'x'.repeat(11 * 1024 * 1024) } },
        undefined,
        { timeout: 15_000 },
      );
      await assert.rejects(huge, /over the server's limit of 10 MiB/);
      const status = await client.callTool({ name: 'check_status', arguments: {} }, undefined, { timeout: 15_000 });
      assert.equal(JSON.parse((status as { content: { text: string }[] }).content[0].text).api_key_set, false);
    } finally {
      await client.close();
      await fs.rm(cwd, { recursive: true, force: true });
    }
  });
});

describe('LineLimit (the stdio input filter)', () => {
  /** Feeds `chunks` through a filter with a 64-byte limit; returns the lines passed and the ones dropped. */
  async function filter(chunks: string[]): Promise<{ lines: string[]; dropped: DroppedMessage[] }> {
    const dropped: DroppedMessage[] = [];
    const out: Buffer[] = [];
    const f = new LineLimit(64, (d) => dropped.push(d));
    f.on('data', (b: Buffer) => out.push(b));
    for (const c of chunks) f.write(Buffer.from(c));
    f.end();
    await new Promise((r) => f.on('end', r));
    return { lines: out.map((b) => b.toString()), dropped };
  }

  it('passes whole lines, one per chunk, however the input is split', async () => {
    const { lines, dropped } = await filter(['{"a":1}\n{"b"', ':2}\n', '\n{"c":3}\n']);
    assert.deepEqual(lines, ['{"a":1}\n', '{"b":2}\n', '{"c":3}\n']);
    assert.deepEqual(dropped, []);
  });

  it('drops a line over the limit, reads its id from either end, and goes on', async () => {
    const big = 'x'.repeat(200);
    const { lines, dropped } = await filter([
      `{"method":"tools/call","params":{"p":"${big.slice(0, 50)}`,
      `${big}","id":9},"jsonrpc":"2.0","id":42}\n{"ok":1}\n`,
      `{"jsonrpc":"2.0","id":"abc","params":"${big}"}\n`,
      `{"jsonrpc":"2.0","method":"notify","params":"${big}"}\n`,
    ]);
    assert.deepEqual(lines, ['{"ok":1}\n']);
    assert.deepEqual(
      dropped.map((d) => d.id),
      [42, 'abc', undefined],
    );
    assert.ok(dropped.every((d) => d.bytes > 64));
  });
});
