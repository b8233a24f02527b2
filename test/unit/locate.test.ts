import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { forgetLocated, locate } from '../../src/core/testing/parsers/locate';

describe('locate: a path a runner printed, as a file of the project', () => {
  let root: string;
  before(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-locate-')));
    for (const file of [
      'src/app.ts',
      'src/util/x.js',
      'util/x.js',
      'test/app.test.ts',
      'node_modules/jest/x.js',
      'case.py',
      'main_test.go',
    ]) {
      await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await fs.writeFile(path.join(root, file), '\n');
    }
  });
  after(() => fs.rm(root, { recursive: true, force: true }));
  beforeEach(() => forgetLocated());

  const cases: [string, (root: string) => string, string | undefined][] = [
    ['a relative path', () => 'src/app.ts', 'src/app.ts'],
    ['a relative path with ./', () => './src/app.ts', 'src/app.ts'],
    ['an absolute path inside the folder', (r) => path.join(r, 'src/app.ts'), 'src/app.ts'],
    ['a file:// URL (ES modules)', (r) => `file://${path.join(r, 'src/util/x.js')}`, 'src/util/x.js'],
    ['a file:// URL with an escaped character', () => 'file:///home/me/my%20app/src/app.ts', 'src/app.ts'],
    ["a CI runner's absolute path", () => '/home/runner/work/app/app/src/util/x.js', 'src/util/x.js'],
    ['a Windows path', () => 'C:\\Users\\me\\app\\src\\util\\x.js', 'src/util/x.js'],
    ['a Windows file:// URL', () => 'file:///C:/Users/me/app/test/app.test.ts', 'test/app.test.ts'],
    ['a monorepo path relative to the repository root', () => 'packages/web/src/app.ts', 'src/app.ts'],
    ['the longest suffix wins', () => '/ci/src/util/x.js', 'src/util/x.js'],
    ['a file that is not there', () => 'src/missing.ts', undefined],
    ['an installed package', () => 'node_modules/jest/x.js', undefined],
    ['an installed package on another machine', () => '/home/runner/work/app/app/node_modules/jest/x.js', undefined],
    ["Node's own modules", () => 'node:internal/process/task_queues', undefined],
    [
      "Python's standard library, even where the folder has a file of that name",
      () => '/usr/lib/python3.11/case.py',
      undefined,
    ],
    [
      "Go's standard library, even where the folder has a file of that name",
      () => '/usr/local/go/src/main_test.go',
      undefined,
    ],
    [
      "Rust's standard library",
      () => '/rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/core/src/panicking.rs',
      undefined,
    ],
    ['a folder', () => 'src', undefined],
  ];
  for (const [what, printed, want] of cases) {
    it(what, () => {
      const found = locate(root, printed(root));
      assert.equal(found && path.relative(root, found), want && path.normalize(want));
    });
  }

  it('a file written after a parse is found by the next one', async () => {
    assert.equal(locate(root, 'src/later.ts'), undefined);
    await fs.writeFile(path.join(root, 'src/later.ts'), '\n');
    forgetLocated(root);
    assert.equal(locate(root, 'src/later.ts'), path.join(root, 'src/later.ts'));
  });
});
