import * as vscode from 'vscode';
import { resolveBaseUrl } from '../core/generation/clientConfig';
import { proxyFromEnv, type ProxySettings } from '../core/generation/http';
import { safeText } from '../core/terminalText';
import { validateSettings, type SettingsTab, type TurboSettings } from './settingsCheck';

export type { SettingProblem, TurboSettings } from './settingsCheck';

/** The one place settings are read; everything else receives a typed, checked snapshot. */
export function readSettings(scope?: vscode.ConfigurationScope): TurboSettings {
  const c = vscode.workspace.getConfiguration('turbo', scope);
  const { settings } = validateSettings((key) => c.get<unknown>(key));
  // An empty turbo.baseUrl defers to the environment; a bad CEREBRAS_BASE_URL there is fixed (or
  // overridden) through the same setting.
  if (!settings.baseUrl && !settings.problems.some((p) => p.setting === 'turbo.baseUrl')) {
    try {
      resolveBaseUrl(undefined, process.env);
    } catch (err) {
      settings.problems.push({ setting: 'turbo.baseUrl', message: err instanceof Error ? err.message : String(err) });
    }
  }
  for (const problem of settings.problems) problem.tab = settingsTab(problem.setting, scope);
  return settings;
}

const TAB_NAMES: Record<SettingsTab, string> = { user: 'User', workspace: 'Workspace', folder: 'Folder' };

/** The Settings tab whose value of `setting` is in effect for `scope`; undefined when none sets it. */
export function settingsTab(setting: string, scope?: vscode.ConfigurationScope): SettingsTab | undefined {
  const dot = setting.indexOf('.');
  const seen = vscode.workspace.getConfiguration(setting.slice(0, dot), scope).inspect(setting.slice(dot + 1));
  // In a single-folder window the folder's settings are the Workspace tab.
  if (seen?.workspaceFolderValue !== undefined) return vscode.workspace.workspaceFile ? 'folder' : 'workspace';
  if (seen?.workspaceValue !== undefined) return 'workspace';
  if (seen?.globalValue !== undefined) return 'user';
  return undefined;
}

/**
 * Opens the Settings editor at `setting` on the tab that can show its value: the Workspace (or
 * folder) tab when the workspace sets it, else the User tab.
 */
export function openSettingsAt(
  setting: string,
  scope?: vscode.ConfigurationScope,
  tab = settingsTab(setting, scope),
): Thenable<unknown> {
  const command =
    tab === 'workspace'
      ? 'workbench.action.openWorkspaceSettings'
      : tab === 'folder'
        ? 'workbench.action.openFolderSettings'
        : 'workbench.action.openGlobalSettings';
  return vscode.commands.executeCommand(command, { query: setting });
}

/**
 * True (and says so, offering Open Settings) when a setting failed its check: generation, test runs
 * and fixes do not start on a value that was guessed at.
 */
export function refuseOnBadSettings(settings: TurboSettings): boolean {
  const [first, ...more] = settings.problems;
  if (!first) return false;
  const open = 'Open Settings';
  const where = first.tab ? ` It is set in your ${TAB_NAMES[first.tab]} settings.` : '';
  const also = more.length ? ` Also check ${more.map((p) => p.setting).join(', ')}.` : '';
  void vscode.window
    .showErrorMessage(safeText(`Turbo: ${first.message}${where}${also}`), open)
    .then((b) => b === open && openSettingsAt(first.setting, undefined, first.tab));
  return true;
}

/** For callers that answer with an error rather than a message (the language-model tool). */
export function settingsProblemText(settings: TurboSettings): string | undefined {
  return settings.problems.length
    ? `Turbo's settings need fixing: ${settings.problems.map((p) => p.message).join(' ')}`
    : undefined;
}

/**
 * The proxy the editor uses: VS Code's `http.proxy` (with `http.noProxy` and `http.proxyStrictSSL`),
 * else HTTP(S)_PROXY / NO_PROXY from the environment. Node's fetch reads neither by itself.
 */
export function readProxySettings(env: Record<string, string | undefined>): ProxySettings | undefined {
  const http = vscode.workspace.getConfiguration('http');
  const configured = http.get<string>('proxy', '').trim();
  const strictSsl = http.get<boolean>('proxyStrictSSL', true) !== false;
  const fromEnv = proxyFromEnv(env);
  const noProxy = [...http.get<string[]>('noProxy', []).filter((h) => typeof h === 'string'), fromEnv?.noProxy ?? '']
    .filter((h) => h.trim())
    .join(',');
  if (configured) return { httpProxy: configured, httpsProxy: configured, noProxy, strictSsl };
  return fromEnv && { ...fromEnv, noProxy, strictSsl };
}
