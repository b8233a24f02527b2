/**
 * The editor's settings, checked without `vscode` so plain unit tests can reach it. A value of the
 * wrong type or out of range is a problem naming the setting; the commands that generate, run tests
 * or fix refuse to start while there is one. The snapshot still holds a usable value for the others
 * (the status bar, code lenses), and never a less safe one: a bad `overwrite` is never "always".
 */
import {
  OVERWRITE_POLICIES,
  REASONING_EFFORTS,
  type OverwritePolicy,
  type ReasoningEffort,
} from '../core/generation/choices';
import { checkBaseUrl, checkModel } from '../core/generation/clientConfig';
import { TurboError } from '../core/errors';
import { optionalChoice, optionalNumber, type NumberRule } from '../core/inputs';
import { checkDenyPatterns, DEFAULT_DENY } from '../core/generation/denyGlobs';
import { DEFAULT_MODEL } from '../core/generation/prompt';
import { hasUnsafeChars, safeInline } from '../core/terminalText';
import { DEFAULT_CANDIDATES, MAX_CANDIDATES, MIN_CANDIDATES } from '../core/race/types';

export interface TurboSettings {
  model: string;
  baseUrl: string;
  outputDirectory: string;
  overwrite: OverwritePolicy;
  previewBeforeWrite: boolean;
  maxContinuations: number;
  /** Undefined (the default): sized from the contract for each request. */
  maxCompletionTokens: number | undefined;
  temperature: number | undefined;
  reasoningEffort: ReasoningEffort | undefined;
  streamIdleTimeoutMs: number;
  /** How long one attempt waits for the response headers (turbo.requestTimeout, seconds 1–600). */
  requestTimeoutMs: number;
  denyPatterns: string[];
  /** Globs (relative to the folder) no fix or race candidate may write, besides the tests themselves. */
  protectedPaths: string[];
  /** Empty: detect from the folder (confirmed once per folder). */
  testCommand: string;
  testTimeoutMs: number;
  /** Variables removed from test commands' environment, besides CEREBRAS_API_KEY. */
  testEnvDeny: string[];
  maxFixRounds: number;
  /** Candidates "Turbo: Race Candidates" generates side by side (turbo.raceCandidates, 2–8). */
  raceCandidates: number;
  /** Settings that failed their check; the commands that act refuse to start while any is listed. */
  problems: SettingProblem[];
}

export interface SettingProblem {
  /** The full id, e.g. `turbo.overwrite`, for `workbench.action.openSettings`. */
  setting: string;
  message: string;
  /** The Settings tab that holds the bad value (filled in by the editor); none when it is not set there. */
  tab?: SettingsTab;
}

/** Where a value in effect was set: the User tab, the Workspace tab, or a folder's settings. */
export type SettingsTab = 'user' | 'workspace' | 'folder';

/** Runs one setting's check on its raw value; a failure is recorded as a problem and `fallback` stands in. */
type Checked = <T>(key: string, fallback: T, read: (raw: unknown, source: string) => T) => T;

/** `get(key)` returns the raw value of `turbo.<key>` (the user's, else the declared default). */
export function validateSettings(get: (key: string) => unknown): {
  settings: TurboSettings;
  problems: SettingProblem[];
} {
  const problems: SettingProblem[] = [];
  const checked: Checked = (key, fallback, read) => {
    try {
      return read(get(key), `turbo.${key}`);
    } catch (err) {
      problems.push({ setting: `turbo.${key}`, message: err instanceof Error ? err.message : String(err) });
      return fallback;
    }
  };
  const settings: TurboSettings = {
    ...endpointSettings(checked),
    ...outputSettings(checked),
    ...requestSettings(checked),
    ...guardAndTestSettings(checked),
    raceCandidates: checked(
      'raceCandidates',
      DEFAULT_CANDIDATES,
      num({ min: MIN_CANDIDATES, max: MAX_CANDIDATES }, DEFAULT_CANDIDATES),
    ),
    problems,
  };
  return { settings, problems };
}

/** A whole number (or any number, by `rule`) in range, from settings.json's number or hand-written string. */
const num = (rule: NumberRule, fallback: number) => (raw: unknown, source: string) =>
  optionalNumber(numeric(raw, source, rule), source, rule, fallback);

function endpointSettings(checked: Checked): Pick<TurboSettings, 'model' | 'baseUrl'> {
  return {
    model: checked('model', DEFAULT_MODEL, (raw, source) =>
      text(raw, source, 'a model id such as gpt-oss-120b').trim() ? checkModel(raw as string, source) : DEFAULT_MODEL,
    ),
    baseUrl: checked('baseUrl', '', (raw, source) => {
      const url = text(raw, source, 'an http:// or https:// URL').trim();
      return url ? checkBaseUrl(url, source) : '';
    }),
  };
}

function outputSettings(checked: Checked): Pick<TurboSettings, 'outputDirectory' | 'overwrite' | 'previewBeforeWrite'> {
  return {
    outputDirectory: checked('outputDirectory', '', (raw, source) => text(raw, source, 'a folder path', true).trim()),
    overwrite: checked<OverwritePolicy>('overwrite', 'never', (raw, source) =>
      optionalChoice(choice(raw), source, OVERWRITE_POLICIES, 'ask'),
    ),
    previewBeforeWrite: checked('previewBeforeWrite', true, (raw, source) => {
      if (raw === undefined || typeof raw === 'boolean') return raw ?? false;
      throw new TurboError('config', `${source} takes true or false; got ${shown(raw)}.`);
    }),
  };
}

type RequestSettings = Pick<
  TurboSettings,
  | 'maxContinuations'
  | 'maxCompletionTokens'
  | 'temperature'
  | 'reasoningEffort'
  | 'streamIdleTimeoutMs'
  | 'requestTimeoutMs'
>;

function requestSettings(checked: Checked): RequestSettings {
  return {
    maxContinuations: checked('maxContinuations', 2, num({ min: 0, max: 10 }, 2)),
    maxCompletionTokens: checked('maxCompletionTokens', undefined, (raw, source) => {
      const rule = { min: 256, max: 1_000_000 };
      return optionalNumber(numeric(raw, source, rule), source, rule);
    }),
    temperature: checked('temperature', undefined, (raw, source) => {
      const rule = { min: 0, max: 2, integer: false };
      return optionalNumber(numeric(raw, source, rule), source, rule);
    }),
    reasoningEffort: checked<ReasoningEffort | undefined>(
      'reasoningEffort',
      undefined,
      (raw, source) =>
        optionalChoice<'' | ReasoningEffort>(choice(raw), source, ['', ...REASONING_EFFORTS], '') || undefined,
    ),
    streamIdleTimeoutMs: checked('streamIdleTimeout', 60, num({ min: 5, max: 3600 }, 60)) * 1000,
    requestTimeoutMs: checked('requestTimeout', 30, num({ min: 1, max: 600 }, 30)) * 1000,
  };
}

function guardAndTestSettings(
  checked: Checked,
): Pick<
  TurboSettings,
  'denyPatterns' | 'protectedPaths' | 'testCommand' | 'testTimeoutMs' | 'testEnvDeny' | 'maxFixRounds'
> {
  return {
    denyPatterns: checked('denyPatterns', [...DEFAULT_DENY], (raw, source) => globs(raw, source)),
    protectedPaths: checked('protectedPaths', [], (raw, source) => globs(raw, source, [])),
    testCommand: checked('testCommand', '', (raw, source) => text(raw, source, 'a command line').trim()),
    testTimeoutMs: checked('testTimeout', 300, num({ min: 1, max: 86_400, integer: false }, 300)) * 1000,
    testEnvDeny: checked('testEnvDeny', [], (raw, source) => names(raw, source)),
    maxFixRounds: checked('maxFixRounds', 3, num({ min: 1, max: 20 }, 3)),
  };
}

/** Numbers from settings.json arrive as numbers (or, hand-written, as strings); null means unset. */
function numeric(raw: unknown, source: string, rule: NumberRule): string | number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number' || typeof raw === 'string') return raw;
  throw new TurboError(
    'config',
    `${source} takes ${rule.integer === false ? 'a number' : 'a whole number'} from ${rule.min} to ${rule.max}; got ${shown(raw)}.`,
  );
}

/** An enumerated setting of the wrong type goes to parseChoice as text, so its message lists the choices. */
function choice(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || typeof raw === 'string') return raw ?? undefined;
  return JSON.stringify(raw) ?? String(raw);
}

function text(raw: unknown, source: string, what: string, printable = false): string {
  if (raw === undefined || raw === null) return '';
  if (typeof raw === 'string' && !(printable && hasUnsafeChars(raw))) return raw;
  throw new TurboError('config', `${source} takes ${what}; got ${shown(raw)}.`);
}

/** The person's list adds to `base` (DEFAULT_DENY for the path guard, which applies both); a bad one keeps the base. */
function globs(raw: unknown, source: string, base: readonly string[] = DEFAULT_DENY): string[] {
  if (raw === undefined || raw === null) return [...base];
  if (!Array.isArray(raw) || raw.some((p) => typeof p !== 'string'))
    throw new TurboError('config', `${source} takes a list of globs such as ["dist/**"]; got ${shown(raw)}.`);
  checkDenyPatterns(raw as string[], source);
  return [...new Set([...base, ...(raw as string[]).filter((p) => p.trim() !== '')])];
}

/** Environment variable names; a malformed one is a problem rather than a name that never matches. */
function names(raw: unknown, source: string): string[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw.map((v) => (typeof v === 'string' ? v.trim() : v)) : undefined;
  if (!list || list.some((v) => typeof v !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v))) {
    throw new TurboError(
      'config',
      `${source} takes a list of environment variable names such as ["NPM_TOKEN"]; got ${shown(raw)}.`,
    );
  }
  return list as string[];
}

function shown(raw: unknown): string {
  const textual = typeof raw === 'string' ? JSON.stringify(raw) : (JSON.stringify(raw) ?? String(raw));
  return safeInline(textual.length > 60 ? `${textual.slice(0, 59)}…` : textual);
}
