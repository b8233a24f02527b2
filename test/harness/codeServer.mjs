// Installs code-server (a VS Code server and web workbench) into a git-ignored cache, offline except
// for the npm registry. See ../shared/OFFLINE-VSCODE.md for why each step is here. editors.json names
// the two editors the suites run in: the latest this machine's Node runs, and the one carrying the
// minimum VS Code that package.json's engines.vscode declares.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** @type {Record<string, { codeServer: string, vscode: string }>} */
export const EDITORS = JSON.parse(fs.readFileSync(new URL('./editors.json', import.meta.url), 'utf8'));

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * @vscode/ripgrep's post-install downloads from GitHub unless this tarball is in the temp folder,
 * under a folder named for the @vscode/ripgrep version (1.15.11 in code-server 4.100, 1.15.9 in 4.96).
 */
function seedRipgrepCache(ripgrepVersion) {
  const rg = which('rg');
  if (!rg)
    throw new Error('ripgrep is missing: run "apt-get install -y ripgrep" (code-server needs it to install offline).');
  const cache = path.join(os.tmpdir(), `vscode-ripgrep-cache-${ripgrepVersion}`);
  const tarball = path.join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (fs.existsSync(tarball)) return;
  fs.mkdirSync(cache, { recursive: true });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'turbo-rg-'));
  fs.copyFileSync(rg, path.join(stage, 'rg'));
  const tar = spawnSync('tar', ['czf', tarball, '-C', stage, 'rg'], { stdio: 'inherit' });
  fs.rmSync(stage, { recursive: true, force: true });
  if (tar.status !== 0) throw new Error('could not build the ripgrep cache tarball');
}

/** The @vscode/ripgrep version VS Code's own dependencies pin (its post-install looks for that cache). */
function pinnedRipgrepVersion(vscodeDir) {
  const shrinkwrap = JSON.parse(fs.readFileSync(path.join(vscodeDir, 'npm-shrinkwrap.json'), 'utf8'));
  const version = shrinkwrap.packages?.['node_modules/@vscode/ripgrep']?.version;
  if (!version) throw new Error(`no @vscode/ripgrep in ${vscodeDir}/npm-shrinkwrap.json`);
  return version;
}

/**
 * Some releases pin a dependency to a GitHub commit (code-server 4.96.4: @vscode/proxy-agent 0.27.0),
 * which cannot be fetched here. The registry's tarball of the same version is used instead; the
 * shrinkwrap's integrity hash is kept, so npm refuses it unless its bytes are the pinned ones.
 */
function pinGitDependenciesToRegistry(shrinkwrapFile) {
  const shrinkwrap = JSON.parse(fs.readFileSync(shrinkwrapFile, 'utf8'));
  const moved = [];
  for (const [key, entry] of Object.entries(shrinkwrap.packages ?? {})) {
    if (!entry.resolved?.startsWith('git+') || !entry.integrity) continue;
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    entry.resolved = `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    moved.push(`${name}@${entry.version}`);
  }
  if (moved.length === 0) return;
  fs.writeFileSync(shrinkwrapFile, JSON.stringify(shrinkwrap, null, 2));
  console.log(`${path.basename(path.dirname(shrinkwrapFile))}: ${moved.join(', ')} from the npm registry, not GitHub`);
}

function npm(args, cwd) {
  const env = { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' };
  return spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, stdio: 'inherit', env });
}

/**
 * Returns the path of code-server's entry script for `editor` (a key of editors.json), installing it
 * first when needed. The package is fetched without running its scripts, its git-pinned dependencies
 * are pointed at the registry, and then its scripts run (`npm rebuild`: the native modules and
 * code-server's post-install, which installs VS Code's own dependencies).
 */
export function ensureCodeServer(repoRoot, editor = 'latest') {
  const { codeServer, vscode } = EDITORS[editor];
  const dir = path.join(repoRoot, '.vscode-test', `code-server-${codeServer}`);
  const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const marker = path.join(dir, '.installed');
  if (fs.existsSync(marker) && fs.existsSync(entry)) return entry;

  const started = Date.now();
  console.log(`Installing code-server ${codeServer} (VS Code ${vscode}) into ${path.relative(repoRoot, dir)} …`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'turbo-code-server-cache',
        private: true,
        dependencies: { 'code-server': codeServer },
        // npm 11 asks for install scripts to be approved; code-server builds its native modules in them.
        allowScripts: { 'code-server': true, argon2: true },
      },
      null,
      2,
    ),
  );
  const vscodeDir = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  const fetched = npm(['install', '--ignore-scripts'], dir);
  if (fetched.status === 0) {
    seedRipgrepCache(pinnedRipgrepVersion(vscodeDir));
    for (const sub of ['.', 'extensions'])
      pinGitDependenciesToRegistry(path.join(vscodeDir, sub, 'npm-shrinkwrap.json'));
  }
  const built = fetched.status === 0 ? npm(['rebuild'], dir) : fetched;
  if (built.status !== 0 || !fs.existsSync(entry) || !fs.existsSync(path.join(vscodeDir, 'node_modules'))) {
    throw new Error(
      `installing code-server ${codeServer} failed. It needs Debian packages libkrb5-dev and ripgrep (apt-get install -y libkrb5-dev ripgrep) and the npm registry.`,
    );
  }
  const carried = JSON.parse(fs.readFileSync(path.join(vscodeDir, 'package.json'), 'utf8')).version;
  if (carried !== vscode) throw new Error(`code-server ${codeServer} carries VS Code ${carried}, not ${vscode}`);
  fs.writeFileSync(marker, new Date().toISOString());
  console.log(`code-server ${codeServer} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return entry;
}
