import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CerebrasClient } from '../../src/core/generation/client';
import { FsSink } from '../../src/core/generation/fsSink';
import { generate, type GenerationProgress } from '../../src/core/generation/pipeline';
import { countLines } from '../../src/core/generation/sink';
import { CerebrasStandIn, fileBlocks } from '../standin/server';

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string) {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  }
  await walk(root).catch(() => undefined);
  return out.sort();
}

const FILES = {
  'app/main.py':
    'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/tasks")\ndef tasks():\n    return []\n',
  'app/__init__.py': '',
  'requirements.txt': 'fastapi\nuvicorn',
  'tests/test_x.py': 'def test_x():\n\tassert  1 == 1   \n',
};

describe('generate (core pipeline) with FsSink', () => {
  const standin = new CerebrasStandIn();
  let client: CerebrasClient;
  let root: string;
  before(async () => {
    await standin.start();
    client = new CerebrasClient({
      apiKey: standin.apiKey,
      baseUrl: standin.url,
      warmConnection: false,
      idleTimeoutMs: 400,
    });
  });
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-gen-'));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));
  after(() => standin.close());

  it('writes every file exactly and reports lines, bytes, usage and finish_reason', async () => {
    standin.enqueue({ content: fileBlocks(FILES, 'Here you go:\n'), chunkSize: 7 });
    const progress: GenerationProgress[] = [];
    const report = await generate({
      client,
      contract: 'Build a task API',
      sink: new FsSink(root),
      onProgress: (p) => progress.push(p),
    });
    assert.equal(report.error, undefined);
    assert.equal(report.finishReason, 'stop');
    assert.equal(report.truncated, false);
    assert.deepEqual(await listFiles(root), Object.keys(FILES).sort());
    for (const [p, content] of Object.entries(FILES))
      assert.equal(await fs.readFile(path.join(root, p), 'utf8'), content, p);
    assert.deepEqual(
      report.files.map((f) => [f.path, f.lines, f.bytes]),
      Object.entries(FILES).map(([p, c]) => [p, countLines(c), Buffer.byteLength(c)]),
    );
    assert.ok(report.usage && report.usage.completion_tokens > 0 && report.usage.prompt_tokens > 0);
    assert.ok(progress.length > 3);
    assert.equal(progress.at(-1)?.filesWritten, 4);
    assert.equal(progress.at(-1)?.tokens, report.usage.completion_tokens);
  });

  it('rejects hostile paths, writes the rest, and touches nothing outside the folder', async () => {
    const outside = path.join(path.dirname(root), `turbo-escape-${path.basename(root)}.txt`);
    standin.enqueue({
      content: fileBlocks({
        ['../' + path.basename(outside)]: 'escaped',
        [outside]: 'absolute',
        '.git/hooks/pre-commit': 'rm -rf /',
        'ok.txt': 'fine\n',
      }),
    });
    const report = await generate({ client, contract: 'x', sink: new FsSink(root) });
    assert.deepEqual(
      report.files.map((f) => f.path),
      ['ok.txt'],
    );
    assert.equal(report.rejected.length, 3);
    assert.deepEqual(await listFiles(root), ['ok.txt']);
    await assert.rejects(fs.access(outside));
  });

  it('never writes a file cut off by finish_reason "length" and says it was truncated', async () => {
    standin.enqueue({ content: '<FILE path="a.txt">\nA\n</FILE>\n<FILE path="b.txt">\nhalf', finishReason: 'length' });
    const report = await generate({ client, contract: 'x', sink: new FsSink(root), maxContinuations: 0 });
    assert.equal(report.truncated, true);
    assert.deepEqual(report.unfinished, ['b.txt']);
    assert.equal(report.error?.kind, 'incomplete');
    assert.deepEqual(await listFiles(root), ['a.txt']);
  });

  it('keeps complete files and leaves no half file when the connection is cut', async () => {
    standin.enqueue({
      content: fileBlocks({ 'a.txt': 'A\n', 'b.txt': 'B'.repeat(500) + '\n' }),
      chunkSize: 10,
      cutAfterChunks: 8,
    });
    const report = await generate({ client, contract: 'x', sink: new FsSink(root) });
    assert.equal(report.error?.kind, 'network');
    assert.deepEqual(await listFiles(root), ['a.txt']);
    assert.deepEqual(report.unfinished, ['b.txt']);
  });

  it('cancels through the AbortSignal and writes no partial file', async () => {
    standin.enqueue({
      content: fileBlocks({ 'a.txt': 'A\n', 'b.txt': 'B'.repeat(20_000) }),
      chunkSize: 16,
      tokensPerSecond: 3000,
    });
    const controller = new AbortController();
    const report = await generate({
      client,
      contract: 'x',
      sink: new FsSink(root),
      signal: controller.signal,
      onFile: () => setTimeout(() => controller.abort(), 20),
    });
    assert.equal(report.error?.kind, 'cancelled');
    assert.deepEqual(await listFiles(root), ['a.txt']);
  });

  it('after a cancel, asks nothing about existing files and leaves them alone: Cancel means stop', async () => {
    await fs.writeFile(path.join(root, 'a.txt'), 'mine\n');
    standin.enqueue({
      content: fileBlocks({ 'a.txt': 'theirs\n', 'b.txt': 'B\n', 'c.txt': 'C'.repeat(20_000) }),
      chunkSize: 16,
      tokensPerSecond: 3000,
    });
    const controller = new AbortController();
    const asked: string[][] = [];
    const report = await generate({
      client,
      contract: 'x',
      sink: new FsSink(root, 'ask', async (existing) => (asked.push(existing), 'overwrite')),
      signal: controller.signal,
      onFile: () => setTimeout(() => controller.abort(), 20),
    });
    assert.equal(report.error?.kind, 'cancelled');
    assert.deepEqual(asked, []);
    assert.deepEqual(report.rejected, [{ path: 'a.txt', reason: 'generation cancelled', status: 'skipped' }]);
    assert.equal(await fs.readFile(path.join(root, 'a.txt'), 'utf8'), 'mine\n');
    assert.deepEqual(await listFiles(root), ['a.txt', 'b.txt']);
    assert.ok(report.streamMs > 0 && report.streamMs <= report.durationMs, `${report.streamMs} ≤ ${report.durationMs}`);
  });

  it('does not overwrite an existing file unless the policy says so', async () => {
    await fs.writeFile(path.join(root, 'keep.txt'), 'mine\n');
    standin.enqueue({ content: fileBlocks({ 'keep.txt': 'theirs\n', 'new.txt': 'n\n' }) });
    const never = await generate({ client, contract: 'x', sink: new FsSink(root, 'never') });
    assert.deepEqual(never.rejected, [
      { path: 'keep.txt', reason: 'exists, and the overwrite policy is never', status: 'skipped' },
    ]);
    assert.equal(await fs.readFile(path.join(root, 'keep.txt'), 'utf8'), 'mine\n');

    standin.enqueue({ content: fileBlocks({ 'keep.txt': 'theirs\n' }) });
    const always = await generate({ client, contract: 'x', sink: new FsSink(root, 'always') });
    assert.equal(always.files[0].overwritten, true);
    assert.equal(await fs.readFile(path.join(root, 'keep.txt'), 'utf8'), 'theirs\n');
  });

  it('asks once, after the stream, about every existing file: overwrite, skip or discard', async () => {
    await fs.writeFile(path.join(root, 'a.txt'), 'mine a\n');
    await fs.writeFile(path.join(root, 'b.txt'), 'mine b\n');
    const answer = fileBlocks({ 'a.txt': 'new a\n', 'new.txt': 'n\n', 'b.txt': 'new b\n' });
    const asked: string[][] = [];
    for (const choice of ['skip', 'overwrite', 'discard'] as const) {
      standin.enqueue({ content: answer });
      const report = await generate({
        client,
        contract: 'x',
        sink: new FsSink(root, 'ask', async (existing) => {
          asked.push(existing);
          return choice;
        }),
      });
      if (choice === 'skip') {
        assert.equal(report.error, undefined);
        assert.deepEqual(
          report.files.map((f) => f.path),
          ['new.txt'],
        );
        assert.deepEqual(
          report.rejected.map((r) => [r.path, r.status]),
          [
            ['a.txt', 'skipped'],
            ['b.txt', 'skipped'],
          ],
        );
        assert.equal(await fs.readFile(path.join(root, 'a.txt'), 'utf8'), 'mine a\n');
      } else if (choice === 'overwrite') {
        assert.deepEqual(report.files.map((f) => [f.path, f.overwritten]).sort(), [
          ['a.txt', true],
          ['b.txt', true],
          ['new.txt', true],
        ]);
        assert.equal(await fs.readFile(path.join(root, 'b.txt'), 'utf8'), 'new b\n');
      } else {
        assert.equal(report.error?.kind, 'discarded');
        assert.match(report.error!.message, /discarded/);
        assert.deepEqual(
          await listFiles(root),
          ['a.txt', 'b.txt', 'new.txt'],
          'new.txt existed before this run, so it stays',
        );
      }
    }
    assert.deepEqual(asked[0], ['a.txt', 'b.txt']);
    assert.deepEqual(asked[1], ['a.txt', 'new.txt', 'b.txt'], 'new.txt existed by then, so it is asked about too');
    await fs.rm(path.join(root, 'new.txt'));
    standin.enqueue({ content: answer });
    await generate({ client, contract: 'x', sink: new FsSink(root, 'ask', async () => 'discard') });
    assert.deepEqual(await listFiles(root), ['a.txt', 'b.txt'], 'discarding removes the files the run created');
  });

  it('lets a file the model repeats replace its own earlier version', async () => {
    standin.enqueue({ content: '<FILE path="a.txt">\nv1\n</FILE><FILE path="a.txt">\nv2\n</FILE>' });
    const report = await generate({ client, contract: 'x', sink: new FsSink(root, 'never') });
    assert.deepEqual(
      report.files.map((f) => f.path),
      ['a.txt'],
    );
    assert.equal(await fs.readFile(path.join(root, 'a.txt'), 'utf8'), 'v2\n');
    assert.deepEqual(report.warnings, ['a.txt appeared more than once; the last version was kept.']);
  });

  it('writes the files of a Markdown-style answer exactly', async () => {
    standin.enqueue({
      content:
        'Here you go.\n\n### FILE: app/main.py\n```python\nprint("hi")\n```\n\n**app/__init__.py**\n```python\n```\n```text title="notes.txt"\n\ttabbed  \n```\n',
      chunkSize: 5,
    });
    const report = await generate({ client, contract: 'x', sink: new FsSink(root) });
    assert.equal(report.error, undefined);
    assert.deepEqual(await listFiles(root), ['app/__init__.py', 'app/main.py', 'notes.txt']);
    assert.equal(await fs.readFile(path.join(root, 'app/main.py'), 'utf8'), 'print("hi")\n');
    assert.equal(await fs.readFile(path.join(root, 'app/__init__.py'), 'utf8'), '');
    assert.equal(await fs.readFile(path.join(root, 'notes.txt'), 'utf8'), '\ttabbed  \n');
  });

  it('says so when the model wrote no files, or only reasoning before its limit', async () => {
    standin.enqueue({ content: 'Sure! Here is the code:\n```python\nprint(1)\n```\n' });
    const prose = await generate({ client, contract: 'x', sink: new FsSink(root) });
    assert.equal(prose.error?.kind, 'format');
    assert.match(prose.error!.message, /without any file Turbo could read/);

    standin.enqueue({ reasoning: 'thinking '.repeat(50), content: '', finishReason: 'length' });
    const reasoningOnly = await generate({ client, contract: 'x', sink: new FsSink(root) });
    assert.equal(reasoningOnly.truncated, true);
    assert.match(reasoningOnly.error!.message, /reasoning and wrote no files/);
    assert.deepEqual(await listFiles(root), []);
  });

  it('reports a 401 without writing anything', async () => {
    const wrong = new CerebrasClient({ apiKey: 'wrong-key', baseUrl: standin.url, warmConnection: false });
    standin.enqueue({ content: fileBlocks({ 'a.txt': 'A\n' }) });
    const report = await generate({ client: wrong, contract: 'x', sink: new FsSink(root) });
    assert.equal(report.error?.kind, 'auth');
    assert.deepEqual(await listFiles(root), []);
    standin.requests.length = 0;
  });

  it('refuses a symlink planted by the output that points outside', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-out-'));
    await fs.symlink(outside, path.join(root, 'link'));
    standin.enqueue({ content: fileBlocks({ 'link/pwn.txt': 'x' }) });
    const report = await generate({ client, contract: 'x', sink: new FsSink(root) });
    assert.equal(report.rejected[0]?.path, 'link/pwn.txt');
    assert.deepEqual(await fs.readdir(outside), []);
    await fs.rm(outside, { recursive: true, force: true });
  });
});

describe('generate: continuation after a cut-off answer', () => {
  const standin = new CerebrasStandIn();
  let client: CerebrasClient;
  let root: string;
  before(async () => {
    await standin.start();
    client = new CerebrasClient({ apiKey: standin.apiKey, baseUrl: standin.url, warmConnection: false });
  });
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-cont-'));
    standin.requests.length = 0;
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));
  after(() => standin.close());

  const read = (p: string) => fs.readFile(path.join(root, p), 'utf8');

  it('resumes mid-file, even with the closing tag split across the two answers', async () => {
    standin.enqueue(
      {
        content: '<FILE path="a.txt">\nA\n</FILE>\n<FILE path="b.py">\ndef f():\n    return 1\n</FI',
        finishReason: 'length',
        chunkSize: 3,
      },
      { content: 'LE>\n<FILE path="c.txt">\nC\n</FILE>\n', chunkSize: 2 },
    );
    const notices: string[] = [];
    const report = await generate({ client, contract: 'x', sink: new FsSink(root), onNotice: (m) => notices.push(m) });
    assert.equal(report.error, undefined);
    assert.equal(report.continuations, 1);
    assert.equal(await read('b.py'), 'def f():\n    return 1\n');
    assert.deepEqual(await listFiles(root), ['a.txt', 'b.py', 'c.txt']);
    const second = standin.chatRequests[1].body as { messages: { role: string; content: string }[] };
    assert.equal(second.messages.length, 4);
    assert.equal(second.messages[2].role, 'assistant');
    assert.match(second.messages[2].content, /return 1\n<\/FI$/);
    assert.match(second.messages[3].content, /cut off inside the file b\.py/);
    const first = standin.chatRequests[0].body as { messages: unknown[] };
    assert.equal(first.messages.length, 2);
    assert.ok(report.usage && report.usage.completion_tokens > 0);
    assert.ok(notices.some((n) => /cut off inside b\.py/.test(n)));
  });

  it('keeps leading whitespace of a resumed file', async () => {
    standin.enqueue(
      { content: '<FILE path="b.py">\ndef f():\n', finishReason: 'length' },
      { content: '    return 2\n</FILE>' },
    );
    const report = await generate({ client, contract: 'x', sink: new FsSink(root) });
    assert.equal(report.error, undefined);
    assert.equal(await read('b.py'), 'def f():\n    return 2\n');
  });

  it('takes a restarted file from its opening tag instead of the cut-off part', async () => {
    standin.enqueue(
      { content: '<FILE path="b.py">\ndef f():\n    ret', finishReason: 'length' },
      { content: '\n<FILE path="b.py">\ndef f():\n    return 3\n</FILE>\n' },
    );
    const report = await generate({ client, contract: 'x', sink: new FsSink(root) });
    assert.equal(report.error, undefined);
    assert.equal(await read('b.py'), 'def f():\n    return 3\n');
    assert.deepEqual(report.warnings, []);
  });

  it('an answer that stops right after its last closing fence, with no line break, is complete: no continuation', async () => {
    standin.enqueue({
      content: 'src/app.py\n```python\nprint("a")\n```\n\nsrc/utils.py\n```python\nprint("hello")\n```',
      finishReason: 'stop',
    });
    const report = await generate({ client, contract: 'x', sink: new FsSink(root), maxContinuations: 2 });
    assert.equal(report.error, undefined);
    assert.equal(report.continuations, 0);
    assert.equal(standin.chatRequests.length, 1);
    assert.equal(await read('src/utils.py'), 'print("hello")\n');
    assert.deepEqual(await listFiles(root), ['src/app.py', 'src/utils.py']);
  });

  it('a Markdown file that ends after a bare fence at the end of the answer is complete: no continuation', async () => {
    standin.enqueue({
      content: 'README.md\n```markdown\n# App\n\nLayout:\n```\nsrc/\n```\n```\n',
      finishReason: 'stop',
    });
    const report = await generate({ client, contract: 'x', sink: new FsSink(root), maxContinuations: 2 });
    assert.equal(report.error, undefined);
    assert.equal(report.continuations, 0);
    assert.equal(await read('README.md'), '# App\n\nLayout:\n```\nsrc/\n```\n');
  });

  it('restarts a Markdown-style file from its heading', async () => {
    standin.enqueue(
      { content: '### FILE: app/x.py\n```python\nx = ', finishReason: 'length' },
      { content: '### FILE: app/x.py\n```python\nx = 1\n```\n' },
    );
    const report = await generate({ client, contract: 'x', sink: new FsSink(root) });
    assert.equal(report.error, undefined);
    assert.equal(await read('app/x.py'), 'x = 1\n');
  });

  it('gives up after maxContinuations and reports the file as truncated, never writing it', async () => {
    standin.enqueue(
      { content: '<FILE path="big.txt">\none ', finishReason: 'length' },
      { content: 'two ', finishReason: 'length' },
      { content: 'three ', finishReason: 'length' },
    );
    const report = await generate({ client, contract: 'x', sink: new FsSink(root), maxContinuations: 2 });
    assert.equal(report.continuations, 2);
    assert.equal(report.truncated, true);
    assert.equal(report.error?.kind, 'incomplete');
    assert.match(report.error!.message, /after 2 continuations; big\.txt was not finished/);
    assert.deepEqual(report.unfinished, ['big.txt']);
    assert.deepEqual(await listFiles(root), []);
    assert.equal(standin.chatRequests.length, 3);
  });

  it('continues when the stream stops inside a file even with finish_reason "stop"', async () => {
    standin.enqueue({ content: '<FILE path="a.txt">\nA' }, { content: '\n</FILE>' });
    const report = await generate({ client, contract: 'x', sink: new FsSink(root) });
    assert.equal(report.error, undefined);
    assert.equal(await read('a.txt'), 'A\n');
  });

  it('adds up usage and prices the run from the model table', async () => {
    standin.enqueue({ content: '<FILE path="a.txt">\nA', finishReason: 'length' }, { content: '\n</FILE>' });
    const report = await generate({ client, contract: 'x', sink: new FsSink(root) });
    assert.ok(report.usage);
    const expected = (report.usage.prompt_tokens * 0.35 + report.usage.completion_tokens * 0.75) / 1e6;
    assert.ok(report.costUsd !== undefined && Math.abs(report.costUsd - expected) < 1e-12);
  });
});

describe('countLines', () => {
  it('counts lines the way editors show them', () => {
    assert.equal(countLines(''), 0);
    assert.equal(countLines('a'), 1);
    assert.equal(countLines('a\n'), 1);
    assert.equal(countLines('a\nb'), 2);
    assert.equal(countLines('a\n\n'), 2);
  });
});
