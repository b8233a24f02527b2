// Installs code-server (VS Code 1.100.3's server and workbench) into a git-ignored cache, offline
// except for the npm registry. See ../shared/OFFLINE-VSCODE.md for why each step is here.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** @vscode/ripgrep's post-install downloads from GitHub unless this tarball is in the temp folder. */
function seedRipgrepCache() {
  const rg = which('rg');
  if (!rg)
    throw new Error('ripgrep is missing: run "apt-get install -y ripgrep" (code-server needs it to install offline).');
  const cache = path.join(os.tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const tarball = path.join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (fs.existsSync(tarball)) return;
  fs.mkdirSync(cache, { recursive: true });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'turbo-rg-'));
  fs.copyFileSync(rg, path.join(stage, 'rg'));
  const tar = spawnSync('tar', ['czf', tarball, '-C', stage, 'rg'], { stdio: 'inherit' });
  fs.rmSync(stage, { recursive: true, force: true });
  if (tar.status !== 0) throw new Error('could not build the ripgrep cache tarball');
}

/** Returns the path of code-server's entry script, installing it first when needed. */
export function ensureCodeServer(repoRoot) {
  const dir = path.join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
  const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const marker = path.join(dir, '.installed');
  if (fs.existsSync(marker) && fs.existsSync(entry)) return entry;

  const started = Date.now();
  console.log(
    `Installing code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) into ${path.relative(repoRoot, dir)} …`,
  );
  seedRipgrepCache();
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'turbo-code-server-cache',
        private: true,
        dependencies: { 'code-server': CODE_SERVER_VERSION },
        // npm 11 asks for install scripts to be approved; code-server builds its native modules in them.
        allowScripts: { 'code-server': true, argon2: true },
      },
      null,
      2,
    ),
  );
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' },
  });
  const vscodeModules = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
  if (npm.status !== 0 || !fs.existsSync(entry) || !fs.existsSync(vscodeModules)) {
    throw new Error(
      'installing code-server failed. It needs Debian packages libkrb5-dev and ripgrep (apt-get install -y libkrb5-dev ripgrep) and the npm registry.',
    );
  }
  fs.writeFileSync(marker, new Date().toISOString());
  console.log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return entry;
}
