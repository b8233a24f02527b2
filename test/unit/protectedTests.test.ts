import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests, type TestReport } from '../../src/core/testing/loop';
import { countVerdict, looksLikeTest, protectionFor, testsRan } from '../../src/core/testing/protectedTests';

describe('what looks like a test', () => {
  // Real layouts: pytest, Django (a product package named `test`), node --test, jest, go, cargo, Maven, RSpec.
  const tests = [
    'tests/test_calc.py',
    'calc_test.py',
    'conftest.py',
    'pkg/tests/helpers.py',
    'tests/admin_views/tests.py',
    'test/test_x.py',
    'test/helpers.py',
    'Tests/Test_Calc.py',
    'tests\\test_windows.py',
    './test/a.js',
    'test/lib.test.js',
    'test/helpers.js',
    'packages/a/test/b.ts',
    'src/lib.spec.ts',
    'src/App.test.tsx',
    'src/__tests__/x.js',
    'src/__snapshots__/App.test.tsx.snap',
    'lib-test.mjs',
    'test-utils.js',
    'main_test.go',
    'pkg/testdata/golden.json',
    'tests/integration.rs',
    'tests/common/mod.rs',
    'src/test/java/com/x/CalcTest.java',
    'src/main/java/com/x/CalcTests.java',
    'spec/calc_spec.rb',
    'spec/spec_helper.rb',
  ];
  const notTests = [
    'calc.py',
    'src/testing_utils.py',
    'django/test/client.py',
    'django/test/testcases.py',
    'lib.js',
    'src/latest.js',
    'src/contest.ts',
    'src/attest.ts',
    'src/routes/testimonials.js',
    'main.go',
    'internal/testutil/x.go',
    'src/lib.rs',
    'src/main/java/com/x/Latest.java',
    'openapi.spec.yaml',
    'docs/spec/api.md',
    'src/spec/routes.ts',
  ];
  for (const rel of tests) it(`${rel} is a test`, () => assert.equal(looksLikeTest(rel), true));
  for (const rel of notTests) it(`${rel} is not a test`, () => assert.equal(looksLikeTest(rel), false));
});

describe('protectionFor', () => {
  let root: string;
  const put = async (rel: string, text = 'x\n') => {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), text);
  };
  beforeEach(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-protect-')));
    for (const rel of ['calc.py', 'tests/test_calc.py', 'fixtures/data.json', 'src/routes/test.js']) await put(rel);
    await put('node_modules/pkg/index.test.js');
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('refuses existing tests and globbed files; a new test is allowed and marked new', async () => {
    const p = await protectionFor(root, ['fixtures/**', '!src/routes/test.js']);
    assert.match(
      p.refuse('tests/test_calc.py') ?? '',
      /^tests\/test_calc\.py is a test file: the tests are the judge, so a fix may not change them$/,
    );
    assert.ok(p.refuse('TESTS/test_calc.py'), 'case does not get round it');
    assert.ok(p.refuse('tests\\test_calc.py'), 'nor backslashes');
    assert.equal(p.refuse('calc.py'), undefined);
    assert.match(p.refuse('fixtures/data.json') ?? '', /is protected \("fixtures\/\*\*" in turbo\.protectedPaths/);
    assert.ok(p.refuse('fixtures/new.json'), 'a glob protects new files too');
    assert.equal(p.refuse('tests/test_new.py'), undefined);
    assert.equal(p.isNewTest('tests/test_new.py'), true);
    assert.equal(p.isNewTest('tests/test_calc.py'), false);
    assert.equal(p.isNewTest('calc.py'), false);
    // `!` takes back a product file that only looks like a test.
    assert.equal(p.refuse('src/routes/test.js'), undefined);
    assert.equal(p.isNewTest('src/routes/test.js'), false);
  });

  it('without the `!` glob, the look-alike is protected; a conftest.py is refused even when new', async () => {
    const p = await protectionFor(root, [], 'a candidate');
    assert.match(p.refuse('src/routes/test.js') ?? '', /so a candidate may not change them/);
    assert.match(p.refuse('conftest.py') ?? '', /conftest\.py, which changes how the tests around it run/);
    assert.match(p.refuse('tests/conftest.py') ?? '', /conftest/);
  });

  it('what it did not list (dependencies, links to folders) counts as existing', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-protect-out-'));
    try {
      await fs.writeFile(path.join(outside, 'a.test.js'), 'x\n');
      await fs.symlink(outside, path.join(root, 'shared'));
      const p = await protectionFor(root);
      assert.ok(p.refuse('node_modules/pkg/index.test.js'));
      assert.ok(p.refuse('node_modules/pkg/other.test.js'), 'not looked into: may exist');
      assert.ok(p.refuse('shared/a.test.js'));
      assert.equal(p.isNewTest('shared/a.test.js'), false);
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });

  it('a file made after the listing is still new to it (the listing is taken once)', async () => {
    const p = await protectionFor(root);
    await put('tests/test_later.py');
    assert.equal(p.isNewTest('tests/test_later.py'), true);
  });
});

describe('the test count', () => {
  const report = (r: Partial<TestReport>): TestReport => ({
    command: 'x',
    cwd: '/',
    exitCode: 0,
    timedOut: false,
    cancelled: false,
    durationMs: 1,
    runner: 'node',
    failures: [],
    passed: 3,
    failed: 0,
    green: true,
    output: '',
    ...r,
  });

  it('testsRan adds passed and failed; unknown when neither was read', () => {
    assert.equal(testsRan({ passed: 3, failed: 2 }), 5);
    assert.equal(testsRan({ passed: 3, failed: undefined }), 3);
    assert.equal(testsRan({ passed: undefined, failed: 2 }), 2);
    assert.equal(testsRan({ passed: undefined, failed: undefined }), undefined);
  });

  it('countVerdict: green needs the exit and the count', () => {
    assert.deepEqual(countVerdict(report({}), 3), { green: true });
    assert.deepEqual(countVerdict(report({ passed: 4 }), 3), { green: true });
    assert.deepEqual(countVerdict(report({ passed: 1 }), undefined), { green: true });
    assert.deepEqual(countVerdict(report({ passed: 1 }), 3), {
      green: false,
      why: 'only 1 test ran; 3 ran before the change',
    });
    assert.deepEqual(countVerdict(report({ passed: 0 }), 2), {
      green: false,
      why: 'only 0 tests ran; 2 ran before the change',
    });
    assert.match(
      countVerdict(report({ passed: undefined, runner: undefined }), 3).why ?? '',
      /could not read how many/,
    );
    assert.deepEqual(countVerdict(report({ green: false, exitCode: 1, passed: 9, failed: 1 }), 3), { green: false });
  });

  it('skipped tests do not count (pytest, real run)', async function () {
    this.timeout(60_000);
    const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-skips-')));
    try {
      await fs.writeFile(
        path.join(root, 'test_s.py'),
        'import pytest\n\n\ndef test_a():\n    assert True\n\n\n@pytest.mark.skip\ndef test_b():\n    assert True\n\n\ndef test_c():\n    pytest.skip("later")\n',
      );
      const run = await runTests({ cwd: root, command: 'python3 -m pytest -p no:cacheprovider' });
      assert.equal(run.green, true, run.output);
      assert.equal(testsRan(run), 1);
      assert.match(countVerdict(run, 3).why ?? '', /^only 1 test ran; 3 ran before the change$/);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
