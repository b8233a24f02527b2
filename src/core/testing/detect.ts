import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export interface DetectedTestCommand {
  command: string;
  runner: 'npm' | 'pytest' | 'go' | 'cargo';
  /** What gave it away, for the confirmation the person is asked once per folder. */
  reason: string;
}

const NPM_PLACEHOLDER = /no test specified/;

const exists = (p: string) =>
  fs.access(p).then(
    () => true,
    () => false,
  );

/** The test command a folder's files point to, or undefined when nothing does. */
export async function detectTestCommand(dir: string): Promise<DetectedTestCommand | undefined> {
  const pkg = path.join(dir, 'package.json');
  if (await exists(pkg)) {
    try {
      const test = (JSON.parse(await fs.readFile(pkg, 'utf8')) as { scripts?: Record<string, string> }).scripts?.test;
      if (test && !NPM_PLACEHOLDER.test(test))
        return { command: 'npm test', runner: 'npm', reason: `package.json has a test script ("${test}")` };
    } catch {
      // An unreadable package.json says nothing.
    }
  }
  for (const file of ['pytest.ini', 'pyproject.toml', 'setup.cfg', 'tox.ini']) {
    if (await exists(path.join(dir, file)))
      return { command: 'pytest', runner: 'pytest', reason: `${file} is present` };
  }
  if (await exists(path.join(dir, 'go.mod')))
    return { command: 'go test ./...', runner: 'go', reason: 'go.mod is present' };
  if (await exists(path.join(dir, 'Cargo.toml')))
    return { command: 'cargo test', runner: 'cargo', reason: 'Cargo.toml is present' };
  const tests = await fs.readdir(path.join(dir, 'tests')).catch(() => [] as string[]);
  if (tests.some((f) => f.endsWith('.py')))
    return { command: 'pytest', runner: 'pytest', reason: 'tests/ holds Python files' };
  return undefined;
}
