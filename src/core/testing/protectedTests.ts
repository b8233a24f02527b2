import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { globMatcher } from '../generation/denyGlobs';
import type { TestReport } from './loop';

/**
 * The tests are the judge: a fix or a race candidate may not rewrite the files that decide whether
 * it passes, and a run only counts as green when as many tests ran as before the change.
 *
 * What looks like a test, per runner, from each runner's own discovery rules:
 * - pytest collects `test_*.py` and `*_test.py` at any depth and loads every `conftest.py` on the
 *   way (docs.pytest.org, "Conventions for Python test discovery"; "Python Testing with pytest",
 *   Okken, "Changing Test Discovery Rules").
 * - Jest runs `**\/__tests__/**` and `*.test.*` / `*.spec.*` files with `?([mc])[jt]s?(x)`
 *   extensions (jestjs.io `testMatch`; jest e2e/__tests__/testMatchDefault.test.ts) and keeps
 *   snapshots in `__snapshots__/`; Vitest and Rstest take `**\/*.{test,spec}.?(c|m)[jt]s?(x)`.
 * - `node --test` runs every JS file under a folder named `test`, and `test.js`, `test-*.js`,
 *   `*.test.js`, `*-test.js`, `*_test.js` elsewhere (nodejs.org/api/test.html, "Test runner
 *   execution model"); mocha's default is `./test/*.{js,cjs,mjs}`.
 * - go test builds `*_test.go`; fixtures live in `testdata/`, which the go tool ignores (cmd/go
 *   docs; golang/go#60296; Dave Cheney, "Test fixtures in Go").
 * - cargo builds each file in `tests/` beside `src/` as an integration test crate, and
 *   `tests/common/` holds their shared code (Rust by Example, "Integration testing").
 * - Maven/Gradle keep tests under `src/test/` and Surefire runs `*Test.java`, `*Tests.java`,
 *   `*TestCase.java`, `Test*.java`; RSpec runs `spec/**\/*_spec.rb`.
 *
 * One exception, for Python: a nested folder named `test` is often a package of the product, not
 * tests (Django ships its test client and TestCase classes in `django/test/`), so below the top
 * level it counts only through the file names above; a top-level `test/` is the project's tests.
 * Rust unit tests live inside `src/*.rs` beside the code and cannot be told apart by path.
 */

const CODE = String.raw`[cm]?[jt]sx?`;
const TEST_FILE_NAMES: readonly RegExp[] = [
  /^test_.+\.py$/, // pytest, unittest
  /^.+_test\.py$/, // pytest
  /^conftest\.py$/, // pytest: hooks and fixtures for every test below it
  new RegExp(String.raw`^.+\.(test|spec)\.${CODE}$`), // jest, vitest, mocha, Angular, node --test
  // node --test; TypeScript too, which Node 22.6+ runs with type stripping
  /^.+[-_]test\.[cm]?[jt]sx?$/, // node --test
  /^test(-.+)?\.[cm]?[jt]sx?$/, // node --test
  /^.+_test\.go$/, // go test
  /^.+\.snap$/, // jest snapshots
  /^.+_(spec|test)\.rb$/, // RSpec, minitest
  /^.+_test\.(dart|exs)$/, // dart test, ExUnit
];
/** Case matters here: `Latest.java` is not a test, `LatestTest.java` is. */
const JVM_TEST_NAMES = /(^Test.+|.+(Test|Tests|TestCase))\.(java|kt)$/;
/** Folders whose every file belongs to the tests, at any depth. */
const TEST_FOLDERS = new Set(['tests', '__tests__', '__snapshots__', 'testdata']);

/** A path (relative, '/'-separated) that looks like a test for some runner (see above). */
export function looksLikeTest(rel: string): boolean {
  const parts = clean(rel).split('/');
  const name = parts[parts.length - 1];
  const lower = name.toLowerCase();
  if (TEST_FILE_NAMES.some((re) => re.test(lower)) || JVM_TEST_NAMES.test(name)) return true;
  const folders = parts.slice(0, -1).map((p) => p.toLowerCase());
  if (folders.some((f) => TEST_FOLDERS.has(f))) return true;
  if (folders[0] === 'spec' && lower.endsWith('.rb')) return true;
  const test = folders.indexOf('test');
  if (test < 0) return false;
  // A Python package named `test` inside the project (django/test/) is product code.
  return test === 0 || !lower.endsWith('.py');
}

/** Forward slashes, no `./` in front: paths arrive as the model or a setting wrote them. */
function clean(rel: string): string {
  return rel.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

export interface Protection {
  /**
   * Why `rel` may not be written (a sentence naming the rule), or undefined when it may. Existing
   * test-looking files and any file matching the globs are protected; so is every `conftest.py`,
   * new or not, because pytest loads it into the tests around it (it can rewrite their results).
   */
  refuse(rel: string): string | undefined;
  /** A test-looking file that did not exist before (a candidate may add it; it is kept out of the score). */
  isNewTest(rel: string): boolean;
}

/** Folders not listed: dependencies, environments, build output and caches (tests there are not the project's). */
const SKIPPED = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  'target',
  'dist',
  'build',
  'out',
  'vendor',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
  '.next',
  '.gradle',
  'coverage',
]);
/** At most this many entries are listed; beyond it every test-looking path counts as existing. */
export const MAX_LISTED = 50_000;

interface Listing {
  /** Lower-cased: on a case-insensitive disk `Tests/A.py` is `tests/a.py`. */
  files: Set<string>;
  /** Folders not looked into (skipped, links, unreadable), lower-cased with a trailing `/`. */
  unknown: string[];
  truncated: boolean;
}

/**
 * Lists the folder's existing files once (bounded) and answers from that. `globs` are
 * `turbo.protectedPaths` (relative to root), read like `turbo.denyPatterns`; a `!glob` there
 * re-allows a path that only looks like a test (a product file named `test.js`). `writer` names
 * who is refused in the sentences ("a fix", "a candidate").
 */
export async function protectionFor(
  root: string,
  globs: readonly string[] = [],
  writer = 'a fix',
): Promise<Protection> {
  const listing = await listFiles(root);
  const protect = globMatcher(globs.filter((g) => !g.trim().startsWith('!')));
  const allow = globMatcher(globs.filter((g) => g.trim().startsWith('!')).map((g) => g.trim().slice(1)));
  const existed = (rel: string) => {
    const key = rel.toLowerCase();
    return listing.truncated || listing.files.has(key) || listing.unknown.some((dir) => key.startsWith(dir));
  };
  const isTest = (rel: string) => looksLikeTest(rel) && allow.match(rel) === undefined;
  return {
    refuse(raw) {
      const rel = clean(raw);
      const glob = protect.match(rel);
      if (glob !== undefined)
        return `${rel} is protected (${JSON.stringify(glob)} in turbo.protectedPaths or --protect): the tests are the judge, so ${writer} may not change it`;
      if (!isTest(rel)) return undefined;
      if (path.posix.basename(rel).toLowerCase() === 'conftest.py')
        return `${rel} is a pytest conftest.py, which changes how the tests around it run: the tests are the judge, so ${writer} may not write it`;
      return existed(rel)
        ? `${rel} is a test file: the tests are the judge, so ${writer} may not change them`
        : undefined;
    },
    isNewTest(raw) {
      const rel = clean(raw);
      return isTest(rel) && !existed(rel);
    },
  };
}

async function listFiles(root: string): Promise<Listing> {
  const listing: Listing = { files: new Set(), unknown: [], truncated: false };
  let count = 0;
  const queue: string[] = [''];
  while (queue.length) {
    const dir = queue.shift()!;
    const entries = await fs.readdir(path.join(root, dir), { withFileTypes: true }).catch(() => undefined);
    if (!entries) {
      if (dir) listing.unknown.push(`${dir.toLowerCase()}/`);
      continue;
    }
    for (const entry of entries) {
      if (++count > MAX_LISTED) {
        listing.truncated = true;
        return listing;
      }
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory() && !SKIPPED.has(entry.name)) queue.push(rel);
      // A skipped folder, or a link that may lead to one: what it holds is not known.
      else if (entry.isDirectory() || (entry.isSymbolicLink() && (await isFolder(path.join(root, rel)))))
        listing.unknown.push(`${rel.toLowerCase()}/`);
      else listing.files.add(rel.toLowerCase());
    }
  }
  return listing;
}

const isFolder = (abs: string) =>
  fs.stat(abs).then(
    (s) => s.isDirectory(),
    () => false,
  );

/** Tests that ran: passed + failed when the runner's counts were read; undefined otherwise. Skipped tests do not count. */
export function testsRan(report: { passed: number | undefined; failed: number | undefined }): number | undefined {
  // Every parser counts skipped (pending, ignored) tests apart from `passed`.
  if (report.passed === undefined && report.failed === undefined) return undefined;
  return (report.passed ?? 0) + (report.failed ?? 0);
}

/**
 * Green only when the run is green AND at least `baselineRan` tests ran (when a baseline is known);
 * `why` says what fell short. A green exit whose count cannot be read while a baseline is known is
 * not green either: a command changed to one that runs nothing must not pass.
 */
export function countVerdict(report: TestReport, baselineRan: number | undefined): { green: boolean; why?: string } {
  if (!report.green) return { green: false };
  if (baselineRan === undefined || baselineRan <= 0) return { green: true };
  // A green run's `failed` is 0 whatever the output said: without `passed`, nothing was counted.
  const ran = report.passed === undefined ? undefined : testsRan(report);
  const before = `${baselineRan} ran before the change`;
  if (ran === undefined)
    return { green: false, why: `the test command passed but Turbo could not read how many tests ran; ${before}` };
  if (ran < baselineRan) return { green: false, why: `only ${ran} test${ran === 1 ? '' : 's'} ran; ${before}` };
  return { green: true };
}
