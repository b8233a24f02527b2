import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CerebrasClient } from '../../src/core/generation/client';
import { parseEdits, planEdits, smallestChange } from '../../src/core/testing/fix';
import { gatherFiles } from '../../src/core/testing/fixFiles';
import { atomicWrite } from '../../src/core/generation/fsSink';
import { fixUntilGreen, runTests } from '../../src/core/testing/loop';
import { protectionFor } from '../../src/core/testing/protectedTests';
import { CerebrasStandIn, editBlocks } from '../standin/server';

const FIXTURE = path.resolve(__dirname, '../fixtures/projects/node-test');
const PYTEST_FIXTURE = path.resolve(__dirname, '../fixtures/projects/py-pytest');
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const NODE_TEST = `"${process.execPath}" --test`;
const read = (abs: string) => fs.readFile(abs, 'utf8').catch(() => undefined);

/** The two edits that make the node-test sample pass. */
const GOOD_FIX = [
  {
    file: 'lib.js',
    search: "  return text.toLowerCase().replace(/ /g, '_');",
    replace: "  return text.toLowerCase().replace(/ /g, '-');",
  },
  { file: 'lib.js', search: 'function total(items) {', replace: 'function total(items = []) {' },
];

describe('SEARCH/REPLACE edits', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-edits-')));
    await fs.writeFile(path.join(root, 'a.py'), 'def f():\n    return 1\n\n\ndef g():\n    return 1\n');
    await fs.writeFile(path.join(root, 'crlf.txt'), 'one\r\ntwo\r\nthree');
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('reads blocks after a path line, in fences, with File: labels, and reuses the last path', () => {
    const answer =
      'Here you go:\n\n```python\na.py\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n```\n\n<<<<<<< SEARCH\nz\n=======\n>>>>>>> REPLACE\n\nFile: `src/b.ts`\n<<<<<<< SEARCH\n=======\nnew\n>>>>>>> REPLACE\n';
    const { edits, problems } = parseEdits(answer);
    assert.deepEqual(problems, []);
    assert.deepEqual(edits, [
      { file: 'a.py', search: 'x\n', replace: 'y\n' },
      { file: 'a.py', search: 'z\n', replace: '' },
      { file: 'src/b.ts', search: '', replace: 'new\n' },
    ]);
  });

  it('reports an unclosed block, a block without a file, and an answer with no edit', () => {
    assert.match(parseEdits('a.py\n<<<<<<< SEARCH\nx\n=======\ny\n').problems[0], /not closed/);
    assert.match(parseEdits('<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n').problems[0], /which file/);
    assert.match(parseEdits('I think the bug is in a.py').problems[0], /no SEARCH\/REPLACE/);
  });

  it('applies edits that each match exactly once, as the smallest changed range', async () => {
    const plan = await planEdits(
      root,
      [{ file: 'a.py', search: 'def g():\n    return 1\n', replace: 'def g():\n    return 2\n' }],
      read,
    );
    assert.ok(plan.ok);
    assert.equal(plan.changes[0].after, 'def f():\n    return 1\n\n\ndef g():\n    return 2\n');
    const at = plan.changes[0].before!.lastIndexOf('1');
    assert.deepEqual(plan.changes[0].range, { start: at, end: at + 1, text: '2' });
  });

  it('refuses the whole fix when any SEARCH is missing or ambiguous, and names why', async () => {
    const plan = await planEdits(
      root,
      [
        { file: 'a.py', search: 'def f():\n', replace: 'def f(x):\n' },
        { file: 'a.py', search: '    return 1\n', replace: '    return 3\n' },
        { file: 'a.py', search: 'nothing like this\n', replace: '' },
        { file: 'missing.py', search: 'x\n', replace: 'y\n' },
      ],
      read,
    );
    assert.equal(plan.ok, false);
    assert.ok(!plan.ok);
    assert.deepEqual(
      plan.problems.map(
        (p) => p.replace(/:.*$/, '') + ' ' + /(occurs 2 times|does not occur|does not exist)/.exec(p)?.[1],
      ),
      ['a.py occurs 2 times', 'a.py does not occur', 'missing.py does not exist'],
    );
  });

  it('refuses paths outside the folder or in .git, matches CRLF files and a last line without newline', async () => {
    const bad = await planEdits(
      root,
      [
        { file: '../etc/passwd', search: 'x\n', replace: 'y\n' },
        { file: '.git/config', search: '', replace: 'x' },
      ],
      read,
    );
    assert.ok(!bad.ok);
    assert.equal(bad.problems.length, 2);
    const crlf = await planEdits(root, [{ file: 'crlf.txt', search: 'two\nthree\n', replace: 'TWO\nthree\n' }], read);
    assert.ok(crlf.ok);
    assert.equal(crlf.changes[0].after, 'one\r\nTWO\r\nthree');
  });

  it('creates a new file from an empty SEARCH', async () => {
    const plan = await planEdits(root, [{ file: 'pkg/new.py', search: '', replace: 'X = 1\n' }], read);
    assert.ok(plan.ok);
    assert.equal(plan.changes[0].before, undefined);
    assert.equal(plan.changes[0].after, 'X = 1\n');
  });

  it('refuses the whole fix when an edit touches a test file, by its name or through a link', async () => {
    await fs.mkdir(path.join(root, 'tests'));
    await fs.writeFile(path.join(root, 'tests', 'test_a.py'), 'def test_f():\n    assert f() == 2\n');
    await fs.symlink(path.join(root, 'tests', 'test_a.py'), path.join(root, 'helper.py'));
    const good = { file: 'a.py', search: 'def f():\n    return 1\n', replace: 'def f():\n    return 2\n' };
    const weaken = { file: 'tests/test_a.py', search: '    assert f() == 2\n', replace: '    assert True\n' };
    const viaLink = { file: 'helper.py', search: '    assert f() == 2\n', replace: '    assert True\n' };
    const added = { file: 'tests/test_new.py', search: '', replace: 'def test_x():\n    pass\n' };
    // Without a protection, every test-looking path is refused, old or new.
    const plain = await planEdits(root, [good, weaken, added], read);
    assert.ok(!plain.ok);
    assert.deepEqual(plain.problems, [
      'tests/test_a.py looks like a test file: the tests are the judge, so a fix may not add or change them',
      'tests/test_new.py looks like a test file: the tests are the judge, so a fix may not add or change them',
    ]);
    const protection = await protectionFor(root, ['a.py']);
    const guarded = await planEdits(root, [weaken, viaLink], read, undefined, protection);
    assert.ok(!guarded.ok);
    assert.deepEqual(guarded.problems, [
      'tests/test_a.py is a test file: the tests are the judge, so a fix may not change them',
    ]);
    const link = await planEdits(root, [viaLink], read, undefined, protection);
    assert.ok(!link.ok);
    assert.match(link.problems.join('\n'), /^tests\/test_a\.py is a test file/);
    const globbed = await planEdits(root, [good], read, undefined, protection);
    assert.ok(!globbed.ok);
    assert.match(globbed.problems[0], /^a\.py is protected \("a\.py" in turbo\.protectedPaths or --protect\)/);
    const fresh = await planEdits(root, [added], read, undefined, protection);
    assert.ok(!fresh.ok, 'a fix may not add a test either');
  });

  it('smallestChange keeps the common prefix and suffix', () => {
    assert.deepEqual(smallestChange('abcdef', 'abXYef'), { start: 2, end: 4, text: 'XY' });
    assert.deepEqual(smallestChange('aaa', 'aaaa'), { start: 3, end: 3, text: 'a' });
    assert.deepEqual(smallestChange('', 'x'), { start: 0, end: 0, text: 'x' });
  });
});

describe('the fix loop, on real failing tests, with the stand-in answering', () => {
  const standin = new CerebrasStandIn();
  let root: string;
  let client: CerebrasClient;
  before(async () => {
    await standin.start();
    client = new CerebrasClient({ apiKey: standin.apiKey, baseUrl: standin.url, warmConnection: false });
  });
  beforeEach(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-fixloop-')));
    await fs.cp(FIXTURE, root, { recursive: true });
    standin.requests.length = 0;
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));
  after(() => standin.close());

  const loop = (extra: Partial<Parameters<typeof fixUntilGreen>[0]> = {}) =>
    fixUntilGreen({
      client,
      root,
      command: NODE_TEST,
      rounds: 3,
      readFile: read,
      applyChanges: async (changes) => {
        for (const c of changes) await atomicWrite(c.absPath, c.after);
      },
      ...extra,
    });

  it('runs the tests, sends failures and files, applies the edits and ends green in one round', async () => {
    standin.enqueue({ content: editBlocks(GOOD_FIX, 'The slug uses underscores and total has no default.\n\n') });
    const progress: string[] = [];
    const report = await loop({
      contract: '# Contract\n\nslugify joins words with dashes.',
      onProgress: (p) => progress.push(`${p.round}/${p.rounds} ${p.phase} ${p.failing ?? ''}`.trim()),
    });
    assert.equal(report.outcome, 'green');
    assert.equal(report.rounds.length, 1);
    assert.deepEqual(report.rounds[0].changes, [{ file: 'lib.js', created: false }]);
    assert.deepEqual([report.rounds[0].failingBefore, report.rounds[0].failingAfter], [2, 0]);
    assert.ok(report.costUsd! > 0);
    assert.deepEqual(progress, ['1/3 testing', '1/3 fixing 2', '2/3 testing']);
    assert.equal(report.final.green, true);
    const sent = JSON.stringify(standin.chatRequests[0].body);
    for (const piece of [
      'slugify joins words with dashes.',
      'test/lib.test.js:6:10',
      "expected 'hello-world', got 'hello_world'",
      'lib.js:6:16',
      'function total(items)',
      'SEARCH',
    ])
      assert.ok(sent.includes(piece.replace(/'/g, "'")), `the fix request holds ${piece}`);
  });

  it('refuses edits that do not apply and leaves every file byte-identical', async () => {
    const before = await fs.readFile(path.join(root, 'lib.js'), 'utf8');
    standin.enqueue({
      content: editBlocks([GOOD_FIX[0], { file: 'lib.js', search: 'function totally(items) {', replace: 'x' }]),
    });
    const report = await loop();
    assert.equal(report.outcome, 'edits_refused');
    assert.match(report.rounds[0].problems.join('\n'), /lib\.js: the SEARCH text does not occur/);
    assert.deepEqual(report.rounds[0].changes, []);
    assert.equal(await fs.readFile(path.join(root, 'lib.js'), 'utf8'), before);
  });

  it('an edit to an existing test file refuses the whole fix, and nothing changes on disk', async () => {
    const files = ['lib.js', 'test/lib.test.js'];
    const before = await Promise.all(files.map((f) => fs.readFile(path.join(root, f), 'utf8')));
    const test = before[1];
    const line = test.split('\n').find((l) => l.includes('assert'))!;
    standin.enqueue({
      content: editBlocks([GOOD_FIX[0], { file: 'test/lib.test.js', search: line, replace: '  // (no check)' }]),
    });
    const report = await loop({ protection: await protectionFor(root) });
    assert.equal(report.outcome, 'edits_refused');
    assert.deepEqual(report.rounds[0].problems, [
      'test/lib.test.js is a test file: the tests are the judge, so a fix may not change them',
    ]);
    assert.deepEqual(await Promise.all(files.map((f) => fs.readFile(path.join(root, f), 'utf8'))), before);
    const sent = JSON.stringify(standin.chatRequests[0].body);
    assert.ok(sent.includes('never the tests'), 'the model is told the tests are read-only');
  });

  it('a fix after which fewer tests run is not green, though the command passes', async () => {
    standin.enqueue({
      content: editBlocks([
        { file: 'lib.js', search: 'function slugify(text) {', replace: 'process.exit(0);\nfunction slugify(text) {' },
      ]),
    });
    const report = await loop({ protection: await protectionFor(root) });
    assert.equal(report.final.green, true, 'the command exited 0');
    assert.equal(report.outcome, 'tests_vanished');
    assert.equal(report.notGreenBecause, 'only 1 test ran; 3 ran before the change');
    assert.equal(standin.chatRequests.length, 1, 'no second round');
  });

  it('a fix that makes pytest skip the tests is not green (skips do not count)', async () => {
    const py = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-fixskip-')));
    try {
      await fs.cp(PYTEST_FIXTURE, py, { recursive: true });
      // The two failing tests now skip themselves from inside the implementation: pytest exits 0.
      const skip = '    import pytest\n\n    pytest.skip("later")';
      standin.enqueue({
        content: editBlocks([
          { file: 'calc.py', search: 'def add(a, b):', replace: `def add(a, b):\n${skip}` },
          { file: 'calc.py', search: 'def mean(values):', replace: `def mean(values):\n${skip}` },
        ]),
      });
      const report = await loop({ root: py, command: 'python3 -m pytest -p no:cacheprovider' });
      assert.equal(report.outcome, 'tests_vanished', report.rounds[0]?.problems.join('; '));
      assert.equal(report.notGreenBecause, 'only 1 test ran; 3 ran before the change');
      assert.match(report.final.output, /1 passed, 2 skipped/);
    } finally {
      await fs.rm(py, { recursive: true, force: true });
    }
  });

  it('stops when a round does not reduce the failures', async () => {
    standin.enqueue({
      content: editBlocks([
        {
          file: 'lib.js',
          search: 'function slugify(text) {',
          replace: '// Turns text into a slug.\nfunction slugify(text) {',
        },
      ]),
    });
    const report = await loop();
    assert.equal(report.outcome, 'no_progress');
    assert.equal(report.rounds.length, 1);
    assert.equal(standin.chatRequests.length, 1);
  });

  it('stops after the rounds it was given', async () => {
    standin.enqueue({ content: editBlocks([GOOD_FIX[0]]) }, { content: editBlocks([GOOD_FIX[1]]) });
    const one = await loop({ rounds: 1 });
    assert.equal(one.outcome, 'rounds_exhausted');
    assert.deepEqual([one.rounds[0].failingBefore, one.rounds[0].failingAfter], [2, 1]);
    const two = await loop({ rounds: 1, initial: one.final });
    assert.equal(two.outcome, 'green');
  });

  it('turbo test --json and turbo fix --json, as real processes', async () => {
    await fs.access(CLI).catch(() => assert.fail('dist/cli.js is missing: run npm run build first'));
    const env = { PATH: process.env.PATH ?? '', CEREBRAS_API_KEY: standin.apiKey, CEREBRAS_BASE_URL: standin.url };
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(process.execPath, [CLI, ...args], { env }, (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
    const test = await run(['test', '--cwd', root, '--cmd', NODE_TEST, '--json']);
    assert.equal(test.code, 1, test.stderr);
    const json = JSON.parse(test.stdout);
    assert.equal(json.runner, 'node');
    assert.deepEqual([json.passed, json.failed, json.green], [1, 2, false]);
    assert.deepEqual(
      json.diagnostics.map((d: { file: string; line: number; column: number }) => `${d.file}:${d.line}:${d.column}`),
      ['test/lib.test.js:6:10', 'test/lib.test.js:14:16'],
    );
    assert.deepEqual(
      json.diagnostics[1].related.map((r: { file: string; line: number }) => `${r.file}:${r.line}`),
      ['lib.js:6'],
    );
    assert.equal(json.diagnostics[0].severity, 'error');

    standin.enqueue({ content: editBlocks(GOOD_FIX) });
    const fix = await run(['fix', '--cwd', root, '--cmd', NODE_TEST, '--json']);
    assert.equal(fix.code, 0, fix.stderr);
    const fixed = JSON.parse(fix.stdout);
    assert.equal(fixed.outcome, 'green');
    assert.deepEqual(
      fixed.rounds.map((r: { changed: string[] }) => r.changed),
      [['lib.js']],
    );
    assert.equal(fixed.final.green, true);
    assert.doesNotMatch(test.stdout + test.stderr + fix.stdout + fix.stderr, new RegExp(standin.apiKey));

    const again = await run(['test', '--cwd', root, '--cmd', NODE_TEST]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /✓ 3 passed \(node\)/);
  });

  it('turbo fix --protect GLOB refuses edits to the files it names; a bad glob is a usage error', async () => {
    await fs.access(CLI).catch(() => assert.fail('dist/cli.js is missing: run npm run build first'));
    const env = { PATH: process.env.PATH ?? '', CEREBRAS_API_KEY: standin.apiKey, CEREBRAS_BASE_URL: standin.url };
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [CLI, 'fix', '--cwd', root, '--cmd', NODE_TEST, ...args],
          { env },
          (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
    const before = await fs.readFile(path.join(root, 'lib.js'), 'utf8');
    standin.enqueue({ content: editBlocks(GOOD_FIX) });
    const fix = await run(['--protect', 'docs/**', '--protect', '/lib.js', '--json']);
    assert.equal(fix.code, 1, fix.stderr);
    const json = JSON.parse(fix.stdout);
    assert.equal(json.outcome, 'edits_refused');
    assert.match(
      json.rounds[0].problems[0],
      /^lib\.js is protected \("\/lib\.js" in turbo\.protectedPaths or --protect\)/,
    );
    assert.equal(await fs.readFile(path.join(root, 'lib.js'), 'utf8'), before);
    const bad = await run(['--protect', 'src/[ab']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--protect takes globs .*"src\/\[ab" has a "\[" without its pair/);
  });

  it('cancelling while the model answers stops the loop and changes nothing', async () => {
    const before = await fs.readFile(path.join(root, 'lib.js'), 'utf8');
    standin.enqueue({ content: editBlocks(GOOD_FIX) + '\n'.repeat(4000), chunkSize: 4, tokensPerSecond: 200 });
    const abort = new AbortController();
    const report = await loop({
      signal: abort.signal,
      onProgress: (p) => p.phase === 'fixing' && setTimeout(() => abort.abort(), 100),
    });
    assert.equal(report.outcome, 'cancelled');
    assert.equal(await fs.readFile(path.join(root, 'lib.js'), 'utf8'), before);
  });

  it('runTests reports a timeout as not green, with the process tree gone', async () => {
    const report = await runTests({ cwd: root, command: 'sleep 30', timeoutMs: 300 });
    assert.equal(report.timedOut, true);
    assert.equal(report.green, false);
  });
});

describe('the files sent with a fix', () => {
  it('adds the implementation a failing test imports (JavaScript, TypeScript ESM, Python, Go)', async () => {
    const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-gather-')));
    const files: Record<string, string> = {
      'test/a.test.js': "const { f } = require('../lib');\nimport x from 'node:fs';\n",
      'lib.js': 'module.exports = {};\n',
      'test/b.test.ts': "import { g } from '../src/g.js';\n",
      'src/g.ts': 'export const g = 1;\n',
      'tests/test_c.py': 'from calc import add\nimport os\n',
      'calc.py': 'def add(a, b): return a + b\n',
      'pkg/d_test.go': 'package d\n',
      'pkg/d.go': 'package d\n',
    };
    for (const [p, c] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(root, p)), { recursive: true });
      await fs.writeFile(path.join(root, p), c);
    }
    const at = (p: string) => ({
      location: { file: path.join(root, p), line: 1, column: 1 },
      message: 'x',
      test: 't',
      related: [],
    });
    const sent = await gatherFiles(
      root,
      ['test/a.test.js', 'test/b.test.ts', 'tests/test_c.py', 'pkg/d_test.go'].map(at),
      read,
    );
    assert.deepEqual(
      sent.map((f) => f.path),
      [
        'test/a.test.js',
        'test/b.test.ts',
        'tests/test_c.py',
        'pkg/d_test.go',
        'lib.js',
        'src/g.ts',
        'calc.py',
        'pkg/d.go',
      ],
    );
    await fs.rm(root, { recursive: true, force: true });
  });
});
