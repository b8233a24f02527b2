import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Files besides the tests that decide what a test run reports, so a candidate may not change them
 * for its own run (a race-local rule until the protected-tests rules cover it, see issue 17):
 * - runner configuration: a `pytest.ini` with `addopts = -p plugin`, a jest reporter, `.cargo/config.toml`'s
 *   runner, or a package.json whose test script prints a fake summary would be judged by itself;
 * - files only node --test treats as tests (`test-x.js`, `x-test.js`, `x_test.js`, `test.js`): the
 *   generic test-file rule misses them, so a candidate could pad its count with them.
 */
const RUNNER_CONFIG =
  /(^|\/)(pytest\.ini|tox\.ini|setup\.cfg|pyproject\.toml|conftest\.py|\.mocharc(\.[^/]+)?|(jest|vitest|vite|playwright|ava|babel)\.config\.[^/]+|\.babelrc(\.[^/]+)?|\.cargo\/config(\.toml)?)$/;
const NODE_TEST_NAME = /(^|\/)(test|test-[^/]*|[^/]*[-_]test)\.[cm]?[jt]sx?$/;
/** package.json keys that choose or configure the test run; the others (dependencies, type …) may change. */
const PACKAGE_JUDGE_KEYS = ['scripts', 'jest', 'mocha', 'ava', 'tap', 'c8', 'nyc', 'babel'];

export function decidesTheRun(rel: string): boolean {
  return RUNNER_CONFIG.test(rel) || NODE_TEST_NAME.test(rel);
}

/**
 * Why the candidate may not write `rel` over the file the folder had (`before`), or undefined when it
 * may: a package.json may change everything but the keys that configure the test run.
 */
export function judgeFileRefusal(rel: string, before: string, after: string): string | undefined {
  if (path.posix.basename(rel) === 'package.json') {
    const changed = PACKAGE_JUDGE_KEYS.filter((key) => !sameJson(jsonKey(before, key), jsonKey(after, key)));
    return changed.length === 0
      ? undefined
      : `${rel}: its ${changed.join(', ')} decide how the tests run, and a candidate may not change them`;
  }
  return decidesTheRun(rel) ? `${rel} decides how the tests run, and a candidate may not change it` : undefined;
}

/**
 * A new file of this kind is kept out of the candidate's copy (it lands with it if it wins): a name only
 * node --test treats as a test. New runner configuration (a package.json, a pyproject.toml) goes in: a new
 * project needs it to load at all (`"type": "module"`, pytest's `pythonpath`), and the test command was
 * chosen from the folder as it was, not from what a candidate adds.
 */
export function keptOutWhenNew(rel: string): boolean {
  return NODE_TEST_NAME.test(rel);
}

/** The text the folder held at `rel` (read from the copy, which holds the folder as it was). */
export async function readBefore(dir: string, rel: string): Promise<string | undefined> {
  return fs.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
}

function jsonKey(text: string, key: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  } catch {
    // Not JSON: treat it as changing every key, the safe reading.
    return Symbol('unreadable');
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === 'symbol' || typeof b === 'symbol') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
