import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { race } from '../../src/core/race/race';
import { raceSuite, writeProject } from '../support/raceSuite';
import { fileBlocks } from '../standin/server';

/** A Node project whose own tests (node --test) judge `src/calc.js`, which the contract asks for. */
const PROJECT: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'calc', version: '1.0.0', scripts: { test: 'node --test' } }, null, 2),
  'test/calc.test.js': [
    "const test = require('node:test');",
    "const assert = require('node:assert');",
    "const { add, mul } = require('../src/calc.js');",
    "test('adds', () => assert.strictEqual(add(2, 3), 5));",
    "test('adds negatives', () => assert.strictEqual(add(-2, -3), -5));",
    "test('multiplies', () => assert.strictEqual(mul(2, 3), 6));",
    "test('multiplies by zero', () => assert.strictEqual(mul(7, 0), 0));",
    '',
  ].join('\n'),
};

const CONTRACT = 'Write src/calc.js (CommonJS) exporting add(a, b) and mul(a, b).\n';

const GOOD = fileBlocks({ 'src/calc.js': 'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a * b;\n' });
const BUGGY = fileBlocks({ 'src/calc.js': 'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a + b;\n' });
const BROKEN = fileBlocks({ 'src/calc.js': 'exports.add = (a, b) => {\n' });

async function project(files: Record<string, string> = PROJECT): Promise<string> {
  return writeProject(files);
}

describe('race: several candidates, the project’s tests pick', function () {
  this.timeout(60_000);
  const { standin, options } = raceSuite(CONTRACT);

  it('the passing candidate wins over a buggy one and one that does not load, and only its files land', async () => {
    const folder = await project();
    const report = await race(options(folder, [{ content: BROKEN }, { content: BUGGY }, { content: GOOD }]));
    assert.equal(report.error, null);
    assert.equal(report.green, true);
    assert.equal(standin.chatRequests.length, 3);
    const byContent = (answer: string) =>
      report.candidates.find((c) => answer.includes(c.files[0]?.content ?? '\u0000'))!;
    const [good, buggy, broken] = [byContent(GOOD), byContent(BUGGY), byContent(BROKEN)];
    assert.equal(report.winner, good.candidate);
    assert.deepEqual([good.green, good.passed, good.failed, good.loads], [true, 4, 0, true]);
    assert.deepEqual([buggy.green, buggy.passed, buggy.failed, buggy.loads], [false, 2, 2, true]);
    assert.equal(broken.green, false);
    assert.equal(broken.passed ?? 0, 0);
    assert.equal(
      broken.loads,
      false,
      'node --test counts the file that fails to load as one failure: fewer than 4 ran',
    );
    assert.equal(
      await fs.readFile(path.join(folder, 'src/calc.js'), 'utf8'),
      'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a * b;\n',
    );
    assert.deepEqual((await fs.readdir(folder)).sort(), ['package.json', 'src', 'test']);
    assert.deepEqual(
      report.landed?.files.map((f) => f.path),
      ['src/calc.js'],
    );
    assert.deepEqual(report.original, { 'src/calc.js': null });
  });

  it('sends the N requests side by side: no answer ends before every request has arrived', async () => {
    const folder = await project();
    // Were the requests sent one after another, the first answer would wait for ever: the test would time out.
    const allIn = (async () => {
      while (standin.chatRequests.length < 3) await new Promise((r) => setTimeout(r, 5));
    })();
    const held = { content: GOOD, chunkSize: 8, pauseAfterChunks: { chunks: 1, until: allIn } };
    const report = await race(options(folder, [held, { ...held }, { ...held }]));
    assert.equal(report.ran, 3);
    assert.deepEqual(
      report.candidates.map((c) => c.green),
      [true, true, true],
    );
  });

  it('a candidate that rewrites a test file is refused there and cannot win with it', async () => {
    const folder = await project();
    const cheat = fileBlocks({
      'src/calc.js': 'exports.add = () => -1;\nexports.mul = () => -1;\n',
      'test/calc.test.js': "require('node:test')('passes', () => {});\n",
    });
    const report = await race(options(folder, [{ content: cheat }, { content: BUGGY }]));
    const cheater = report.candidates.find((c) => c.refused.some((r) => r.path === 'test/calc.test.js'))!;
    assert.ok(cheater, 'the test file write is reported as refused');
    assert.equal(cheater.green, false);
    assert.equal(cheater.failed, 4, 'its own tests ran against the original test file');
    assert.notEqual(report.winner, cheater.candidate);
    assert.equal(await fs.readFile(path.join(folder, 'test/calc.test.js'), 'utf8'), PROJECT['test/calc.test.js']);
  });

  it('a candidate that passes but also tried to rewrite a test is never green and cannot win', async () => {
    const folder = await project();
    const cheat = fileBlocks({
      'src/calc.js': 'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a * b;\n',
      'test/calc.test.js': "require('node:test')('passes', () => {});\n",
    });
    const report = await race(options(folder, [{ content: cheat }, { content: BUGGY }]));
    const cheater = report.candidates.find((c) => c.touchedTests.length > 0)!;
    assert.deepEqual(cheater.touchedTests, ['test/calc.test.js']);
    assert.equal(cheater.passed, 4, 'its code passes the real tests');
    assert.equal(cheater.green, false);
    assert.match(cheater.notGreenBecause ?? '', /tried to change test\/calc\.test\.js/);
    assert.notEqual(report.winner, cheater.candidate);
    assert.equal(report.green, false, 'the buggy one is the winner, and it is not green');
  });

  it('when every candidate tried to rewrite a test, nothing is written', async () => {
    const folder = await project();
    const cheat = fileBlocks({
      'src/calc.js': 'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a * b;\n',
      'test/calc.test.js': "require('node:test')('passes', () => {});\n",
    });
    const report = await race(options(folder, [{ content: cheat }, { content: cheat }]));
    assert.equal(report.winner, undefined);
    assert.match(report.error ?? '', /tried to change the tests/);
    assert.deepEqual((await fs.readdir(folder)).sort(), ['package.json', 'test']);
  });

  it('a candidate that makes tests vanish is not green, even though its command exits 0', async () => {
    const folder = await project();
    // Exits 0 as soon as it is loaded: the test file's remaining tests never run.
    const vanish = fileBlocks({ 'src/calc.js': 'exports.add = (a, b) => a + b;\nprocess.exit(0);\n' });
    const report = await race(options(folder, [{ content: vanish }, { content: GOOD }]));
    const vanished = report.candidates.find((c) => c.files[0]?.content.includes('process.exit'))!;
    assert.equal(vanished.test?.exitCode, 0);
    assert.equal(vanished.green, false);
    assert.match(vanished.notGreenBecause ?? '', /ran/);
    assert.equal(report.candidates.find((c) => c !== vanished)!.green, true);
  });

  it('the folder’s own run before the race sets the bar: candidates that all make tests vanish are not green', async () => {
    // The folder already has a working implementation: its run reaches all 4 tests.
    const folder = await project({
      ...PROJECT,
      'src/calc.js': 'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a * b;\n',
    });
    const vanish = fileBlocks({ 'src/calc.js': 'exports.add = (a, b) => a + b;\nprocess.exit(0);\n' });
    const report = await race(options(folder, [{ content: vanish }, { content: vanish }]));
    assert.equal(report.baselineRan, 4);
    assert.deepEqual(
      report.candidates.map((c) => c.green),
      [false, false],
    );
    assert.match(report.candidates[0].notGreenBecause ?? '', /4 ran before/);
  });

  it('a front end’s last run before the race is the bar', async () => {
    const folder = await project();
    const report = await race(options(folder, [{ content: GOOD }, { content: BUGGY }], { baselineRan: 6 }));
    assert.equal(report.baselineRan, 6);
    assert.equal(report.green, false, 'only 4 tests ran; 6 ran before');
  });

  it('a new project’s own setup goes into its copy: an ES module package.json, a root conftest.py', async () => {
    const folder = await project({
      'test/calc.test.mjs':
        "import test from 'node:test';\nimport assert from 'node:assert';\nimport { add } from '../src/calc.js';\ntest('adds', () => assert.strictEqual(add(2, 3), 5));\n",
    });
    const esm = fileBlocks({
      'package.json': '{ "name": "calc", "type": "module" }\n',
      'src/calc.js': 'export const add = (a, b) => a + b;\n',
      'conftest.py': 'import sys\n',
    });
    const report = await race(
      options(folder, [{ content: esm }, { content: BROKEN }], { testCommand: 'node --test test/' }),
    );
    const winner = report.candidates.find((c) => c.candidate === report.winner)!;
    assert.deepEqual([winner.green, winner.passed, winner.touchedTests], [true, 1, []]);
    assert.equal(winner.files.filter((f) => f.newTest).length, 0);
  });

  it('new test files a candidate adds are kept out of its score, and land with it when it wins', async () => {
    const folder = await project();
    const extra = fileBlocks({
      'src/calc.js': 'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a * b;\n',
      'test/extra.test.js': "require('node:test')('fails', () => { throw new Error('no'); });\n",
    });
    const report = await race(options(folder, [{ content: extra }, { content: BUGGY }]));
    const winner = report.candidates.find((c) => c.candidate === report.winner)!;
    assert.equal(winner.green, true, 'the failing test it added did not run');
    assert.equal(winner.passed, 4);
    assert.deepEqual(
      winner.files.map((f) => [f.path, f.newTest === true]),
      [
        ['src/calc.js', false],
        ['test/extra.test.js', true],
      ],
    );
    assert.ok((await fs.stat(path.join(folder, 'test/extra.test.js'))).isFile());
  });

  it('cancelling mid-race writes nothing and removes every scratch copy', async () => {
    const folder = await project();
    const controller = new AbortController();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const hold = { content: GOOD, chunkSize: 8, pauseAfterChunks: { chunks: 2, until: held } };
    const running = race(options(folder, [hold, { ...hold }], { signal: controller.signal }));
    while (standin.chatRequests.length < 2) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    const report = await running;
    release();
    assert.equal(report.cancelled, true);
    assert.equal(report.winner, undefined);
    assert.deepEqual((await fs.readdir(folder)).sort(), ['package.json', 'test']);
  });

  it('cancelling while the tests run says so: the candidates were cancelled, not code that does not load', async () => {
    const folder = await project();
    const controller = new AbortController();
    const running = race(
      options(folder, [{ content: GOOD }, { content: GOOD }], {
        testCommand: 'node -e "setTimeout(() => {}, 20000)"',
        baselineRan: 4,
        signal: controller.signal,
        onProgress: (ps) => ps.some((p) => p.phase === 'testing') && controller.abort(),
      }),
    );
    const report = await running;
    assert.equal(report.cancelled, true);
    const tested = report.candidates.filter((c) => c.test);
    assert.ok(tested.length > 0, 'a candidate was testing when the race was cancelled');
    for (const c of tested) {
      assert.equal(c.test?.cancelled, true);
      assert.equal(c.error, 'Cancelled while its tests ran.');
    }
    assert.deepEqual((await fs.readdir(folder)).sort(), ['package.json', 'test']);
  });

  it('a candidate whose request fails does not stop the others', async () => {
    const folder = await project();
    const report = await race(options(folder, [{ status: 400 }, { content: GOOD }]));
    assert.equal(report.green, true);
    const failed = report.candidates.find((c) => c.files.length === 0)!;
    assert.match(failed.error ?? '', /./);
    assert.equal(report.ran, 2);
  });

  it('without tests, the contract check scores: the candidate that meets more clauses wins', async () => {
    const folder = await project({});
    const contract = [
      'Build a task API with FastAPI.',
      '',
      '## DATA CONTRACT (use exactly these models):',
      '',
      'class Task(BaseModel):',
      '    id: str',
      '    title: str',
      '    completed: bool = False',
      '',
    ].join('\n');
    const full = fileBlocks({
      'app/models.py':
        'from pydantic import BaseModel\n\n\nclass Task(BaseModel):\n    id: str\n    title: str\n    completed: bool = False\n',
    });
    const partial = fileBlocks({
      'app/models.py': 'from pydantic import BaseModel\n\n\nclass Task(BaseModel):\n    id: str\n',
    });
    const report = await race(
      options(folder, [{ content: partial }, { content: full }], { contract, testCommand: undefined }),
    );
    const winner = report.candidates.find((c) => c.candidate === report.winner)!;
    assert.ok(
      winner,
      JSON.stringify(report, (k, v) => (k === 'generation' ? undefined : v), 1),
    );
    assert.deepEqual(winner.conformance, { met: 4, total: 4 });
    assert.equal(report.green, true);
    assert.match(await fs.readFile(path.join(folder, 'app/models.py'), 'utf8'), /completed/);
  });

  it('refuses a folder too large to copy per candidate, before any request, and says what to do', async () => {
    const folder = await project();
    // Sparse: 201 MB by its size, nothing on disk.
    const big = await fs.open(path.join(folder, 'data.bin'), 'w');
    await big.truncate(201 * 1024 * 1024);
    await big.close();
    const report = await race(options(folder, [{ content: GOOD }, { content: GOOD }]));
    standin.clearQueue();
    assert.equal(report.winner, undefined);
    assert.match(report.error ?? '', /more than 20,000 files or 200 MB .*Race into a smaller folder, or generate once/);
    assert.equal(standin.chatRequests.length, 0);
  });

  it('tests a candidate puts in its own code raise the bar, and the others are told whose run set it', async () => {
    const folder = await project();
    const inSource = fileBlocks({
      'src/calc.js':
        "exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a * b;\nfor (let i = 0; i < 3; i++) require('node:test')('self ' + i, () => {});\n",
    });
    const report = await race(options(folder, [{ content: GOOD }, { content: inSource }]));
    const plain = report.candidates.find((c) => !c.files[0].content.includes('self'))!;
    const inflating = report.candidates.find((c) => c !== plain)!;
    assert.equal(report.baselineRan, 7);
    assert.equal(report.winner, inflating.candidate);
    assert.equal(plain.green, false);
    assert.equal(plain.notGreenBecause, `only 4 tests ran; candidate ${inflating.candidate}'s run reached 7`);
  });

  it('refuses a folder holding a pipe, before any request, naming it', async () => {
    const folder = await project();
    execFileSync('mkfifo', [path.join(folder, 'events.pipe')]);
    const report = await race(options(folder, [{ content: GOOD }, { content: GOOD }]));
    standin.clearQueue();
    assert.equal(report.winner, undefined);
    assert.match(report.error ?? '', /events\.pipe, which is not a regular file/);
    assert.equal(standin.chatRequests.length, 0);
  });

  it('refuses a candidate count outside 2–8 before any request', async () => {
    const folder = await project();
    await assert.rejects(race({ ...options(folder, []), candidates: 9 }), /candidates.*from 2 to 8/);
    await assert.rejects(race({ ...options(folder, []), candidates: 1 }), /from 2 to 8/);
    assert.equal(standin.chatRequests.length, 0);
  });
});
