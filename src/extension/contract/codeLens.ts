import * as vscode from 'vscode';
import { estimateTokens, SYSTEM_PROMPT } from '../../core/generation/prompt';
import { readSettings } from '../config';
import { CONTRACT_LANGUAGE, contractOf } from './documents';

const fmt = new Intl.NumberFormat('en-US');

export function promptTokens(document: vscode.TextDocument): number {
  return estimateTokens(SYSTEM_PROMPT) + estimateTokens(document.getText());
}

/** What the lens shows of the last conformance check (the ConformanceService). */
export interface ClauseCounts {
  reportFor(
    contract: vscode.Uri,
  ): { report: { met: number; total: number; filesRead: number }; folder: vscode.Uri } | undefined;
  readonly onDidChange: vscode.Event<unknown>;
}

/**
 * "Generate · model gpt-oss-120b · ~N prompt tokens" above the first heading of a contract and, once
 * the contract has been checked against its code, "12/13 clauses met" beside it.
 */
export class ContractCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly onConfig = vscode.workspace.onDidChangeConfiguration(
    (e) =>
      (e.affectsConfiguration('turbo.model') || e.affectsConfiguration('turbo.raceCandidates')) && this.changed.fire(),
  );
  private readonly onCheck: vscode.Disposable | undefined;

  constructor(private readonly clauses?: ClauseCounts) {
    this.onCheck = clauses?.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const first = contractOf(document).sections[0]?.heading.line ?? 0;
    const range = new vscode.Range(first, 0, first, 0);
    const { model, raceCandidates } = readSettings(document.uri);
    const lenses = [
      new vscode.CodeLens(range, {
        title: `$(rocket) Generate · model ${model} · ~${fmt.format(promptTokens(document))} prompt tokens`,
        command: 'turbo.generate',
        arguments: [document.uri],
        tooltip: 'Turbo: Generate from Contract',
      }),
      new vscode.CodeLens(range, {
        title: `$(rocket) Race ${raceCandidates}`,
        command: 'turbo.raceCandidates',
        arguments: [document.uri],
        tooltip: `Turbo: Race Candidates: ${raceCandidates} candidates side by side, scored by the tests; the best lands (turbo.raceCandidates)`,
      }),
    ];
    const checked = this.clauses?.reportFor(document.uri);
    if (checked && checked.report.total > 0) {
      const { met, total, filesRead } = checked.report;
      const where = vscode.workspace.asRelativePath(checked.folder);
      lenses.push(
        new vscode.CodeLens(range, {
          title:
            filesRead === 0
              ? `$(warning) no code to check in ${where}`
              : `${met === total ? '$(pass)' : '$(warning)'} ${met}/${total} clauses met`,
          command: 'turbo.checkContract',
          arguments: [document.uri],
          tooltip: `Turbo: the contract checked against the code in ${where}, without a model. Click to check again.`,
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.onCheck?.dispose();
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
