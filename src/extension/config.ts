import * as vscode from 'vscode';
import { DEFAULT_DENY } from '../core/pathGuard';
import { DEFAULT_MAX_COMPLETION_TOKENS, DEFAULT_MODEL } from '../core/prompt';

export type OverwriteSetting = 'ask' | 'always' | 'never';

export interface TurboSettings {
  model: string;
  baseUrl: string;
  outputDirectory: string;
  overwrite: OverwriteSetting;
  previewBeforeWrite: boolean;
  maxContinuations: number;
  maxCompletionTokens: number;
  temperature: number | undefined;
  reasoningEffort: 'low' | 'medium' | 'high' | undefined;
  streamIdleTimeoutMs: number;
  denyPatterns: string[];
  /** Empty: detect from the folder (confirmed once per folder). */
  testCommand: string;
  testTimeoutMs: number;
  /** Variables removed from test commands' environment, besides CEREBRAS_API_KEY. */
  testEnvDeny: string[];
  maxFixRounds: number;
}

/** The one place settings are read; everything else receives a typed snapshot. */
export function readSettings(scope?: vscode.ConfigurationScope): TurboSettings {
  const c = vscode.workspace.getConfiguration('turbo', scope);
  const overwrite = c.get<string>('overwrite', 'ask');
  const effort = c.get<string>('reasoningEffort', '');
  const temperature = c.get<number | null>('temperature', null);
  return {
    model: c.get<string>('model', '').trim() || DEFAULT_MODEL,
    baseUrl: c.get<string>('baseUrl', '').trim(),
    outputDirectory: c.get<string>('outputDirectory', '').trim(),
    overwrite: overwrite === 'always' || overwrite === 'never' ? overwrite : 'ask',
    previewBeforeWrite: c.get<boolean>('previewBeforeWrite', false),
    maxContinuations: clamp(c.get<number>('maxContinuations', 2), 0, 10),
    maxCompletionTokens: clamp(c.get<number>('maxCompletionTokens', DEFAULT_MAX_COMPLETION_TOKENS), 256, 1_000_000),
    temperature: typeof temperature === 'number' ? clamp(temperature, 0, 2) : undefined,
    reasoningEffort: effort === 'low' || effort === 'medium' || effort === 'high' ? effort : undefined,
    streamIdleTimeoutMs: clamp(c.get<number>('streamIdleTimeout', 60), 5, 3600) * 1000,
    denyPatterns: denyPatterns(c.get<unknown>('denyPatterns')),
    testCommand: c.get<string>('testCommand', '').trim(),
    testTimeoutMs: clamp(c.get<number>('testTimeout', 300), 1, 86_400) * 1000,
    testEnvDeny: stringList(c.get<unknown>('testEnvDeny', [])),
    maxFixRounds: Math.round(clamp(c.get<number>('maxFixRounds', 3), 1, 20)),
  };
}

/** The person's list adds to DEFAULT_DENY (the path guard applies both); a hand-edited non-list means none. */
function denyPatterns(value: unknown): string[] {
  return [...DEFAULT_DENY, ...stringList(value)];
}

/** A setting that should be a list of names: anything else in it is dropped, not turned into text. */
function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()) : [];
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : min;
}
