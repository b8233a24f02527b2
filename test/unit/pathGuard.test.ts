import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { ASYNC_IO, SYNC_IO } from '../../src/core/fsIo';
import { checkRealLocation, checkRelativePath } from '../../src/core/generation/pathGuard';

describe('checkRelativePath', () => {
  const refused: [string, RegExp][] = [
    ['/etc/passwd', /absolute/],
    ['C:/Windows/x', /drive/],
    ['c:evil', /drive/],
    ['\\\\server\\share\\x', /UNC/],
    ['//server/share', /UNC/],
    ['../x', /\.\./],
    ['a/../../x', /\.\./],
    ['a\\..\\..\\x', /\.\./],
    ['a\u0000b', /control/],
    ['a\nb', /control/],
    ['.git/config', /\.git/],
    ['sub/.git/hooks/pre-commit', /\.git/],
    ['.vscode/settings.json', /deny/],
    ['node_modules/x/index.js', /deny/],
    ['', /empty/],
    ['./', /empty/],
  ];
  for (const [p, reason] of refused) {
    it(`refuses ${JSON.stringify(p)}`, () => {
      const verdict = checkRelativePath(p);
      assert.equal(verdict.ok, false);
      if (!verdict.ok) assert.match(verdict.reason, reason);
    });
  }

  it('accepts ordinary relative paths and cleans them', () => {
    assert.deepEqual(checkRelativePath('app/main.py'), { ok: true, path: 'app/main.py' });
    assert.deepEqual(checkRelativePath('./a/./b.txt'), { ok: true, path: 'a/b.txt' });
    assert.deepEqual(checkRelativePath('.gitignore'), { ok: true, path: '.gitignore' });
    assert.deepEqual(checkRelativePath('docs/..notes.md'), { ok: true, path: 'docs/..notes.md' });
  });

  it('applies a custom deny list on top of the defaults', () => {
    assert.equal(checkRelativePath('secrets/key.txt', ['secrets/**']).ok, false);
    assert.equal(checkRelativePath('.vscode/settings.json', []).ok, false);
    assert.equal(checkRelativePath('.vscode/settings.json', ['!.vscode/settings.json']).ok, true);
  });

  it('reads globs as picomatch does: braces, brackets, ranges', () => {
    const refused = (p: string, glob: string) => !checkRelativePath(p, [glob]).ok;
    assert.ok(refused('certs/a.crt', '**/*.{crt,csr}'));
    assert.ok(refused('a.csr', '**/*.{crt,csr}'));
    assert.ok(!refused('a.crtx', '**/*.{crt,csr}'));
    assert.ok(refused('a.txt', '[ab].txt'));
    assert.ok(refused('sub/b.txt', '[ab].txt'));
    assert.ok(!refused('c.txt', '[ab].txt'));
    assert.ok(refused('c.txt', '[!ab].txt'));
    assert.ok(!refused('a.txt', '[!ab].txt'));
    assert.ok(refused('log2.txt', 'log{1..3}.txt'));
    assert.ok(!refused('log4.txt', 'log{1..3}.txt'));
    assert.ok(refused('a*b.txt', 'a[*]b.txt'));
    assert.ok(!refused('axb.txt', 'a[*]b.txt'));
  });

  // The guard joins picomatch's expressions into one per list; it must still say what picomatch says
  // when asked at every depth (or, for a pattern starting with `/`, of the whole path).
  it('agrees with picomatch applied after each "/" of the path', () => {
    const globs = [
      'secrets/**',
      '*.log',
      'a/**/b',
      '**/x/*.txt',
      '{**/q,r}',
      '[ab].txt',
      '[!c]x',
      'log{1..3}',
      'dist/',
    ];
    const names = ['a', 'b', 'x', 'q', 'r', 'secrets', 'dist', 'a.log', 'b.txt', 'cx', 'dx', 'log2', 'log4'];
    const paths = names.flatMap((n1) => [n1, ...names.flatMap((n2) => [`${n1}/${n2}`, `${n2}/${n1}/x.txt`])]);
    const options = { dot: true, nocase: true, posix: true, windows: false };
    for (const glob of [...globs, ...globs.map((g) => `/${g}`)]) {
      const anchored = glob.startsWith('/');
      const body = glob.replace(/^\//, '').replace(/\/$/, '/**');
      const isMatch = picomatch(body, options);
      const deny = [glob];
      for (const p of paths.filter((q) => checkRelativePath(q).ok)) {
        const suffixes = anchored ? [p] : p.split('/').map((_, k, parts) => parts.slice(k).join('/'));
        assert.equal(
          !checkRelativePath(p, deny).ok,
          suffixes.some((s) => isMatch(s)),
          `${glob} on ${p}`,
        );
      }
    }
  });
});

describe('checkRealLocation', () => {
  let root: string;
  let outside: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-guard-'));
    outside = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-outside-'));
    await fs.mkdir(path.join(root, 'inside'));
    await fs.symlink(outside, path.join(root, 'escape'));
    await fs.symlink(path.join(root, 'inside'), path.join(root, 'alias'));
  });
  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
    await fs.rm(outside, { recursive: true, force: true });
  });

  // The file-system sink checks small files with synchronous calls and large ones through the
  // thread pool: both must give the same verdicts.
  for (const [name, io] of [
    ['thread pool', ASYNC_IO],
    ['synchronous', SYNC_IO],
  ] as const) {
    it(`refuses a path that leaves the folder through a symlink (${name} calls)`, async () => {
      assert.deepEqual(await checkRealLocation(root, 'escape/new/file.txt', io), {
        ok: false,
        reason: 'leaves the output folder through a symbolic link',
      });
      assert.equal((await checkRealLocation(root, 'escape', io)).ok, false);
    });

    it(`accepts new paths and symlinks that stay inside (${name} calls)`, async () => {
      assert.equal((await checkRealLocation(root, 'new/dir/file.txt', io)).ok, true);
      assert.equal((await checkRealLocation(root, 'alias/file.txt', io)).ok, true);
    });
  }
});
