/**
 * The same parsers fed the real tools on ES-module projects (`"type": "module"`): stack frames are
 * `file:///` URLs, jest runs under `--experimental-vm-modules`, and each sample's first failure
 * passes through a helper in the test file, so the test's own line is the place and the helper's
 * line is related.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { detectRunner, parseTestOutput, type ParsedTestOutput } from '../../src/core/testing/parsers';
import { JEST, MOCHA, NODE, runSample } from '../support/sampleRuns';

const where = (root: string, r: ParsedTestOutput) =>
  r.failures.map((f) => ({
    test: f.test,
    at: `${path.relative(root, f.location.file)}:${f.location.line}:${f.location.column}`,
    related: f.related.map((x) => `${path.relative(root, x.file)}:${x.line}:${x.column}`),
    expected: f.expected,
    actual: f.actual,
  }));

describe('test output parsers, fed real output from the real tools on ES-module projects', () => {
  const roots: string[] = [];
  after(() => Promise.all(roots.map((r) => fs.rm(r, { recursive: true, force: true }))));

  async function run(sample: string, command: string): Promise<{ root: string; r: ParsedTestOutput; output: string }> {
    const { root, output, exitCode } = await runSample(sample, command);
    roots.push(root);
    assert.notEqual(exitCode, 0, `the ${sample} sample fails its tests:\n${output}`);
    const r = parseTestOutput(output, root);
    assert.ok(r, `the ${sample} output is parsed:\n${output}`);
    return { root, r, output };
  }

  it('mocha on an ES module: file:/// frames, the test line with the helper related, expected/actual', async function () {
    this.timeout(60_000);
    const { root, r, output } = await run('mocha-esm-test', `${MOCHA} --no-config "test/*.spec.js"`);
    assert.match(output, /file:\/\/\//);
    assert.equal(detectRunner(output), 'mocha');
    assert.deepEqual([r.passed, r.failed], [1, 2]);
    assert.deepEqual(where(root, r), [
      {
        test: 'lib slugify joins words with dashes',
        at: 'test/lib.spec.js:11:5',
        related: ['test/lib.spec.js:6:10'],
        expected: "'hello-world'",
        actual: "'hello_world'",
      },
      {
        test: 'lib total of missing items',
        at: 'test/lib.spec.js:19:18',
        related: ['lib.js:6:16'],
        expected: undefined,
        actual: undefined,
      },
    ]);
  });

  for (const reporter of ['tap', 'spec']) {
    it(`Node's test runner on an ES module (${reporter} reporter): file:/// frames, the test line with the helper related`, async function () {
      this.timeout(60_000);
      const { root, r, output } = await run('node-esm-test', `${NODE} --test --test-reporter=${reporter}`);
      assert.match(output, /file:\/\/\//);
      assert.equal(detectRunner(output), 'node');
      assert.deepEqual([r.passed, r.failed], [1, 2]);
      assert.deepEqual(where(root, r), [
        {
          test: 'slugify joins words with dashes',
          at: 'test/lib.test.js:11:3',
          related: ['test/lib.test.js:7:10'],
          expected: "'hello-world'",
          actual: "'hello_world'",
        },
        {
          test: 'total of missing items',
          at: 'test/lib.test.js:19:16',
          related: ['lib.js:6:16'],
          expected: undefined,
          actual: undefined,
        },
      ]);
    });
  }

  it('jest on an ES module (node --experimental-vm-modules): the test line with the helper related, expected/received', async function () {
    this.timeout(60_000);
    const { root, r, output } = await run(
      'jest-esm-test',
      `${JEST.replace(/^("[^"]+")/, '$1 --experimental-vm-modules')} --ci`,
    );
    assert.equal(detectRunner(output), 'jest');
    assert.deepEqual([r.passed, r.failed], [1, 2]);
    assert.deepEqual(where(root, r), [
      {
        test: 'lib slugify joins words with dashes',
        at: 'test/lib.test.js:10:5',
        related: ['test/lib.test.js:5:25'],
        expected: '"hello-world"',
        actual: '"hello_world"',
      },
      {
        test: 'lib total of missing items',
        at: 'test/lib.test.js:18:12',
        related: ['lib.js:6:16'],
        expected: undefined,
        actual: undefined,
      },
    ]);
  });
});
