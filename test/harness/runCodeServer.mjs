// Runs the integration suites inside a real VS Code (code-server), driven by headless Chromium through
// playwright-core, with no network. Usage:
//   node test/harness/runCodeServer.mjs [--editor=latest|minimum] [--only=screenshots|bench|untrusted]
// --editor picks a VS Code from editors.json: `latest` (the default, 1.100.3) or `minimum`, the one
// package.json's engines.vscode declares (1.96.4); TURBO_IT_EDITOR=minimum does the same.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { EDITORS, ensureCodeServer } from './codeServer.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SUITE_TIMEOUT_MS = Number(process.env.TURBO_IT_TIMEOUT_MS ?? 10 * 60_000);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The VS Code version of the editor main() picked, for the suites and the messages. */
let vscodeVersion;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer at ${url}`);
}

function copyDir(from, to) {
  fs.cpSync(from, to, { recursive: true });
}

/** Written whole, then renamed: the suite polls for the file and must never read half of it. */
function answer(bridgeDir, id, json) {
  const file = path.join(bridgeDir, `${id}.json`);
  fs.writeFileSync(`${file}.part`, json);
  fs.renameSync(`${file}.part`, file);
}

/**
 * A picture of the workbench for the README (`npm run screenshots`), taken only when
 * TURBO_SCREENSHOTS_DIR names a folder: otherwise nothing is taken or written and the answer is
 * found:false at once. `text` must first be on screen inside an element matching `within` (default:
 * the window), so a picture never shows the wrong moment. `scope` crops the picture to the first
 * element it matches (plus `pad` pixels), `clip` to a rectangle. A name ending in .jpg is a JPEG.
 * `evidence`: a picture that is part of a test's output, taken in every run, into
 * .vscode-test/evidence/ unless TURBO_SCREENSHOTS_DIR names a folder.
 */
async function takeScreenshot(page, { name, text, within, scope, clip, pad = 0, evidence = false }) {
  const dir =
    process.env.TURBO_SCREENSHOTS_DIR ?? (evidence ? path.join(repoRoot, '.vscode-test', 'evidence') : undefined);
  if (!dir) return { found: false };
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9-]*\.(png|jpg)$/.test(name))
    return { found: false, error: `not a picture name: ${name}` };
  if (!(await boxOf(page, within, text))) {
    if (process.env.TURBO_IT_DEBUG)
      await page.screenshot({ path: path.join(repoRoot, '.vscode-test', `picture-miss-${name}`) });
    return { found: false, error: `"${text}" was not on screen in ${within ?? 'the window'}` };
  }
  const box = scope ? await boxOf(page, scope) : undefined;
  if (scope && !box) return { found: false, error: `nothing on screen matches ${scope}` };
  const view = page.viewportSize();
  const area =
    clip ?? (box && { x: box.x - pad, y: box.y - pad, width: box.width + 2 * pad, height: box.height + 2 * pad });
  const x = Math.max(0, area?.x ?? 0);
  const y = Math.max(0, area?.y ?? 0);
  const bounded = area && {
    x,
    y,
    width: Math.min(area.width - (x - area.x), view.width - x),
    height: Math.min(area.height - (y - area.y), view.height - y),
  };
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const type = name.endsWith('.jpg') ? { type: 'jpeg', quality: 85 } : {};
  await page.screenshot({ path: file, ...(bounded ? { clip: bounded } : {}), ...type, animations: 'disabled' });
  return { found: true, bytes: fs.statSync(file).size, path: path.relative(repoRoot, file) };
}

/** The box of the first element matching `selector` (the window without one) that shows `text`; null when none does within 10 s. */
async function boxOf(page, selector, text) {
  for (const until = Date.now() + 10_000; Date.now() < until;) {
    const box = await page.evaluate(
      ({ selector, text }) => {
        const nodes = selector ? [...document.querySelectorAll(selector)] : [document.body];
        for (const n of nodes) {
          if (text !== undefined && !(n.textContent ?? '').includes(text)) continue;
          const r = n.getBoundingClientRect();
          if (r.width > 0 && r.height > 0) return { x: r.x, y: r.y, width: r.width, height: r.height };
        }
        return null;
      },
      { selector, text },
    );
    if (box) return box;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

/** Answers the suites' questions about what is on screen, and clicks for them (see helpers.ts). */
async function answerUiQuery(page, bridgeDir, query) {
  if (query.kind === 'screenshot') {
    const result = await takeScreenshot(page, query);
    if (result.error || result.found)
      console.log(
        `picture ${query.name}: ${result.error ?? `${Math.round(result.bytes / 1024)} KB${result.path ? ` (${result.path})` : ''}`}`,
      );
    answer(bridgeDir, query.id, JSON.stringify(result));
    return;
  }
  if (query.kind === 'keys') {
    // Typed into whatever has focus, as a person types (an input box, say), then Enter if asked.
    await page.keyboard.type(query.text);
    if (query.enter) await page.keyboard.press('Enter');
    answer(bridgeDir, query.id, JSON.stringify({ found: true }));
    return;
  }
  if (query.kind === 'click') {
    // One synchronous look-and-click: a progress toast re-renders as its message changes, so a
    // pointer sequence can start on one button element and end on its replacement.
    let found = false;
    let offered = [];
    for (const until = Date.now() + 10_000; !found && Date.now() < until;) {
      ({ found, offered } = await page.evaluate(({ text, button, scope, target }) => {
        const containers = document.querySelectorAll(
          scope ?? '.notifications-center .notification-list-item, .notification-toast',
        );
        const container = [...containers].find((t) => (t.textContent ?? '').includes(text));
        const candidates = container ? [...container.querySelectorAll(target ?? '.monaco-button')] : [];
        const el =
          button === undefined ? candidates[0] : candidates.find((b) => (b.textContent ?? '').trim() === button);
        if (el) el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
        return { found: Boolean(el), offered: container ? candidates.map((b) => (b.textContent ?? '').trim()) : null };
      }, query));
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    // What was there instead, so a miss can be told from a notification that never came.
    if (!found)
      console.log(`UI click missed: "${query.text}" → ${query.button}; its buttons: ${JSON.stringify(offered)}`);
    if (!found && process.env.TURBO_IT_DEBUG)
      await page.screenshot({ path: path.join(repoRoot, '.vscode-test', `click-miss-${query.id}.png`) });
    answer(bridgeDir, query.id, JSON.stringify({ found }));
    return;
  }
  let found = false;
  // As long as the suite waits for the answer (a check that something is NOT shown ends sooner).
  const until = Date.now() + (query.waitMs ?? 10_000);
  while (!found && Date.now() < until) {
    found = await page.evaluate(({ text, scope, visible }) => {
      const nodes = document.querySelectorAll(
        scope ?? '.notifications-center .notification-list-item, .notification-toast',
      );
      // `visible`: only what is on screen now; a hidden quick pick keeps the text of its last use.
      const shown = (n) => !visible || (n.getBoundingClientRect().width > 0 && n.getBoundingClientRect().height > 0);
      return [...nodes].some((n) => shown(n) && (n.textContent ?? '').includes(text));
    }, query);
    if (!found) await new Promise((r) => setTimeout(r, 150));
  }
  if (!found && process.env.TURBO_IT_DEBUG) {
    const texts = await page.evaluate(() =>
      [...document.querySelectorAll('.notification-toast, .notifications-toasts, .notification-list-item')].map(
        (n) => n.className + ': ' + n.textContent,
      ),
    );
    console.log('UI query missed', JSON.stringify(query), JSON.stringify(texts));
    await page.screenshot({ path: path.join(repoRoot, '.vscode-test', `ui-miss-${query.id}.png`) });
  }
  answer(bridgeDir, query.id, JSON.stringify({ found }));
}

async function main() {
  // `--only=NAME` is TURBO_IT_ONLY=NAME, for npm scripts on any shell (`npm run screenshots`).
  const only = process.argv.slice(2).find((a) => a.startsWith('--only='));
  if (only) process.env.TURBO_IT_ONLY = only.slice('--only='.length);
  const editor = process.argv.slice(2).find((a) => a.startsWith('--editor='));
  if (editor) process.env.TURBO_IT_EDITOR = editor.slice('--editor='.length);
  const editorName = process.env.TURBO_IT_EDITOR || 'latest';
  if (!Object.hasOwn(EDITORS, editorName))
    throw new Error(`no editor "${editorName}" in editors.json (${Object.keys(EDITORS).join(', ')})`);
  vscodeVersion = EDITORS[editorName].vscode;
  if (!fs.existsSync(chromiumPath))
    throw new Error(`Chromium not found at ${chromiumPath}: run "apt-get install -y chromium" or set CHROMIUM_PATH.`);
  const entry = ensureCodeServer(repoRoot, editorName);
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');
  // TURBO_IT_PRODUCTION=1: the suites run against the minified bundles that ship (the benchmark's case).
  if (
    process.env.TURBO_IT_PRODUCTION &&
    spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: repoRoot, stdio: 'inherit' }).status !== 0
  )
    throw new Error('the build failed');
  // TURBO_IT_ONLY=screenshots: the README's pictures (`npm run screenshots`), nothing else.
  if (process.env.TURBO_IT_ONLY === 'screenshots') {
    process.env.TURBO_SCREENSHOTS_DIR ??= path.join(repoRoot, 'docs', 'images');
    // The pictures show what a person's window shows: no forwarded ports of the stand-in, no caches.
    const tidy = {
      'remote.autoForwardPorts': false,
      'files.exclude': { '**/.vscode': true, '**/.pytest_cache': true, '**/.benchmarks': true, '**/__pycache__': true },
    };
    return runSuites(entry, { suite: 'screenshots.js', trusted: true, title: 'the screenshot suite', settings: tidy });
  }
  // TURBO_IT_ONLY=bench: the editor figures for `npm run bench`, nothing else.
  if (process.env.TURBO_IT_ONLY === 'bench')
    return runSuites(entry, { suite: 'bench.js', trusted: true, title: 'the editor benchmark' });
  // TURBO_IT_ONLY=untrusted runs only the Restricted Mode suite (while working on it).
  const code =
    process.env.TURBO_IT_ONLY === 'untrusted'
      ? 0
      : await runSuites(entry, { suite: 'index.js', trusted: true, title: 'the integration suites' });
  if (code !== 0) return code;
  // A second editor with workspace trust on and the folder not trusted (Restricted Mode).
  return runSuites(entry, { suite: 'untrusted.js', trusted: false, title: 'the Restricted Mode suite' });
}

async function runSuites(entry, { suite, trusted, title, settings = {} }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'turbo-it-'));
  const workspace = path.join(tmp, 'workspace');
  const userData = path.join(tmp, 'user-data');
  const extensions = path.join(tmp, 'extensions');
  const bridge = path.join(tmp, 'ui-bridge');
  copyDir(path.join(repoRoot, 'test', 'fixtures', 'workspace'), workspace);
  fs.mkdirSync(path.join(workspace, 'contracts'), { recursive: true });
  fs.copyFileSync(
    path.join(repoRoot, 'media', 'templates', 'fastapi.contract.md'),
    path.join(workspace, 'contracts', 'tasks.contract.md'),
  );
  for (const d of [path.join(userData, 'User'), extensions, bridge]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'workbench.tips.enabled': false,
      'chat.disableAIFeatures': true,
      ...(trusted
        ? {}
        : {
            'security.workspace.trust.enabled': true,
            'security.workspace.trust.startupPrompt': 'never',
            'security.workspace.trust.emptyWindow': false,
          }),
      ...settings,
    }),
  );

  const port = await freePort();
  const env = { ...process.env, TURBO_UI_BRIDGE: bridge, TURBO_EXPECT_VSCODE: vscodeVersion };
  // The suites decide which key and service Turbo sees; nothing leaks in from the caller's shell.
  delete env.CEREBRAS_API_KEY;
  delete env.CEREBRAS_BASE_URL;
  delete env.CEREBRAS_URL;
  const server = spawn(
    process.execPath,
    [
      entry,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(trusted ? ['--disable-workspace-trust'] : []),
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      workspace,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let serverLog = '';
  server.stdout.on('data', (d) => (serverLog += d));
  server.stderr.on('data', (d) => (serverLog += d));

  const started = Date.now();
  let browser;
  let code = 1;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let resolveExit;
    const exited = new Promise((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const text = util.format(...(Array.isArray(args) ? args : [args]));
      const query = /TURBO_UI_QUERY (\{.*\})/.exec(text);
      if (query) {
        void answerUiQuery(page, bridge, JSON.parse(query[1]));
        return;
      }
      // The workbench's failed look-up of the extension gallery (no network here) is noise.
      if (/ENOTFOUND open-vsx\.org/.test(text)) return;
      process.stdout.write(`${text}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (c) => resolveExit(c));
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(repoRoot)],
      ['extensionTestsPath', remote(path.join(repoRoot, 'out', 'test', 'integration', suite))],
    ];
    console.log(`Running ${title} in VS Code ${vscodeVersion} (code-server, headless Chromium) …`);
    await page.goto(
      `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
    );
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), SUITE_TIMEOUT_MS));
    const result = await Promise.race([exited, timeout]);
    if (result === 'timeout') {
      const shot = path.join(repoRoot, '.vscode-test', 'integration-timeout.png');
      await page.screenshot({ path: shot }).catch(() => undefined);
      console.error(`The suites did not finish within ${SUITE_TIMEOUT_MS / 1000} s; screenshot: ${shot}`);
    } else {
      code = Number(result);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    if (code !== 0 && serverLog) console.error(`--- code-server log ---\n${serverLog.slice(-4000)}`);
    if (process.env.TURBO_IT_KEEP) console.log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(
    `${title[0].toUpperCase()}${title.slice(1)} ${code === 0 ? 'passed' : 'FAILED'} in VS Code ${vscodeVersion} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`integration: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
