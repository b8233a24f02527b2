import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CerebrasStandIn } from '../standin/server';

export const EXTENSION_ID = 'turbo-dev.turbo';
let standin: CerebrasStandIn | undefined;

/** One stand-in per extension-host run, started in this process: the suite and the extension share it. */
export async function theStandIn(): Promise<CerebrasStandIn> {
  if (!standin) {
    standin = new CerebrasStandIn();
    await standin.start();
  }
  return standin;
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration suites need a workspace folder');
  return folder.uri;
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('turbo').update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** Points Turbo at the stand-in with a valid key and a fresh output folder; returns that folder. */
export async function useStandIn(outputDirectory: string): Promise<{ standin: CerebrasStandIn; out: vscode.Uri }> {
  const s = await theStandIn();
  // An answer a failed test left queued must not answer the next test's request.
  s.clearQueue();
  await setSetting('baseUrl', s.url);
  await setSetting('outputDirectory', outputDirectory);
  await setSetting('overwrite', 'never');
  await vscode.commands.executeCommand('turbo.setApiKey', s.apiKey);
  return { standin: s, out: vscode.Uri.joinPath(workspaceRoot(), outputDirectory) };
}

export async function openContract(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(
    vscode.Uri.joinPath(workspaceRoot(), 'contracts', 'tasks.contract.md'),
  );
  return vscode.window.showTextDocument(doc);
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export async function listTree(root: vscode.Uri, prefix = ''): Promise<string[]> {
  if (!(await exists(root))) return [];
  const out: string[] = [];
  for (const [name, type] of await vscode.workspace.fs.readDirectory(root)) {
    if (type & vscode.FileType.Directory)
      out.push(...(await listTree(vscode.Uri.joinPath(root, name), `${prefix}${name}/`)));
    else out.push(`${prefix}${name}`);
  }
  return out.sort();
}

/**
 * Whether an element matching `scope` shows `text` on screen; undefined without the UI bridge. The
 * harness looks for up to `waitMs` (default 10 s) before it answers no.
 */
export async function screenShows(
  scope: string,
  text: string,
  timeoutMs = 15_000,
  waitMs?: number,
  visible = false,
): Promise<boolean | undefined> {
  const dir = process.env.TURBO_UI_BRIDGE;
  if (!dir) return undefined;
  const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  // The bridge looks for as long as the caller says (a "not shown" check ends sooner); its answer may
  // take a while longer to come back on a busy machine.
  const looks = waitMs ?? Math.max(100, Math.min(10_000, timeoutMs));
  console.log(`TURBO_UI_QUERY ${JSON.stringify({ id, kind: 'text', scope, text, waitMs: looks, visible })}`);
  return (await bridgeAnswer(dir, id, looks + 10_000)).found;
}

/**
 * Waits until the quick pick shows `text` (undefined without the UI bridge). A quick pick announced in
 * the log may not be on screen yet, and "select next" on no quick pick does nothing.
 */
export function quickPickShows(text: string): Promise<boolean | undefined> {
  // Only a pick on screen: a hidden one keeps the text of its last use.
  return screenShows('.quick-input-widget', text, 15_000, undefined, true);
}

/**
 * Accepts the quick pick's selected item once a quick pick is on screen: the log line that announces one
 * comes before it shows, and "accept" on no quick pick does nothing (the command then waits for ever).
 */
export async function acceptQuickPick(): Promise<void> {
  await quickPickShows('');
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}

/** Clears toasts left by earlier tests, so a check sees only what the current one shows. */
export async function clearNotifications(): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
}

/**
 * Asks the harness that drives the workbench (code-server + Chromium) whether a notification with
 * this text was shown: it opens the notification center and reads it off the screen. Returns undefined under hosts without that bridge (desktop VS Code).
 */
export async function notificationShown(text: string, timeoutMs = 15_000): Promise<boolean | undefined> {
  const dir = process.env.TURBO_UI_BRIDGE;
  if (!dir) return undefined;
  const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  // Toasts come and go with focus and count; the notification center lists every notification shown.
  await vscode.commands.executeCommand('notifications.showList');
  console.log(`TURBO_UI_QUERY ${JSON.stringify({ id, kind: 'notification', text })}`);
  try {
    return (await bridgeAnswer(dir, id, timeoutMs)).found;
  } finally {
    await vscode.commands.executeCommand('notifications.hideList');
  }
}

/**
 * Asks the harness to click a button of the notification that shows `text`, as a person would, in
 * the notification center (toasts come and go). Returns undefined under hosts without that bridge.
 */
export async function clickNotificationButton(
  text: string,
  button: string,
  timeoutMs = 15_000,
): Promise<boolean | undefined> {
  const dir = process.env.TURBO_UI_BRIDGE;
  if (!dir) return undefined;
  const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  await vscode.commands.executeCommand('notifications.showList');
  console.log(`TURBO_UI_QUERY ${JSON.stringify({ id, kind: 'click', text, button })}`);
  try {
    return (await bridgeAnswer(dir, id, timeoutMs)).found;
  } finally {
    await vscode.commands.executeCommand('notifications.hideList');
  }
}

async function bridgeAnswer(dir: string, id: string, timeoutMs: number): Promise<{ found: boolean }> {
  const answer = path.join(dir, `${id}.json`);
  for (const started = Date.now(); Date.now() - started < timeoutMs;) {
    if (fs.existsSync(answer)) return JSON.parse(fs.readFileSync(answer, 'utf8')) as { found: boolean };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the UI bridge did not answer');
}

/**
 * Asks the harness to click, inside the first element matching `scope` whose text includes `text`,
 * the first `target` (default: a button labelled `button`). Undefined under hosts without the bridge.
 */
export async function clickIn(
  query: { scope: string; text: string; target?: string; button?: string },
  timeoutMs = 20_000,
): Promise<boolean | undefined> {
  const dir = process.env.TURBO_UI_BRIDGE;
  if (!dir) return undefined;
  const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  console.log(`TURBO_UI_QUERY ${JSON.stringify({ id, kind: 'click', ...query })}`);
  return (await bridgeAnswer(dir, id, timeoutMs)).found;
}

export interface ScreenshotOptions {
  /** Text that must be on screen first, inside an element matching `within` (default: anywhere). */
  text?: string;
  within?: string;
  /** Crop to the first element matching this selector, widened by `pad` pixels; or to `clip`. */
  scope?: string;
  pad?: number;
  clip?: { x: number; y: number; width: number; height: number };
  /** Part of the test's output: taken in every run (into .vscode-test/evidence/), not only for the README. */
  evidence?: boolean;
}

/**
 * Asks the harness for a picture of the window, saved as `name` (.png or .jpg) in
 * TURBO_SCREENSHOTS_DIR (`npm run screenshots`), once `text` is on screen. False when the text never
 * showed or no folder is set (normal runs take no pictures); undefined under hosts without the bridge.
 */
export async function screenshot(name: string, options: ScreenshotOptions = {}): Promise<boolean | undefined> {
  const dir = process.env.TURBO_UI_BRIDGE;
  if (!dir) return undefined;
  const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  console.log(`TURBO_UI_QUERY ${JSON.stringify({ id, kind: 'screenshot', name, ...options })}`);
  return (await bridgeAnswer(dir, id, 40_000)).found;
}

/** Types `text` into whatever has focus (an input box), then Enter; undefined without the UI bridge. */
export async function typeText(text: string, enter = true): Promise<boolean | undefined> {
  const dir = process.env.TURBO_UI_BRIDGE;
  if (!dir) return undefined;
  const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  console.log(`TURBO_UI_QUERY ${JSON.stringify({ id, kind: 'keys', text, enter })}`);
  return (await bridgeAnswer(dir, id, 15_000)).found;
}

/** The "Turbo" log as written to disk so far (the extension exports where its logs live). */
export async function turboLog(): Promise<string> {
  const api = vscode.extensions.getExtension<{ logUri: vscode.Uri }>(EXTENSION_ID)!.exports;
  try {
    return await readText(vscode.Uri.joinPath(api.logUri, 'Turbo.log'));
  } catch {
    return '';
  }
}

/** Waits until the log has a line matching `pattern` that it did not have `after` characters in. */
export async function waitForLog(pattern: RegExp, after = 0, timeoutMs = 20_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < timeoutMs;) {
    if (pattern.test((await turboLog()).slice(after))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the Turbo log never showed ${pattern}`);
}

export function waitFor<T>(
  event: vscode.Event<T>,
  predicate: (e: T) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error('timed out waiting for an event'));
    }, timeoutMs);
    const sub = event((e) => {
      if (!predicate(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

/**
 * Accepts the open quick pick until the log shows `pattern`: a quick pick announced in the log may
 * not be on screen yet when the accept arrives, and then the accept does nothing.
 */
export async function acceptQuickPickUntil(pattern: RegExp, after: number): Promise<void> {
  await quickPickShows('');
  for (let attempt = 0; attempt < 20; attempt++) {
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    try {
      await waitForLog(pattern, after, 1_000);
      return;
    } catch {
      // Not yet: accept again.
    }
  }
  const since = (await turboLog()).slice(after).split('\n').slice(-8).join('\n');
  throw new Error(`accepting the quick pick never led to ${pattern}; the log since:\n${since}`);
}
