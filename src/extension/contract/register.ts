import * as vscode from 'vscode';
import { createPromptSizeStatus, ContractCodeLensProvider, type ClauseCounts } from './codeLens';
import { ContractCompletionProvider } from './completion';
import { ContractCodeActionProvider, registerContractDiagnostics } from './diagnostics';
import { CONTRACT_SELECTOR } from './documents';
import { ContractDefinitionProvider, ContractFoldingProvider, ContractSymbolProvider } from './navigation';

/** The contract editor: completion, outline, folding, go-to-definition, checks, quick fixes, CodeLens. */
export function registerContractEditor(clauses?: ClauseCounts): vscode.Disposable {
  const lens = new ContractCodeLensProvider(clauses);
  return vscode.Disposable.from(
    vscode.languages.registerCompletionItemProvider(
      CONTRACT_SELECTOR,
      new ContractCompletionProvider(),
      ...ContractCompletionProvider.triggerCharacters,
    ),
    vscode.languages.registerDocumentSymbolProvider(CONTRACT_SELECTOR, new ContractSymbolProvider(), {
      label: 'Contract',
    }),
    vscode.languages.registerFoldingRangeProvider(CONTRACT_SELECTOR, new ContractFoldingProvider()),
    vscode.languages.registerDefinitionProvider(CONTRACT_SELECTOR, new ContractDefinitionProvider()),
    vscode.languages.registerCodeActionsProvider(CONTRACT_SELECTOR, new ContractCodeActionProvider(), {
      providedCodeActionKinds: ContractCodeActionProvider.providedCodeActionKinds,
    }),
    vscode.languages.registerCodeLensProvider(CONTRACT_SELECTOR, lens),
    lens,
    registerContractDiagnostics(),
    createPromptSizeStatus(),
  );
}
