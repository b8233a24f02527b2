import * as vscode from 'vscode';
import { proxyFromEnv, type ProxySettings } from '../core/http';
import { optionalNumber } from '../core/inputs';
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
  /** How long one attempt waits for the response headers (turbo.requestTimeout, seconds 1–600). */
  requestTimeoutMs: number;
  denyPatterns: string[];
  /** Empty: detect from the folder (confirmed once per folder). */
  testCommand: string;
  testTimeoutMs: number;
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
    requestTimeoutMs: optionalNumber(c.get<number>('requestTimeout'), 'turbo.requestTimeout', { min: 1, max: 600 }, 30) * 1000,
    denyPatterns: c.get<string[]>('denyPatterns', [...DEFAULT_DENY]).filter((p) => typeof p === 'string' && p.trim() !== ''),
    testCommand: c.get<string>('testCommand', '').trim(),
    testTimeoutMs: clamp(c.get<number>('testTimeout', 300), 1, 86_400) * 1000,
    maxFixRounds: Math.round(clamp(c.get<number>('maxFixRounds', 3), 1, 20)),
  };
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : min;
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
  const noProxy = [...http.get<string[]>('noProxy', []).filter((h) => typeof h === 'string'), fromEnv?.noProxy ?? ''].filter((h) => h.trim()).join(',');
  if (configured) return { httpProxy: configured, httpsProxy: configured, noProxy, strictSsl };
  return fromEnv && { ...fromEnv, noProxy, strictSsl };
}
