import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectRunner, parseTestOutput, type ParsedTestOutput } from '../../src/core/testParsers';
import { runTestCommand } from '../../src/core/testRunner';

const FIXTURES = path.resolve(__dirname, '../fixtures/projects');
const TSC = path.resolve(__dirname, '../../node_modules/typescript/bin/tsc');
const MOCHA = path.resolve(__dirname, '../../node_modules/mocha/bin/mocha.js');

/** Copies a failing sample project to a temporary folder and runs its real test tool there. */
async function runFixture(name: string, command: string): Promise<{ root: string; output: string }> {
  const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), `turbo-${name}-`)));
  await fs.cp(path.join(FIXTURES, name), root, { recursive: true });
  const run = await runTestCommand({ cwd: root, command, timeoutMs: 60_000 });
  assert.notEqual(run.exitCode, 0, `the ${name} sample fails its tests:\n${run.output}`);
  return { root, output: run.output };
}

const where = (root: string, r: ParsedTestOutput) =>
  r.failures.map((f) => ({
    test: f.test,
    at: `${path.relative(root, f.location.file)}:${f.location.line}:${f.location.column}`,
    message: f.message,
    related: f.related.map((x) => `${path.relative(root, x.file)}:${x.line}:${x.column}`),
  }));

describe('test output parsers, fed real output from the real tools', () => {
  const roots: string[] = [];
  after(() => Promise.all(roots.map((r) => fs.rm(r, { recursive: true, force: true }))));

  it('Python unittest: the assertion, and the raising line in project code', async () => {
    const { root, output } = await runFixture('py-unittest', 'python3 -m unittest');
    roots.push(root);
    assert.equal(detectRunner(output), 'unittest');
    const r = parseTestOutput(output, root)!;
    assert.equal(r.passed, 1);
    assert.equal(r.failed, 2);
    assert.deepEqual(
      where(root, r).sort((a, b) => (a.test ?? '').localeCompare(b.test ?? '')),
      [
        { test: 'tests.test_calc.TestCalc.test_add', at: 'tests/test_calc.py:8:1', message: 'AssertionError: 4 != 5', related: [] },
        { test: 'tests.test_calc.TestCalc.test_div', at: 'tests/test_calc.py:11:1', message: 'ZeroDivisionError: division by zero', related: ['calc.py:6:1'] },
      ],
    );
  });

  for (const reporter of ['tap', 'spec']) {
    it(`Node's test runner (${reporter} reporter): assertion with expected/actual, and the raising line`, async () => {
      const { root, output } = await runFixture('node-test', `"${process.execPath}" --test --test-reporter=${reporter}`);
      roots.push(root);
      assert.equal(detectRunner(output), 'node');
      const r = parseTestOutput(output, root)!;
      assert.equal(r.passed, 1);
      assert.equal(r.failed, 2);
      assert.deepEqual(where(root, r), [
        { test: 'slugify joins words with dashes', at: 'test/lib.test.js:6:10', message: "AssertionError: expected 'hello-world', got 'hello_world'", related: [] },
        { test: 'total of missing items', at: 'test/lib.test.js:14:16', message: "TypeError: Cannot read properties of undefined (reading 'reduce')", related: ['lib.js:6:16'] },
      ]);
    });
  }

  it('mocha (spec reporter): suite and test title, expected/actual, and the raising line', async () => {
    const { root, output } = await runFixture('mocha-test', `"${process.execPath}" "${MOCHA}" --no-config "test/*.spec.js"`);
    roots.push(root);
    assert.equal(detectRunner(output), 'mocha');
    const r = parseTestOutput(output, root)!;
    assert.equal(r.passed, 1);
    assert.equal(r.failed, 2);
    assert.deepEqual(where(root, r), [
      { test: 'lib slugify joins words with dashes', at: 'test/lib.spec.js:6:12', message: "AssertionError: expected 'hello-world', got 'hello_world'", related: [] },
      { test: 'lib total of missing items', at: 'test/lib.spec.js:14:18', message: "TypeError: Cannot read properties of undefined (reading 'reduce')", related: ['lib.js:6:16'] },
    ]);
  });

  for (const pretty of [false, true]) {
    it(`tsc diagnostics (${pretty ? 'pretty' : 'plain'})`, async () => {
      const { root, output } = await runFixture('ts-errors', `"${process.execPath}" "${TSC}" -p . --pretty ${pretty}`);
      roots.push(root);
      assert.equal(detectRunner(output), 'tsc');
      const r = parseTestOutput(output, root)!;
      assert.deepEqual(
        r.failures.map((f) => `${path.relative(root, f.location.file)}:${f.location.line}:${f.location.column} ${f.message.slice(0, 7)}`),
        ['src/task.ts:7:12 TS2322:', 'src/task.ts:11:15 TS2339:'],
      );
    });
  }

  it('unknown output parses to nothing rather than throwing', () => {
    assert.equal(parseTestOutput('hello\nworld\n', '/tmp'), undefined);
    assert.doesNotThrow(() => parseTestOutput('FAIL: x (y)\n', '/tmp', 'unittest'));
    assert.doesNotThrow(() => parseTestOutput('not ok 1 - x\n  ---\n  stack: |-\n', '/tmp', 'node'));
  });
});
