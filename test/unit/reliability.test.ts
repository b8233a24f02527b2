/**
 * The reliability suite: faults from the service, hostile model output and hostile test runs. Each
 * case asserts a clear outcome, nothing written outside the target, no partial or temporary file, no
 * API key in any output, and bounded memory where the input is large.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CerebrasClient } from '../../src/core/generation/client';
import { FsSink } from '../../src/core/generation/fsSink';
import { generate, type GenerationReport } from '../../src/core/generation/pipeline';
import { parseTestOutput } from '../../src/core/testing/parsers';
import { runTests } from '../../src/core/testing/loop';
import { CerebrasStandIn, fileBlocks, type Scenario } from '../standin/server';
import { closedPort } from '../support/closedPort';
import { tree } from '../support/tree';

const FILES = { 'app/main.py': 'print("hi")\n', 'app/util.py': 'X = 1\n', 'README.md': '# Demo\n' };

/** Peak resident memory growth while `work` runs, sampled every 20 ms. */
async function peakGrowthMb<T>(work: () => Promise<T>): Promise<{ result: T; mb: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, mb: (peak - base) / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

describe('reliability suite', function () {
  this.timeout(120_000);
  const standin = new CerebrasStandIn();
  let sandbox: string;
  let root: string;
  let client: CerebrasClient;
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
    sandbox = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-rel-')));
    root = path.join(sandbox, 'target');
    await fs.mkdir(root);
    await fs.writeFile(path.join(sandbox, 'outside.txt'), 'untouched\n');
    standin.clearQueue();
  });
  afterEach(() => fs.rm(sandbox, { recursive: true, force: true }));
  after(() => standin.close());

  /**
   * What every case must hold, whatever its outcome: the files written are `expected` (or, with
   * `atMost`, some of them: a reset may lose bytes already sent), each whole and exact.
   */
  async function invariants(report: GenerationReport, expected: Record<string, string>, atMost = false) {
    const written = await tree(root);
    if (atMost)
      assert.ok(
        written.every((p) => p in expected),
        `only complete files, no partial or temporary file: ${written.join(', ')}`,
      );
    else assert.deepEqual(written, Object.keys(expected).sort(), 'only complete files, no partial or temporary file');
    for (const p of written) assert.equal(await fs.readFile(path.join(root, p), 'utf8'), expected[p], p);
    assert.deepEqual(report.files.map((f) => f.path).sort(), written, 'the report lists what was written');
    assert.deepEqual(
      await tree(sandbox).then((t) => t.filter((p) => !p.startsWith('target/'))),
      ['outside.txt'],
      'nothing outside the target',
    );
    assert.equal(await fs.readFile(path.join(sandbox, 'outside.txt'), 'utf8'), 'untouched\n');
    const shown = JSON.stringify({
      ...report,
      error: report.error && { kind: report.error.kind, message: report.error.message },
    });
    assert.ok(!shown.includes(standin.apiKey), 'the key appears nowhere in the report');
  }

  const run = (scenarios: Scenario[], maxContinuations = 0) => {
    standin.enqueue(...scenarios);
    return generate({ client, contract: 'contract', sink: new FsSink(root, 'never'), maxContinuations });
  };

  describe('faults from the service', () => {
    const answer = fileBlocks(FILES);
    const cases: [string, Scenario[], string | undefined, Record<string, string>][] = [
      ['401 wrong key', [{ status: 401 }], 'auth', {}],
      [
        '429 with retry-after: 1, then success',
        [{ status: 429, headers: { 'retry-after': '1' } }, { content: answer }],
        undefined,
        FILES,
      ],
      [
        '429 with retry-after: 3600 (not waited for)',
        [{ status: 429, headers: { 'retry-after': '3600' } }],
        'rate_limit',
        {},
      ],
      ['500, then success', [{ status: 500 }, { content: answer }], undefined, FILES],
      ['503 three times', [{ status: 503 }, { status: 503 }, { status: 503 }], 'server', {}],
      [
        'a non-JSON error body (502, HTML)',
        [
          { status: 502, errorBody: '<html><body>Bad Gateway</body></html>' },
          { status: 502, errorBody: '<html>x</html>' },
          { status: 502, errorBody: '<html>x</html>' },
        ],
        'server',
        {},
      ],
      [
        'connection reset before any content',
        [{ content: answer, cutAfterChunks: 0 }, { content: answer }],
        undefined,
        FILES,
      ],
      ['connection reset inside the first file', [{ content: answer, chunkSize: 8, cutAfterChunks: 3 }], 'network', {}],
      [
        'connection reset between files',
        [{ content: answer, chunkSize: 8, cutAfterChunks: 6 }],
        'network',
        { 'app/main.py': FILES['app/main.py'] },
      ],
      [
        'the server hangs up after the last file, before finish_reason',
        [{ content: answer, chunkSize: 8, finishReason: null }],
        'incomplete',
        FILES,
      ],
      ['a stalled stream', [{ content: answer, chunkSize: 8, stallAfterChunks: 4 }], 'stalled', {}],
      ['an SSE error event mid-stream', [{ content: answer, chunkSize: 8, errorEventAfterChunks: 4 }], 'server', {}],
      [
        'finish_reason "length" with continuation off',
        [{ content: answer.slice(0, -20), finishReason: 'length' }],
        'incomplete',
        { 'app/main.py': FILES['app/main.py'], 'app/util.py': FILES['app/util.py'] },
      ],
    ];
    for (const [name, scenarios, kind, expected] of cases) {
      it(name, async () => {
        const report = await run(scenarios);
        assert.equal(report.error?.kind, kind, report.error?.message);
        if (report.error)
          assert.ok(
            report.error.message.length > 20 && !/\[object|undefined/.test(report.error.message),
            `a clear message: ${report.error.message}`,
          );
        // A reset may drop bytes the server had sent: files before the cut may or may not have arrived.
        await invariants(report, expected, /reset (between|after)/.test(name));
      });
    }

    it('malformed SSE lines inside the stream are a clear error, and the files before them stay whole', async () => {
      const report = await run([
        {
          content: answer,
          chunkSize: 8,
          malformed: {
            afterChunks: 5,
            lines: ['data: {"choices": [{"delta": {"content": "x"', 'data: not json at all'],
          },
        },
      ]);
      if (report.error) assert.ok(report.error.message.length > 20, report.error.message);
      const expected = report.error
        ? Object.fromEntries(report.files.map((f) => [f.path, FILES[f.path as keyof typeof FILES]]))
        : FILES;
      await invariants(report, expected);
    });

    it('an unreachable service', async () => {
      const dead = new CerebrasClient({
        apiKey: standin.apiKey,
        baseUrl: `http://127.0.0.1:${await closedPort()}`,
        warmConnection: false,
        maxRetries: 0,
      });
      const report = await generate({ client: dead, contract: 'x', sink: new FsSink(root) });
      assert.equal(report.error?.kind, 'network');
      await invariants(report, {});
    });
  });

  describe('hostile model output', () => {
    it('every path-guard case is refused, the rest is written, nothing leaves the target', async () => {
      await fs.mkdir(path.join(sandbox, 'elsewhere'));
      await fs.symlink(path.join(sandbox, 'elsewhere'), path.join(root, 'link'));
      const hostile = [
        '/etc/passwd',
        '../outside.txt',
        '../../x',
        'a/../../x',
        'C:/Windows/x',
        'c:evil',
        '\\\\server\\share\\x',
        '//server/x',
        'a\u0000b',
        'a\nb',
        '.git/config',
        'x/.git/hooks/pre-commit',
        'node_modules/x/index.js',
        '.vscode/settings.json',
        'link/escape.txt',
        '',
      ];
      const answer =
        hostile.map((p) => `<FILE path="${p}">\npwned\n</FILE>\n`).join('') + fileBlocks({ 'ok.txt': 'fine\n' });
      const report = await run([{ content: answer }]);
      assert.equal(report.error, undefined);
      assert.deepEqual(
        report.files.map((f) => f.path),
        ['ok.txt'],
      );
      assert.ok(report.rejected.length >= hostile.length - 2, `${report.rejected.length} refused`);
      assert.deepEqual(await tree(path.join(sandbox, 'elsewhere')), []);
      await fs.rm(path.join(root, 'link'));
      await invariants(report, { 'ok.txt': 'fine\n' });
    });

    it('a 50 MB single file is written exactly, with memory bounded', async () => {
      const line = 'x'.repeat(99) + '\n';
      const big = line.repeat(500_000);
      const { result: report, mb } = await peakGrowthMb(() =>
        run([{ content: fileBlocks({ 'big.txt': big }), chunkSize: 64 * 1024 }]),
      );
      assert.equal(report.error, undefined);
      const written = await fs.readFile(path.join(root, 'big.txt'));
      assert.equal(written.length, big.length);
      assert.equal(createHash('sha256').update(written).digest('hex'), createHash('sha256').update(big).digest('hex'));
      assert.ok(mb < 1000, `peak memory growth ${mb.toFixed(0)} MB`);
      await invariants(report, { 'big.txt': big });
    });

    it('10,000 tiny files are all written', async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 10_000; i++) files[`d${i % 50}/f${i}.txt`] = `${i}\n`;
      const report = await run([{ content: fileBlocks(files), chunkSize: 4096 }]);
      assert.equal(report.error, undefined);
      assert.equal(report.files.length, 10_000);
      const written = await tree(root);
      assert.equal(written.length, 10_000);
      assert.equal(await fs.readFile(path.join(root, 'd7/f9957.txt'), 'utf8'), '9957\n');
      assert.ok(!JSON.stringify(report).includes(standin.apiKey));
    });

    it('binary bytes and odd characters are kept exactly', async () => {
      let content = '';
      for (let c = 1; c < 0x800; c++) if (c !== 0x3c) content += String.fromCharCode(c);
      content += '\u0000\ufffd😀\r\n\t \n';
      const report = await run([{ content: fileBlocks({ 'bin.dat': content }), chunkSize: 7 }]);
      assert.equal(report.error, undefined);
      await invariants(report, { 'bin.dat': content });
    });

    it('an unterminated tag writes nothing and says which file was cut off', async () => {
      const report = await run([{ content: '<FILE path="a.txt">\nstarted but never', finishReason: 'stop' }]);
      assert.deepEqual(report.unfinished, ['a.txt']);
      assert.ok(report.error, 'the run is reported as incomplete');
      await invariants(report, {});
    });

    it('a </FILE> inside the content: the first one ends the file (the documented rule), with a warning', async () => {
      const answer =
        '<FILE path="tag.py">\nEND = "</FILE>"\nprint(END)\n</FILE>\n' +
        '### FILE: fenced.py\n```python\nEND = "</FILE>"\n```\n';
      const report = await run([{ content: answer }]);
      assert.equal(report.error, undefined);
      assert.match(report.warnings.join('\n'), /tag\.py: another <\/FILE> follows its end/);
      await invariants(report, { 'tag.py': 'END = "', 'fenced.py': 'END = "</FILE>"\n' });
    });
  });

  describe('hostile test runs', () => {
    const node = `"${process.execPath}"`;
    it('100 MB of output: the last 5 MB are kept and parsed, memory bounded', async () => {
      const script = path.join(sandbox, 'flood.js');
      await fs.writeFile(
        script,
        "const fs = require('fs');\nconst line = 'not ok 1 - x\\n'.repeat(1000);\nfor (let i = 0; i < 8000; i++) fs.writeSync(1, line);\nprocess.exit(1);\n",
      );
      const { result: report, mb } = await peakGrowthMb(() =>
        runTests({ cwd: sandbox, command: `${node} flood.js`, timeoutMs: 60_000 }),
      );
      assert.equal(report.green, false);
      assert.ok(
        report.output.length <= 5 * 1024 * 1024 && report.output.length > 4 * 1024 * 1024,
        `${report.output.length} characters kept`,
      );
      assert.ok(mb < 400, `peak memory growth ${mb.toFixed(0)} MB`);
    });

    it('100 MB without a single newline, and invalid UTF-8, parse without throwing', async () => {
      const script = path.join(sandbox, 'noline.js');
      await fs.writeFile(
        script,
        "const b = Buffer.alloc(1 << 20, 0xff);\nfor (let i = 0; i < 100; i++) require('fs').writeSync(1, b);\nprocess.exit(3);\n",
      );
      const { result: report, mb } = await peakGrowthMb(() =>
        runTests({ cwd: sandbox, command: `${node} noline.js`, timeoutMs: 60_000 }),
      );
      assert.equal(report.exitCode, 3);
      assert.deepEqual(report.failures, []);
      assert.ok(report.output.includes('\ufffd'));
      assert.ok(mb < 400, `peak memory growth ${mb.toFixed(0)} MB`);
      for (const runner of ['pytest', 'jest', 'go', 'junit'] as const)
        assert.doesNotThrow(() => parseTestOutput(report.output, sandbox, runner));
    });

    it('a test command that hangs is stopped at the timeout', async () => {
      const report = await runTests({
        cwd: sandbox,
        command: `${node} -e "setInterval(() => {}, 1000)"`,
        timeoutMs: 500,
      });
      assert.equal(report.timedOut, true);
      assert.equal(report.green, false);
    });

    it('a test command that forks children leaves none running', async () => {
      const pidFile = path.join(sandbox, 'child.pid');
      const script = path.join(sandbox, 'fork.js');
      await fs.writeFile(
        script,
        `const { spawn } = require('child_process');\nconst c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });\nrequire('fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid));\nsetInterval(() => {}, 1000);\n`,
      );
      const report = await runTests({ cwd: sandbox, command: `${node} fork.js`, timeoutMs: 800 });
      assert.equal(report.timedOut, true);
      const pid = Number(await fs.readFile(pidFile, 'utf8'));
      await new Promise((r) => setTimeout(r, 300));
      const alive = await fs.readFile(`/proc/${pid}/stat`, 'utf8').then(
        (s) => !/^\d+ \(.*\) Z/.test(s),
        () => false,
      );
      assert.equal(alive, false, 'the forked child is gone');
    });
  });
});
