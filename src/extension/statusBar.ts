import * as vscode from 'vscode';
import { formatCost } from '../core/generation/models';
import { readSettings } from './config';
import type { Services } from './services';

/** Shows the model and what this window's generations have cost; a click picks another model. */
export function createStatusBar(services: Services): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('turbo.model', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Turbo Model';
  item.command = 'turbo.selectModel';
  const render = () => {
    const { model } = readSettings();
    item.text = `$(zap) ${model} · ${formatCost(services.sessionCostUsd)}`;
    item.tooltip = `Turbo: ${model}. Generations in this window cost ${formatCost(services.sessionCostUsd)} so far. Click to pick another model.`;
    item.show();
  };
  render();
  return vscode.Disposable.from(
    item,
    services.onDidChangeCost(render),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('turbo.model') && render()),
  );
}
