import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { detectRunner, parseTestOutput, type ParsedTestOutput } from '../../src/core/testing/parsers';
import { GO_ENV, pytestCommand, runSample } from '../support/sampleRuns';

/**
 * The Python, Go and Rust shapes the first sample projects do not have, fed through the real tools:
 * subtests, t.Parallel() and two packages; a compile error and a should_panic test; a fixture
 * error and a failure raised in a helper; docstrings under unittest's headers.
 */
const where = (root: string, r: ParsedTestOutput) =>
  r.failures
    .map((f) => ({
      test: f.test,
      at: `${path.relative(root, f.location.file)}:${f.location.line}:${f.location.column}`,
      message: f.message.split('\n')[0],
      related: f.related.map((x) => `${path.relative(root, x.file)}:${x.line}:${x.column}`),
      ...(f.expected !== undefined || f.actual !== undefined ? { expected: f.expected, actual: f.actual } : {}),
    }))
    .sort((a, b) => `${a.test}`.localeCompare(`${b.test}`));

describe('test output parsers, fed real output from pytest, unittest, go and cargo (more shapes)', () => {
  const roots: string[] = [];
  after(() => Promise.all(roots.map((r) => fs.rm(r, { recursive: true, force: true }))));

  async function run(
    sample: string,
    command: string,
    env?: Record<string, string>,
  ): Promise<{ root: string; output: string }> {
    const result = await runSample(sample, command, env);
    roots.push(result.root);
    assert.notEqual(result.exitCode, 0, `the ${sample} sample fails its tests:\n${result.output}`);
    return result;
  }

  for (const flags of ['', '-v']) {
    it(`go test ${flags} ./... over two packages: parallel subtests, === CONT, a log line before the failure`, async function () {
      this.timeout(180_000);
      const { root, output } = await run('go-multi', `go test ${flags} ./...`, GO_ENV);
      assert.equal(detectRunner(output), 'go');
      const r = parseTestOutput(output, root)!;
      assert.deepEqual(where(root, r), [
        { test: 'TestArea/tall', at: 'shapes/area_test.go:19:1', message: 'Area(1, 5) = 6, want 5', related: [] },
        { test: 'TestArea/wide', at: 'shapes/area_test.go:19:1', message: 'Area(3, 1) = 4, want 3', related: [] },
        {
          test: 'TestShout',
          at: 'text/upper_test.go:9:1',
          message: 'Shout(hello) = "HELLO", want "HELLO!"',
          related: [],
        },
      ]);
    });
  }

  it('cargo test that stops at a compile error is recognised and located', async function () {
    this.timeout(180_000);
    const { root, output } = await run('cargo-compile-error', 'cargo test --offline', { RUST_BACKTRACE: '0' });
    assert.equal(detectRunner(output), 'cargo');
    const r = parseTestOutput(output, root)!;
    assert.deepEqual(where(root, r), [
      { test: undefined, at: 'src/lib.rs:11:29', message: 'E0308: mismatched types', related: [] },
    ]);
  });

  it('cargo test: a should_panic test that does not panic, and assert_eq! with left/right', async function () {
    this.timeout(180_000);
    const { root, output } = await run('cargo-should-panic', 'cargo test --offline', { RUST_BACKTRACE: '0' });
    assert.equal(detectRunner(output), 'cargo');
    const r = parseTestOutput(output, root)!;
    assert.deepEqual([r.passed, r.failed], [1, 2]);
    assert.deepEqual(where(root, r), [
      {
        test: 'tests::adds_two',
        at: 'src/lib.rs:22:9',
        message: 'assertion `left == right` failed',
        related: [],
        expected: '4',
        actual: '5',
      },
      {
        test: 'tests::rejects_over_100',
        at: 'src/lib.rs:16:8',
        message: 'test did not panic as expected',
        related: [],
      },
    ]);
  });

  for (const flags of ['', '-q', '-v', '--color=yes']) {
    it(`pytest ${flags}: a missing fixture, and a failure raised in a helper of the test file`, async function () {
      this.timeout(60_000);
      const { root, output } = await run('py-pytest-fixtures', `${pytestCommand()} ${flags}`);
      if (flags === '--color=yes') assert.match(output, /\u001b\[/);
      assert.equal(detectRunner(output), 'pytest');
      const r = parseTestOutput(output, root)!;
      assert.deepEqual([r.passed, r.failed], [1, 2]);
      assert.deepEqual(where(root, r), [
        {
          test: 'tests/test_orders.py::test_total_counts_quantities',
          at: 'tests/test_orders.py:9:1',
          message: 'assert 7 == 11',
          related: ['tests/test_orders.py:5:1'],
          expected: '11',
          actual: '7',
        },
        {
          test: 'tests/test_orders.py::test_total_from_db',
          at: 'tests/test_orders.py:12:1',
          message: "fixture 'db' not found",
          related: [],
        },
      ]);
    });
  }

  for (const flags of ['', '-v']) {
    it(`python -m unittest ${flags}: docstrings under FAIL:/ERROR:, assertEqual values and a string diff, the raising line`, async function () {
      this.timeout(60_000);
      const { root, output } = await run('py-unittest-docstrings', `python3 -m unittest ${flags}`);
      assert.equal(detectRunner(output), 'unittest');
      const r = parseTestOutput(output, root)!;
      assert.deepEqual([r.passed, r.failed], [1, 3]);
      assert.deepEqual(where(root, r), [
        {
          test: 'tests.test_shop.TestShop.test_label',
          at: 'tests/test_shop.py:20:1',
          message: "AssertionError: '3 item' != '3 items'",
          related: [],
          expected: "'3 items'",
          actual: "'3 item'",
        },
        {
          test: 'tests.test_shop.TestShop.test_ten_percent',
          at: 'tests/test_shop.py:9:1',
          message: 'AssertionError: 190 != 180',
          related: [],
          expected: '180',
          actual: '190',
        },
        {
          test: 'tests.test_shop.TestShop.test_unit_price_of_nothing',
          at: 'tests/test_shop.py:17:1',
          message: 'ZeroDivisionError: division by zero',
          related: ['shop.py:7:1'],
        },
      ]);
    });
  }
});
