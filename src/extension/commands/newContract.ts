import * as vscode from 'vscode';
import { uriExists } from '../uriExists';
import type { Services } from '../services';

interface Template {
  id: string;
  label: string;
  description: string;
  file: string;
  defaultName: string;
}

/** Scripted use (tests, other extensions): pick the template and name without asking. */
export interface NewContractOptions {
  template?: string;
  name?: string;
}

/**
 * "Turbo: New Contract": pick a template (data in media/templates), name it, and open the new
 * `*.contract.md` with the cursor where typing starts. From the explorer, in the folder clicked.
 */
export async function newContract(
  services: Services,
  folderArg?: unknown,
  options: NewContractOptions = {},
): Promise<vscode.Uri | undefined> {
  const templatesDir = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'templates');
  const folder = await targetFolder(folderArg);
  if (!folder) {
    void vscode.window.showErrorMessage('Turbo: open a folder first; new contracts are created in the workspace.');
    return undefined;
  }
  const template = await pickTemplate(templatesDir, options.template);
  if (!template) return undefined;
  const name = await contractName(folder, template, options.name);
  if (!name) return undefined;
  const uri = vscode.Uri.joinPath(folder, `${name}.contract.md`);
  const content = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(templatesDir, template.file));
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(uri, { contents: content }, { label: 'Turbo: new contract', needsConfirmation: false });
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(`Turbo: could not create ${vscode.workspace.asRelativePath(uri)}.`);
    return undefined;
  }
  const editor = await vscode.window.showTextDocument(uri, { preview: false });
  // Ready to type: the end of the first line, which names what to build.
  const first = editor.document.lineAt(0).range.end;
  editor.selection = new vscode.Selection(first, first);
  services.log.info(`New contract ${uri.fsPath} from the ${template.id} template.`);
  return uri;
}

/** The template named by id, or the one the person picks when none is named. */
async function pickTemplate(templatesDir: vscode.Uri, id: string | undefined): Promise<Template | undefined> {
  const templates = JSON.parse(
    new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(templatesDir, 'templates.json'))),
  ) as Template[];
  if (id !== undefined) return templates.find((t) => t.id === id);
  return (await vscode.window.showQuickPick(
    templates.map((t) => ({ ...t, detail: t.description, description: undefined })),
    { title: 'Turbo: New Contract', placeHolder: 'Start from a template' },
  )) as Template | undefined;
}

/**
 * The new contract's name without `.contract.md`: the given one or the one the person types,
 * checked as it is typed (a file name, not taken in the folder). Undefined when refused or dismissed.
 */
async function contractName(
  folder: vscode.Uri,
  template: Template,
  given: string | undefined,
): Promise<string | undefined> {
  const bare = (value: string) => value.trim().replace(/\.contract\.md$/, '');
  const validate = async (value: string) => {
    const name = bare(value);
    if (!name) return 'Give the contract a name.';
    if (/[\\/:*?"<>|\u0000-\u001f]/.test(name)) return 'A name cannot contain / \\ : * ? " < > |.';
    if (await uriExists(vscode.Uri.joinPath(folder, `${name}.contract.md`)))
      return `${name}.contract.md already exists here.`;
    return undefined;
  };
  const name =
    given ??
    (await vscode.window.showInputBox({
      title: `Turbo: New Contract (${template.label})`,
      prompt: `File name in ${vscode.workspace.asRelativePath(folder, true)}`,
      value: template.defaultName,
      valueSelection: [0, template.defaultName.length],
      validateInput: validate,
    }));
  if (name === undefined) return undefined;
  const problem = await validate(name);
  if (problem) {
    void vscode.window.showErrorMessage(`Turbo: ${problem}`);
    return undefined;
  }
  return bare(name);
}

async function targetFolder(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) {
    try {
      const stat = await vscode.workspace.fs.stat(arg);
      return stat.type & vscode.FileType.Directory ? arg : vscode.Uri.joinPath(arg, '..');
    } catch {
      return arg;
    }
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri;
}
