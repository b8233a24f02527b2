import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Files besides the tests that decide what a test run reports, so a candidate may not change them
 * for its own run: a `pytest.ini` with `addopts = -p plugin`, a jest reporter, `.cargo/config.toml`'s
 * runner, or a package.json whose test script prints a fake summary would be judged by itself. (Test
 * files, node --test's names included, are the protected-tests rule's: src/core/testing/protectedTests.ts.)
 */
const RUNNER_CONFIG =
  /(^|\/)(pytest\.ini|tox\.ini|setup\.cfg|pyproject\.toml|\.mocharc(\.[^/]+)?|(jest|vitest|vite|playwright|ava|babel)\.config\.[^/]+|\.babelrc(\.[^/]+)?|\.cargo\/config(\.toml)?)$/;
/** package.json keys that choose or configure the test run; the others (dependencies, type …) may change. */
const PACKAGE_JUDGE_KEYS = ['scripts', 'jest', 'mocha', 'ava', 'tap', 'c8', 'nyc', 'babel'];

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
  return RUNNER_CONFIG.test(rel) ? `${rel} decides how the tests run, and a candidate may not change it` : undefined;
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
