import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectRunner, parseTestOutput, RUNNER_NAMES, type ParsedTestOutput } from '../../src/core/testing/parsers';
import {
  GO_ENV,
  JEST,
  JEST_JUNIT,
  MOCHA,
  NODE,
  PROJECTS,
  pytestCommand,
  runSample,
  TSC,
  VITEST,
} from '../support/sampleRuns';

/** Runs a sample's real tool; the sample must fail, or there is nothing to parse. */
async function runFixture(...args: Parameters<typeof runSample>): Promise<{ root: string; output: string }> {
  const run = await runSample(...args);
  assert.notEqual(run.exitCode, 0, `the ${args[0]} sample fails its tests:\n${run.output}`);
  return run;
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
        {
          test: 'tests.test_calc.TestCalc.test_add',
          at: 'tests/test_calc.py:8:1',
          message: 'AssertionError: 4 != 5',
          related: [],
        },
        {
          test: 'tests.test_calc.TestCalc.test_div',
          at: 'tests/test_calc.py:11:1',
          message: 'ZeroDivisionError: division by zero',
          related: ['calc.py:6:1'],
        },
      ],
    );
  });

  for (const reporter of ['tap', 'spec']) {
    it(`Node's test runner (${reporter} reporter): assertion with expected/actual, and the raising line`, async () => {
      const { root, output } = await runFixture('node-test', `${NODE} --test --test-reporter=${reporter}`);
      roots.push(root);
      assert.equal(detectRunner(output), 'node');
      const r = parseTestOutput(output, root)!;
      assert.equal(r.passed, 1);
      assert.equal(r.failed, 2);
      assert.deepEqual(where(root, r), [
        {
          test: 'slugify joins words with dashes',
          at: 'test/lib.test.js:6:10',
          message: "AssertionError: expected 'hello-world', got 'hello_world'",
          related: [],
        },
        {
          test: 'total of missing items',
          at: 'test/lib.test.js:14:16',
          message: "TypeError: Cannot read properties of undefined (reading 'reduce')",
          related: ['lib.js:6:16'],
        },
      ]);
      assert.deepEqual(
        r.failures.map((f) => [f.expected, f.actual]),
        [
          ["'hello-world'", "'hello_world'"],
          [undefined, undefined],
        ],
      );
    });
  }

  it('mocha (spec reporter): suite and test title, expected/actual, and the raising line', async () => {
    const { root, output } = await runFixture('mocha-test', `${MOCHA} --no-config "test/*.spec.js"`);
    roots.push(root);
    assert.equal(detectRunner(output), 'mocha');
    const r = parseTestOutput(output, root)!;
    assert.equal(r.passed, 1);
    assert.equal(r.failed, 2);
    assert.deepEqual(where(root, r), [
      {
        test: 'lib slugify joins words with dashes',
        at: 'test/lib.spec.js:6:12',
        message: "AssertionError: expected 'hello-world', got 'hello_world'",
        related: [],
      },
      {
        test: 'lib total of missing items',
        at: 'test/lib.spec.js:14:18',
        message: "TypeError: Cannot read properties of undefined (reading 'reduce')",
        related: ['lib.js:6:16'],
      },
    ]);
  });

  for (const pretty of [false, true]) {
    it(`tsc diagnostics (${pretty ? 'pretty' : 'plain'})`, async () => {
      const { root, output } = await runFixture('ts-errors', `${TSC} -p . --pretty ${pretty}`);
      roots.push(root);
      // The same output as a tool that links file names prints it (OSC 8 hyperlinks, as terminals get them).
      const linked = output.replaceAll(
        'src/task.ts',
        `\u001b]8;;file://${root}/src/task.ts\u001b\\src/task.ts\u001b]8;;\u001b\\`,
      );
      assert.notEqual(linked, output);
      for (const text of [output, linked]) {
        assert.equal(detectRunner(text), 'tsc');
        const r = parseTestOutput(text, root)!;
        assert.deepEqual(
          r.failures.map(
            (f) =>
              `${path.relative(root, f.location.file)}:${f.location.line}:${f.location.column} ${f.message.slice(0, 7)}`,
          ),
          ['src/task.ts:7:12 TS2322:', 'src/task.ts:11:15 TS2339:'],
        );
      }
    });
  }

  const sortByTest = (rows: ReturnType<typeof where>) =>
    rows.sort((a, b) => (a.test ?? '').localeCompare(b.test ?? ''));

  it('pytest: the assertion with its explanation, and the raising line in project code', async function () {
    this.timeout(60_000);
    const { root, output } = await runFixture('py-pytest', pytestCommand());
    roots.push(root);
    assert.equal(detectRunner(output), 'pytest');
    const r = parseTestOutput(output, root)!;
    assert.deepEqual([r.passed, r.failed], [1, 2]);
    assert.deepEqual(where(root, r), [
      {
        test: 'tests/test_calc.py::test_add',
        at: 'tests/test_calc.py:5:1',
        message: 'assert 4 == 5\n+  where 4 = add(2, 2)',
        related: [],
      },
      {
        test: 'tests/test_calc.py::test_mean_of_nothing',
        at: 'tests/test_calc.py:9:1',
        message: 'ZeroDivisionError: division by zero',
        related: ['calc.py:6:1'],
      },
    ]);
  });

  it('pytest: a collection error from a SyntaxError in an imported module points at the module line and column', async function () {
    this.timeout(60_000);
    const { root, output } = await runFixture('py-pytest-syntax', pytestCommand());
    roots.push(root);
    assert.equal(detectRunner(output), 'pytest');
    const r = parseTestOutput(output, root)!;
    assert.equal(r.failed, 1);
    assert.deepEqual(where(root, r), [
      {
        test: 'tests/test_models.py',
        at: 'tests/test_models.py:1:1',
        message: "SyntaxError: expected ':'",
        related: ['models.py:5:19'],
      },
    ]);
  });

  it('jest: expected/received, the assertion column, and the raising line', async function () {
    this.timeout(60_000);
    const { root, output } = await runFixture('jest-test', `${JEST} --ci`);
    roots.push(root);
    assert.equal(detectRunner(output), 'jest');
    const r = parseTestOutput(output, root)!;
    assert.deepEqual([r.passed, r.failed], [1, 2]);
    assert.deepEqual(where(root, r), [
      {
        test: 'lib slugify joins words with dashes',
        at: 'test/lib.test.js:5:36',
        message:
          'expect(received).toBe(expected) // Object.is equality\nExpected: "hello-world"\nReceived: "hello_world"',
        related: [],
      },
      {
        test: 'lib total of missing items',
        at: 'test/lib.test.js:13:12',
        message: "TypeError: Cannot read properties of undefined (reading 'reduce')",
        related: ['lib.js:6:16'],
      },
    ]);
  });

  it('jest over more than 20 suites, whose closing "Summary of all failing tests" repeats every failure: each reported once', async function () {
    this.timeout(120_000);
    const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-jest-many-')));
    roots.push(root);
    await fs.cp(path.join(PROJECTS, 'jest-test'), root, { recursive: true });
    for (let i = 1; i <= 20; i++)
      await fs.writeFile(
        path.join(root, `test/pass${i}.test.js`),
        `test('passes ${i}', () => expect(${i}).toBe(${i}));\n`,
      );
    const { output } = await runSample('jest-test', `${JEST} --ci`, undefined, root);
    assert.match(output, /Summary of all failing tests/);
    const r = parseTestOutput(output, root)!;
    assert.deepEqual([r.passed, r.failed], [21, 2]);
    assert.deepEqual(
      where(root, r).map((f) => f.at),
      ['test/lib.test.js:5:36', 'test/lib.test.js:13:12'],
    );
  });

  it('forced colour (FORCE_COLOR=1, ANSI codes kept in the output): mocha, jest and node:test still placed, with expected/actual', async function () {
    this.timeout(120_000);
    const runs = [
      ['mocha-test', `${MOCHA} --no-config --color "test/*.spec.js"`, 'test/lib.spec.js:6:12'],
      ['jest-test', `${JEST} --ci --colors`, 'test/lib.test.js:5:36'],
      ['node-test', `${NODE} --test --test-reporter=spec`, 'test/lib.test.js:6:10'],
    ];
    for (const [sample, command, at] of runs) {
      const { root, output } = await runSample(sample, command, { FORCE_COLOR: '1' });
      roots.push(root);
      assert.ok(output.includes('\u001b['), `${sample} printed colour`);
      const r = parseTestOutput(output, root)!;
      assert.deepEqual([r.passed, r.failed, where(root, r)[0].at], [1, 2, at], sample);
      assert.match(
        `${r.failures[0].expected}|${r.failures[0].actual}`,
        /^["']hello-world["']\|["']hello_world["']$/,
        sample,
      );
    }
  });

  it('vitest: expected/received, the assertion column, and the raising line', async function () {
    this.timeout(60_000);
    const { root, output } = await runFixture('vitest-test', `${VITEST} run --globals`);
    roots.push(root);
    assert.equal(detectRunner(output), 'vitest');
    const r = parseTestOutput(output, root)!;
    assert.deepEqual([r.passed, r.failed], [1, 2]);
    assert.deepEqual(where(root, r), [
      {
        test: 'lib slugify joins words with dashes',
        at: 'test/lib.test.js:5:36',
        message:
          'AssertionError: expected \'hello_world\' to be \'hello-world\' // Object.is equality\nExpected: "hello-world"\nReceived: "hello_world"',
        related: [],
      },
      {
        test: 'lib total of missing items',
        at: 'test/lib.test.js:13:12',
        message: "TypeError: Cannot read properties of undefined (reading 'reduce')",
        related: ['lib.js:6:16'],
      },
    ]);
  });

  for (const verbose of [false, true]) {
    it(`go test${verbose ? ' -v' : ''}: t.Errorf lines resolved against the package folder, and a panic's frames`, async function () {
      this.timeout(180_000);
      const { root, output } = await runFixture('go-test', `go test${verbose ? ' -v' : ''} ./...`, GO_ENV);
      roots.push(root);
      assert.equal(detectRunner(output), 'go');
      const r = parseTestOutput(output, root)!;
      assert.equal(r.failed, 2);
      assert.deepEqual(where(root, r), [
        { test: 'TestAdd', at: 'pkg/calc/calc_test.go:7:1', message: 'Add(2, 2) = 4, want 5', related: [] },
        {
          test: 'TestFirstOfNothing',
          at: 'pkg/calc/calc_test.go:12:1',
          message: 'panic: runtime error: index out of range [0] with length 0',
          related: ['pkg/calc/calc.go:10:1'],
        },
      ]);
    });
  }

  it('cargo test: the panic site, and with RUST_BACKTRACE the test line with the panic in project code as related', async function () {
    this.timeout(180_000);
    const plain = await runFixture('cargo-test', 'cargo test --offline', { RUST_BACKTRACE: '0' });
    roots.push(plain.root);
    assert.equal(detectRunner(plain.output), 'cargo');
    const r = parseTestOutput(plain.output, plain.root)!;
    assert.deepEqual([r.passed, r.failed], [1, 2]);
    assert.deepEqual(sortByTest(where(plain.root, r)), [
      {
        test: 'tests::adds',
        at: 'src/lib.rs:17:9',
        message: 'assertion `left == right` failed\n  left: 2\n right: 3',
        related: [],
      },
      {
        test: 'tests::first_of_nothing',
        at: 'src/lib.rs:6:5',
        message: 'index out of bounds: the len is 0 but the index is 0',
        related: [],
      },
    ]);
    const traced = await runFixture('cargo-test', 'cargo test --offline', { RUST_BACKTRACE: '1' }, plain.root);
    const t = parseTestOutput(traced.output, traced.root)!;
    assert.deepEqual(
      where(traced.root, t).find((x) => x.test === 'tests::first_of_nothing'),
      {
        test: 'tests::first_of_nothing',
        at: 'src/lib.rs:22:20',
        message: 'index out of bounds: the len is 0 but the index is 0',
        related: ['src/lib.rs:6:5'],
      },
    );
  });

  describe('JUnit XML, read with an XML parser', () => {
    const junit = async (name: string, command: string, file: string, env?: Record<string, string>) => {
      const { root } = await runFixture(name, command, env);
      roots.push(root);
      const xml = await fs.readFile(path.join(root, file), 'utf8');
      assert.equal(detectRunner(xml), 'junit');
      return { root, r: parseTestOutput(xml, root)! };
    };
    const totalOf = (rows: ReturnType<typeof where>) => rows.map((x) => `${x.at} ${x.related.join(',')}`);

    it('pytest --junitxml', async function () {
      this.timeout(60_000);
      const { root, r } = await junit('py-pytest', `${pytestCommand()} --junitxml=report.xml`, 'report.xml');
      assert.deepEqual([r.passed, r.failed], [1, 2]);
      assert.deepEqual(sortByTest(where(root, r)), [
        { test: 'tests.test_calc.test_add', at: 'tests/test_calc.py:5:1', message: 'assert 4 == 5', related: [] },
        {
          test: 'tests.test_calc.test_mean_of_nothing',
          at: 'tests/test_calc.py:9:1',
          message: 'ZeroDivisionError: division by zero',
          related: ['calc.py:6:1'],
        },
      ]);
    });

    it('jest-junit', async function () {
      this.timeout(60_000);
      const { root, r } = await junit(
        'jest-test',
        `${JEST} --ci --reporters=default --reporters="${JEST_JUNIT}"`,
        'junit.xml',
        { JEST_JUNIT_OUTPUT_FILE: 'junit.xml' },
      );
      assert.deepEqual([r.passed, r.failed], [1, 2]);
      assert.deepEqual(totalOf(where(root, r)), ['test/lib.test.js:5:36 ', 'test/lib.test.js:13:12 lib.js:6:16']);
      assert.match(r.failures[0].message, /Expected: "hello-world"\nReceived: "hello_world"/);
    });

    it("vitest's junit reporter", async function () {
      this.timeout(60_000);
      const { root, r } = await junit(
        'vitest-test',
        `${VITEST} run --globals --reporter=junit --outputFile=junit.xml`,
        'junit.xml',
      );
      assert.deepEqual([r.passed, r.failed], [1, 2]);
      assert.deepEqual(totalOf(where(root, r)), ['test/lib.test.js:5:36 ', 'test/lib.test.js:13:12 lib.js:6:16']);
      assert.equal(r.failures[1].message, "TypeError: Cannot read properties of undefined (reading 'reduce')");
    });

    it("mocha's xunit reporter (entities decoded)", async function () {
      this.timeout(60_000);
      const { root, r } = await junit(
        'mocha-test',
        `${MOCHA} --no-config --reporter xunit --reporter-option output=xunit.xml "test/*.spec.js"`,
        'xunit.xml',
      );
      assert.deepEqual([r.passed, r.failed], [1, 2]);
      assert.deepEqual(totalOf(where(root, r)), ['test/lib.spec.js:6:12 ', 'test/lib.spec.js:14:18 lib.js:6:16']);
      assert.equal(r.failures[0].message, "AssertionError: expected 'hello-world', got 'hello_world'");
    });

    it('malformed XML is read as far as it goes, never thrown; a DTD defines no entities', async function () {
      this.timeout(60_000);
      assert.doesNotThrow(() => parseTestOutput('<testsuite><testcase name="x"><failure>', '/tmp', 'junit'));
      const laughs =
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><testsuites><testcase name="t"><failure message="&b;">x</failure></testcase></testsuites>';
      const r = parseTestOutput(laughs, '/tmp', 'junit')!;
      assert.deepEqual([r.passed, r.failed], [0, 1]);
      assert.ok(!r.failures.some((f) => f.message.includes('aaaa')));
      // A report cut short (the run was killed while writing it): the complete cases still count.
      const { root } = await runFixture('py-pytest', `${pytestCommand()} --junitxml=report.xml`);
      roots.push(root);
      const xml = await fs.readFile(path.join(root, 'report.xml'), 'utf8');
      const cut = xml.slice(0, xml.indexOf('<testcase', xml.indexOf('test_mean_of_nothing')));
      const partial = parseTestOutput(cut, root, 'junit')!;
      assert.deepEqual([partial.passed, partial.failed], [0, 2]);
      assert.deepEqual(
        where(root, partial).map((x) => x.at),
        ['tests/test_calc.py:5:1', 'tests/test_calc.py:9:1'],
      );
    });
  });

  it('every parser survives hostile output: one 2 MB line, invalid UTF-8, half-written blocks', () => {
    const hostile = [
      'x'.repeat(2_000_000),
      Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x0a]).toString('utf8').repeat(10_000),
      '=== FAILURES ===\n___ t ___\nE ' + 'a:'.repeat(100_000),
      '  ● suite › test\n' + '    at '.repeat(50_000),
      ' FAIL  a.test.js > b\n ❯ ' + ':1:'.repeat(50_000),
      '--- FAIL: TestX (0.00s)\npanic: x\n\t' + '/a.go:'.repeat(50_000),
      "---- t stdout ----\nthread 't' panicked at " + 'src/lib.rs:'.repeat(50_000),
      '<testsuites><testcase name="a"><failure>' + '&amp;'.repeat(50_000),
    ];
    for (const runner of RUNNER_NAMES)
      for (const text of hostile) assert.doesNotThrow(() => parseTestOutput(text, '/tmp', runner), runner);
  });

  it('unknown output parses to nothing rather than throwing', () => {
    assert.equal(parseTestOutput('hello\nworld\n', '/tmp'), undefined);
    assert.doesNotThrow(() => parseTestOutput('FAIL: x (y)\n', '/tmp', 'unittest'));
    assert.doesNotThrow(() => parseTestOutput('not ok 1 - x\n  ---\n  stack: |-\n', '/tmp', 'node'));
  });
});
