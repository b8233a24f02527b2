import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DetectedTestCommand } from '../../core/testing/detect';
import { safeText } from '../../core/terminalText';
import { openSettingsAt, readSettings } from '../config';
import type { Services } from '../services';
import { nearestTestFolder } from './testableContext';

const CONFIRMED_KEY = 'turbo.confirmedTestCommands';

/**
 * Which folder to test: the given one, the one holding the active file, or (with neither) the folder
 * tested last or the last generation's output. `last` is the folder tested last.
 */
export async function pickTestFolder(
  services: Services,
  last: string | undefined,
  target?: unknown,
): Promise<string | undefined> {
  const uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined;
  const active = vscode.window.activeTextEditor?.document.uri;
  const fromEditor = !uri && active?.scheme === 'file' ? active : undefined;
  const start = uri ?? fromEditor ?? (last ? vscode.Uri.file(last) : services.lastRun?.outputRoot);
  const workspace = start ? vscode.workspace.getWorkspaceFolder(start) : vscode.workspace.workspaceFolders?.[0];
  if (!workspace) return pickWorkspaceFolder();
  if (readSettings(workspace.uri).testCommand) return workspace.uri.fsPath;
  // The nearest folder between the file and the workspace folder that has a test setup; when the
  // active file (a contract, say) is in none, the folder tested last.
  const dir =
    start && start.fsPath !== workspace.uri.fsPath
      ? (await isDirectory(start))
        ? start.fsPath
        : path.dirname(start.fsPath)
      : workspace.uri.fsPath;
  return (await nearestTestFolder(dir, workspace.uri.fsPath)) ?? ((fromEditor && last) || workspace.uri.fsPath);
}

async function pickWorkspaceFolder(): Promise<string | undefined> {
  if ((vscode.workspace.workspaceFolders ?? []).length === 0) {
    void vscode.window.showErrorMessage('Turbo: open a folder to run its tests.');
    return undefined;
  }
  return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Run the tests of which folder?' }))?.uri.fsPath;
}

async function isDirectory(uri: vscode.Uri): Promise<boolean> {
  try {
    return (await vscode.workspace.fs.stat(uri)).type === vscode.FileType.Directory;
  } catch {
    return false;
  }
}

/** The command for a folder: the setting, or the detected one once the person has confirmed it. */
export async function testCommandFor(services: Services, folder: string): Promise<string | undefined> {
  const found = await findTestCommand(services, folder);
  if (found !== NO_TEST_SETUP) return found;
  const open = 'Set Test Command';
  void vscode.window
    .showErrorMessage(
      safeText(
        `Turbo found no test setup in ${folder} (package.json test script, pytest config, go.mod or Cargo.toml). Set "turbo.testCommand".`,
      ),
      open,
    )
    .then((b) => b === open && openSettingsAt('turbo.testCommand', vscode.Uri.file(folder), 'workspace'));
  return undefined;
}

/** The folder has neither `turbo.testCommand` nor a setup Turbo recognises. */
export const NO_TEST_SETUP = Symbol('no test setup');

/**
 * As testCommandFor, but a folder without a test setup is an answer (a race then scores by the
 * contract check), not an error. Undefined when the person backed out of the confirmation.
 */
export async function findTestCommand(
  services: Services,
  folder: string,
): Promise<string | typeof NO_TEST_SETUP | undefined> {
  const settings = readSettings(vscode.Uri.file(folder));
  if (settings.testCommand) return settings.testCommand;
  const { detectTestCommand } = await import('../../core/testing/detect');
  const detected = await detectTestCommand(folder);
  if (!detected) return NO_TEST_SETUP;
  const state = services.context.workspaceState;
  const confirmed = state.get<Record<string, string>>(CONFIRMED_KEY, {});
  if (confirmed[folder] === detected.command) return detected.command;
  services.log.info(`Asking to confirm the detected test command "${detected.command}" for ${folder}.`);
  const answer = await confirmDetected(folder, detected);
  if (answer?.remember) await state.update(CONFIRMED_KEY, { ...confirmed, [folder]: answer.command });
  return answer?.command;
}

/**
 * Asks once per folder before running a detected command: run it (remembered for the folder), or
 * type another, which becomes the workspace's turbo.testCommand. Undefined when the person backs out.
 */
async function confirmDetected(
  folder: string,
  detected: DetectedTestCommand,
): Promise<{ command: string; remember: boolean } | undefined> {
  const run: vscode.QuickPickItem = {
    label: `$(play) Run "${detected.command}"`,
    detail: `Detected because ${detected.reason}. Turbo will not ask again for this folder.`,
  };
  const other: vscode.QuickPickItem = {
    label: '$(gear) Use Another Command…',
    detail: 'Sets turbo.testCommand for this workspace.',
  };
  const choice = await vscode.window.showQuickPick([run, other], {
    title: `Turbo: run tests in ${path.basename(folder)}`,
    placeHolder: `Run "${detected.command}" in ${folder}?`,
    ignoreFocusOut: true,
  });
  if (choice === run) return { command: detected.command, remember: true };
  if (choice !== other) return undefined;
  const typed = (
    await vscode.window.showInputBox({
      title: 'Turbo: test command',
      value: detected.command,
      prompt: `Run in ${folder} by the shell`,
      ignoreFocusOut: true,
    })
  )?.trim();
  if (!typed) return undefined;
  await vscode.workspace
    .getConfiguration('turbo', vscode.Uri.file(folder))
    .update('testCommand', typed, vscode.ConfigurationTarget.Workspace);
  return { command: typed, remember: false };
}
