// Runs the same integration suites in desktop VS Code through @vscode/test-electron. Needs the
// internet to download VS Code (and a display, or xvfb-run, on Linux); `npm run test:integration`
// is the offline equivalent. Usage: node test/harness/runElectron.mjs [--version 1.96.4|stable]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const versionFlag = process.argv.indexOf('--version');
const version = versionFlag > 0 ? process.argv[versionFlag + 1] : 'stable';

const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'turbo-electron-'));
const workspace = path.join(tmp, 'workspace');
fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
fs.mkdirSync(path.join(workspace, 'contracts'), { recursive: true });
fs.copyFileSync(
  path.join(repoRoot, 'media', 'templates', 'fastapi.contract.md'),
  path.join(workspace, 'contracts', 'tasks.contract.md'),
);
const env = { ...process.env };
delete env.CEREBRAS_API_KEY;
delete env.CEREBRAS_BASE_URL;
delete env.CEREBRAS_URL;

try {
  await runTests({
    version,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--user-data-dir',
      path.join(tmp, 'user-data'),
    ],
    extensionTestsEnv: env,
  });
  console.log(`Integration suites passed in VS Code (${version}, desktop).`);
} catch (err) {
  console.error(`integration (electron): ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
