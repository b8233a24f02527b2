/**
 * The failing sample projects in test/fixtures/projects and the real commands that test them. The
 * parser tests and the benchmark both run these, so every parser is fed real output.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTestCommand } from '../../src/core/testing/runner';

export const PROJECTS = path.resolve(__dirname, '../fixtures/projects');
const modules = path.resolve(__dirname, '../../node_modules');
export const NODE = `"${process.execPath}"`;
export const TSC = `${NODE} "${path.join(modules, 'typescript/bin/tsc')}"`;
export const MOCHA = `${NODE} "${path.join(modules, 'mocha/bin/mocha.js')}"`;
export const JEST = `${NODE} "${path.join(modules, 'jest/bin/jest.js')}"`;
export const JEST_JUNIT = path.join(modules, 'jest-junit');
export const VITEST = `${NODE} "${path.join(modules, 'vitest/vitest.mjs')}"`;
export const GO_ENV = { GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };

/** The Python that has pytest: the one on PATH, or Debian's (`python3-pytest`), which .ci/run installs. */
export function pytestCommand(): string {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import pytest']).status === 0) return `${python} -m pytest -p no:cacheprovider`;
  }
  throw new Error("pytest is not installed: .ci/run installs Debian's python3-pytest");
}

/** Copies a failing sample project to a temporary folder (or reuses `root`) and runs its real test tool there. */
export async function runSample(
  name: string,
  command: string,
  env?: Record<string, string>,
  root?: string,
): Promise<{ root: string; output: string; exitCode: number | null }> {
  if (!root) {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), `turbo-${name}-`)));
    await fs.cp(path.join(PROJECTS, name), root, { recursive: true });
  }
  const run = await runTestCommand({ cwd: root, command, timeoutMs: 180_000, env });
  return { root, output: run.output, exitCode: run.exitCode };
}

/** One real run per runner, for the benchmark: the sample, its command, and the runner name. */
export function sampleRuns(): {
  runner: string;
  sample: string;
  command: string;
  env?: Record<string, string>;
  report?: string;
}[] {
  return [
    { runner: 'pytest', sample: 'py-pytest', command: pytestCommand() },
    { runner: 'unittest', sample: 'py-unittest', command: 'python3 -m unittest' },
    { runner: 'jest', sample: 'jest-test', command: `${JEST} --ci` },
    { runner: 'vitest', sample: 'vitest-test', command: `${VITEST} run --globals` },
    { runner: 'mocha', sample: 'mocha-test', command: `${MOCHA} --no-config "test/*.spec.js"` },
    { runner: 'node', sample: 'node-test', command: `${NODE} --test` },
    { runner: 'go', sample: 'go-test', command: 'go test ./...', env: GO_ENV },
    { runner: 'cargo', sample: 'cargo-test', command: 'cargo test --offline', env: { RUST_BACKTRACE: '0' } },
    { runner: 'tsc', sample: 'ts-errors', command: `${TSC} -p . --pretty false` },
    { runner: 'junit', sample: 'py-pytest', command: `${pytestCommand()} --junitxml=report.xml`, report: 'report.xml' },
  ];
}
