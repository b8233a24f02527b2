import { TurboError } from './errors';

/**
 * Numbers and words that come from outside (flags, environment variables, settings, MCP arguments)
 * are checked here, once, with a message that names where the value came from. Nothing fails open:
 * `abc`, `NaN`, `Infinity`, `1e400`, `Never` and `no` are errors, not defaults.
 */

/** The longest delay Node's timers can hold (2^31 − 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Clamps a delay to what `setTimeout` can hold, so a long timeout never turns into an immediate one. */
export function clampTimerMs(ms: number): number {
  if (!Number.isFinite(ms)) return MAX_TIMER_MS;
  return Math.min(MAX_TIMER_MS, Math.max(0, Math.round(ms)));
}

/** `source` names the input in messages, e.g. `--timeout`, `TURBO_MAX_CONTINUATIONS`, `turbo.testTimeout`. */
export interface NumberRule {
  min: number;
  max: number;
  /** Whole numbers only (default true). */
  integer?: boolean;
}

/** Reads a number from text: plain decimal only (no hex, exponent, `Infinity`, blanks or signs other than `-`). */
export function parseNumber(
  raw: string | number | boolean | undefined | null,
  source: string,
  rule: NumberRule,
): number {
  const integer = rule.integer ?? true;
  const what = integer ? 'a whole number' : 'a number';
  const range = `from ${rule.min} to ${rule.max}`;
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && (integer ? /^\s*-?\d+\s*$/ : /^\s*-?(\d+(\.\d*)?|\.\d+)\s*$/).test(raw))
    n = Number(raw);
  else throw new TurboError('config', `${source} takes ${what} ${range}; got ${describe(raw)}.`);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)))
    throw new TurboError('config', `${source} takes ${what} ${range}; got ${describe(raw)}.`);
  if (n < rule.min || n > rule.max)
    throw new TurboError('config', `${source} takes ${what} ${range}; got ${describe(raw)}.`);
  return n;
}

/** As parseNumber, but an absent or blank value gives `fallback`. */
export function optionalNumber(
  raw: string | number | undefined | null,
  source: string,
  rule: NumberRule,
  fallback: number,
): number;
export function optionalNumber(
  raw: string | number | undefined | null,
  source: string,
  rule: NumberRule,
): number | undefined;
export function optionalNumber(
  raw: string | number | undefined | null,
  source: string,
  rule: NumberRule,
  fallback?: number,
): number | undefined {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return fallback;
  return parseNumber(raw, source, rule);
}

/** Exactly one of `allowed`, case-sensitive: `Never` and `no` are errors, never a silent default. */
export function parseChoice<T extends string>(
  raw: string | undefined | null,
  source: string,
  allowed: readonly T[],
): T {
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  throw new TurboError(
    'config',
    `${source} takes ${allowed.map((a) => (a === '' ? '""' : a)).join(', ')}; got ${describe(raw)}.`,
  );
}

/** As parseChoice, but an absent or empty value gives `fallback`. */
export function optionalChoice<T extends string>(
  raw: string | undefined | null,
  source: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (raw === undefined || raw === null || raw === '') return fallback;
  return parseChoice(raw, source, allowed);
}

/** An http:// or https:// URL with a host, or undefined for anything else (a typo, `file:`, `ftp:`). */
export function parseHttpUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A URL for a message: its user and password (`http://user:secret@host`) are not shown. */
export function shownUrl(raw: string): string {
  return hideCredentials(raw).slice(0, 80);
}

/** Text with the user and password of every URL in it replaced by `…` (error messages quote URLs). */
export function hideCredentials(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/g, '//…@');
}

function describe(raw: unknown): string {
  if (raw === undefined || raw === null) return 'nothing';
  const text = typeof raw === 'string' ? raw : String(raw);
  const shown = text.length > 40 ? `${text.slice(0, 39)}…` : text;
  return JSON.stringify(shown);
}

/** An environment: `process.env`, or the variables a front end was given. */
export interface EnvLike {
  [name: string]: string | undefined;
}
