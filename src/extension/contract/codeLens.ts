import * as vscode from 'vscode';
import { estimateTokens, SYSTEM_PROMPT } from '../../core/generation/prompt';
import { readSettings } from '../config';
import { CONTRACT_LANGUAGE, contractOf } from './documents';

const fmt = new Intl.NumberFormat('en-US');

export function promptTokens(document: vscode.TextDocument): number {
  return estimateTokens(SYSTEM_PROMPT) + estimateTokens(document.getText());
}

/** "Generate · model gpt-oss-120b · ~N prompt tokens" above the first heading of a contract. */
export class ContractCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly onConfig = vscode.workspace.onDidChangeConfiguration(
    (e) => e.affectsConfiguration('turbo.model') && this.changed.fire(),
  );

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const first = contractOf(document).sections[0]?.heading.line ?? 0;
    const range = new vscode.Range(first, 0, first, 0);
    const { model } = readSettings(document.uri);
    return [
      new vscode.CodeLens(range, {
        title: `$(rocket) Generate · model ${model} · ~${fmt.format(promptTokens(document))} prompt tokens`,
        command: 'turbo.generate',
        arguments: [document.uri],
        tooltip: 'Turbo: Generate from Contract',
      }),
    ];
  }

  dispose(): void {
    this.onConfig.dispose();
    this.changed.dispose();
  }
}

/** The estimated prompt size of the active contract, in the status bar. */
export function createPromptSizeStatus(): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('turbo.promptSize', vscode.StatusBarAlignment.Right, 101);
  item.name = 'Turbo Prompt Size';
  item.command = 'turbo.generate';
  const render = () => {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== CONTRACT_LANGUAGE) {
      item.hide();
      return;
    }
    const tokens = promptTokens(document);
    item.text = `$(symbol-ruler) ~${fmt.format(tokens)} prompt tokens`;
    item.tooltip = `Turbo: the contract and Turbo's instructions come to about ${fmt.format(tokens)} tokens. Click to generate.`;
    item.show();
  };
  render();
  return vscode.Disposable.from(
    item,
    vscode.window.onDidChangeActiveTextEditor(render),
    vscode.workspace.onDidChangeTextDocument(
      (e) => e.document === vscode.window.activeTextEditor?.document && render(),
    ),
  );
}
