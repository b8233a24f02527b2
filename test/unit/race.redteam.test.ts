import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { judgeFileRefusal } from '../../src/core/race/judgeFiles';
import { looksLikeTest } from '../../src/core/testing/protectedTests';
import { race } from '../../src/core/race/race';
import { createScratch } from '../../src/core/race/scratch';
import { raceSuite, scratchFolders, writeProject } from '../support/raceSuite';
import { fileBlocks } from '../standin/server';

/**
 * Hostile candidates and hostile folders against the race's judge: each test is an attack that
 * worked (or a guarantee worth pinning), run for real against the stand-in and node --test.
 */
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

const GOOD_CALC = 'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a * b;\n';
const BUGGY_CALC = 'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a + b;\n';
const GOOD = fileBlocks({ 'src/calc.js': GOOD_CALC });

const byFile = (report: Awaited<ReturnType<typeof race>>, content: string) =>
  report.candidates.find((c) => c.files.some((f) => f.content === content))!;

async function project(files: Record<string, string> = PROJECT): Promise<string> {
  return writeProject(files);
}

describe('race red team: hostile candidates and folders', function () {
  this.timeout(60_000);
  const { standin, options, existing } = raceSuite('Write src/calc.js (CommonJS) exporting add(a, b) and mul(a, b).\n');

  it('a candidate that rewrites the test script in package.json is refused there and cannot win by it', async () => {
    const folder = await project();
    // Prints a fake node --test summary and exits 0: 50 "tests" would raise the bar over the honest candidate.
    const fake = JSON.stringify({
      name: 'calc',
      scripts: { test: 'node -e "console.log(\'# pass 50\\n# fail 0\')"' },
    });
    const cheat = fileBlocks({ 'src/calc.js': BUGGY_CALC, 'package.json': fake });
    const report = await race(options(folder, [{ content: cheat }, { content: GOOD }]));
    const cheater = byFile(report, BUGGY_CALC);
    const honest = byFile(report, GOOD_CALC);
    assert.ok(
      cheater.refused.some((r) => r.path === 'package.json'),
      'the write to package.json is refused',
    );
    assert.equal(cheater.green, false, 'its code fails the real tests');
    assert.equal(honest.green, true, `the honest candidate is green (${honest.notGreenBecause})`);
    assert.equal(report.winner, honest.candidate);
    assert.equal(await fs.readFile(path.join(folder, 'package.json'), 'utf8'), PROJECT['package.json']);
  });

  it('a new file that node --test discovers (src/more-test.js) does not count for the candidate or raise the bar', async () => {
    const folder = await project();
    const padding = Array.from({ length: 20 }, (_, i) => `require('node:test')('pad ${i}', () => {});`).join('\n');
    const cheat = fileBlocks({ 'src/calc.js': BUGGY_CALC, 'src/more-test.js': padding + '\n' });
    const report = await race(options(folder, [{ content: cheat }, { content: GOOD }]));
    const cheater = byFile(report, BUGGY_CALC);
    const honest = byFile(report, GOOD_CALC);
    assert.equal(cheater.passed, 2, 'only the real tests counted');
    assert.equal(honest.green, true, `the honest candidate is green (${honest.notGreenBecause})`);
    assert.equal(report.winner, honest.candidate);
    assert.deepEqual(
      cheater.files.find((f) => f.path === 'src/more-test.js')?.newTest,
      true,
      'reported as a new test, kept out of its score',
    );
  });

  it('an existing test file with a name only node --test knows (test-calc.js) is protected', async () => {
    const folder = await project({
      'package.json': PROJECT['package.json'],
      'test-calc.js': PROJECT['test/calc.test.js'].replace('../src/calc.js', './src/calc.js'),
    });
    const cheat = fileBlocks({
      'src/calc.js': BUGGY_CALC,
      'test-calc.js': "require('node:test')('passes', () => {});\n",
    });
    const report = await race(options(folder, [{ content: cheat }, { content: GOOD }]));
    const cheater = byFile(report, BUGGY_CALC);
    assert.ok(cheater.refused.some((r) => r.path === 'test-calc.js'));
    assert.equal(cheater.green, false);
    assert.equal(report.winner, byFile(report, GOOD_CALC).candidate);
  });

  it('an error from a progress callback stops every candidate before race returns; no work goes on after', async () => {
    const folder = await project();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const marker = `${folder}-late-run`;
    const late = fileBlocks({
      'src/calc.js': `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n${GOOD_CALC}`,
    });
    const slow = { content: late, chunkSize: 8, pauseAfterChunks: { chunks: 2, until: held } };
    let thrown = false;
    const report = await race(
      options(folder, [{ content: GOOD }, slow], {
        onProgress: (all) => {
          // A front end's progress handler that fails once a candidate is being tested (a disposed view …).
          if (!thrown && all.some((c) => c.phase === 'waiting' && c.filesWritten > 0)) {
            thrown = true;
            throw new Error('progress view is gone');
          }
        },
      }),
    );
    assert.ok(thrown);
    assert.match(report.error ?? '', /progress view is gone/);
    const after = standin.requests.length;
    release();
    await new Promise((r) => setTimeout(r, 4000));
    assert.deepEqual((await fs.readdir(folder)).sort(), ['package.json', 'test'], 'nothing landed');
    assert.equal(
      await fs.stat(marker).then(
        () => true,
        () => false,
      ),
      false,
      'no candidate was tested after the race returned',
    );
    assert.equal(standin.requests.length, after, 'no request after the race returned');
    assert.deepEqual(
      (await scratchFolders()).filter((n) => !existing().includes(n)),
      [],
      'no scratch copy reappears after the race returned',
    );
  });

  it('the scratch copy keeps a relative link that leaves the folder pointing at the same target', async () => {
    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-rt-redteam-link-'));
    const folder = path.join(base, 'app');
    await fs.mkdir(path.join(folder, 'src'), { recursive: true });
    await fs.writeFile(path.join(base, 'shared.js'), 'module.exports = 1;\n');
    await fs.symlink('../shared.js', path.join(folder, 'shared.js'));
    await fs.symlink('./src', path.join(folder, 'alias'));
    const scratch = await createScratch(folder);
    try {
      assert.equal(
        await fs.readFile(path.join(scratch.dir, 'shared.js'), 'utf8'),
        'module.exports = 1;\n',
        'not a dangling link into the shared temp folder',
      );
      assert.equal(await fs.readlink(path.join(scratch.dir, 'alias')), './src', 'a link inside stays relative');
    } finally {
      await scratch.remove();
    }
  });

  it('the test run of a candidate never sees the API key', async () => {
    const folder = await project();
    const spy = path.join(folder, '..', `${path.basename(folder)}-env.json`);
    const leak = fileBlocks({
      'src/calc.js': `require('node:fs').appendFileSync(${JSON.stringify(spy)}, JSON.stringify(process.env) + '\\n');\n${GOOD_CALC}`,
    });
    const saved = process.env.CEREBRAS_API_KEY;
    process.env.CEREBRAS_API_KEY = standin.apiKey;
    try {
      const report = await race(options(folder, [{ content: leak }, { content: GOOD }], { secrets: [standin.apiKey] }));
      assert.equal(report.green, true);
    } finally {
      if (saved === undefined) delete process.env.CEREBRAS_API_KEY;
      else process.env.CEREBRAS_API_KEY = saved;
    }
    const seen = await fs.readFile(spy, 'utf8');
    assert.ok(seen.length > 0, 'the candidate ran');
    assert.ok(!seen.includes(standin.apiKey), 'the key is not in the environment of the test run');
    await fs.rm(spy, { force: true });
  });
});

describe('race red team: files that decide how the tests run', () => {
  it('a package.json may change its dependencies, not its scripts or test configuration', () => {
    const before = JSON.stringify({ name: 'a', scripts: { test: 'node --test' }, dependencies: {} });
    const deps = JSON.stringify({
      name: 'a',
      type: 'module',
      scripts: { test: 'node --test' },
      dependencies: { x: '1' },
    });
    assert.equal(judgeFileRefusal('package.json', before, deps), undefined);
    const pretest = JSON.stringify({ name: 'a', scripts: { test: 'node --test', pretest: 'node fake.js' } });
    assert.match(judgeFileRefusal('package.json', before, pretest) ?? '', /scripts decide how the tests run/);
    assert.match(judgeFileRefusal('package.json', before, JSON.stringify({ jest: {} })) ?? '', /scripts, jest/);
    assert.match(judgeFileRefusal('package.json', before, 'not json') ?? '', /scripts/);
    for (const rel of ['pytest.ini', 'sub/pyproject.toml', 'jest.config.js', '.mocharc.yml', '.cargo/config.toml'])
      assert.ok(judgeFileRefusal(rel, 'x', 'y'), rel);
    // node --test's own names are test files: the protected-tests rule refuses them when they exist.
    for (const rel of ['test-calc.js', 'src/calc-test.mjs', 'src/calc_test.ts', 'test.cjs'])
      assert.ok(looksLikeTest(rel), rel);
    for (const rel of ['src/calc.js', 'src/testing.js', 'src/contest.js', 'README.md', 'app/main.py'])
      assert.equal(judgeFileRefusal(rel, 'x', 'y'), undefined, rel);
    // New runner configuration goes into the copy (a new project needs it to load); new node --test names stay out.
    for (const rel of ['package.json', 'pytest.ini', 'pyproject.toml', 'jest.config.js'])
      assert.equal(looksLikeTest(rel), false, rel);
    for (const rel of ['test-calc.js', 'src/more-test.js', 'src/calc_test.ts'])
      assert.equal(looksLikeTest(rel), true, rel);
  });
});
