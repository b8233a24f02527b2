import * as vscode from 'vscode';

export type OverwriteSetting = 'ask' | 'always' | 'never';

export interface TurboSettings {
  model: string;
  baseUrl: string;
  outputDirectory: string;
  overwrite: OverwriteSetting;
}

/** The one place settings are read; everything else receives a typed snapshot. */
export function readSettings(scope?: vscode.ConfigurationScope): TurboSettings {
  const c = vscode.workspace.getConfiguration('turbo', scope);
  const overwrite = c.get<string>('overwrite', 'ask');
  return {
    model: c.get<string>('model', '').trim() || 'gpt-oss-120b',
    baseUrl: c.get<string>('baseUrl', '').trim(),
    outputDirectory: c.get<string>('outputDirectory', '').trim(),
    overwrite: overwrite === 'always' || overwrite === 'never' ? overwrite : 'ask',
  };
}
