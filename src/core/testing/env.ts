import { redactSecrets, TurboError } from '../errors';
import { safeInline } from '../terminalText';

/**
 * A test command is code from the project: it must not see Turbo's key, and whatever secret it
 * prints anyway must not reach what Turbo keeps, shows or sends (reports, JSON, the fix request).
 */

/** Always removed from a test command's environment. */
export const ALWAYS_DENIED_ENV = ['CEREBRAS_API_KEY'];

/**
 * `TURBO_TEST_ENV_DENY` (names separated by commas): the CLI's and MCP server's
 * `turbo.testEnvDeny`. A malformed name is an error, never a name that silently matches nothing.
 */
export function envDenyFromEnv(env: Record<string, string | undefined>): string[] {
  const names = (env.TURBO_TEST_ENV_DENY ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const bad = names.find((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
  if (bad !== undefined)
    throw new TurboError(
      'config',
      `TURBO_TEST_ENV_DENY takes environment variable names separated by commas, such as NPM_TOKEN,GH_TOKEN; got "${safeInline(bad.slice(0, 40))}".`,
    );
  return names;
}

/** Values shorter than this are not redacted: `1`, `true` or `dev` would blot out ordinary output. */
const MIN_ENV_SECRET = 8;

/**
 * The environment for a test command (`base` with `extra` on top, minus the denied variables) and
 * the secrets to redact from its output: the removed values long enough to be secrets.
 */
export function testEnvironment(
  base: Record<string, string | undefined>,
  extra: Record<string, string | undefined>,
  denyEnv: readonly string[] = [],
): { env: Record<string, string | undefined>; secrets: string[] } {
  const env = { ...base, ...extra };
  // Windows treats variable names without regard to case.
  const fold = (name: string) => (process.platform === 'win32' ? name.toUpperCase() : name);
  const denied = new Set([...ALWAYS_DENIED_ENV, ...denyEnv].filter((n) => typeof n === 'string' && n !== '').map(fold));
  const secrets: string[] = [];
  for (const source of [base, env]) {
    for (const [name, value] of Object.entries(source)) {
      if (!denied.has(fold(name))) continue;
      if (typeof value === 'string') secrets.push(value, value.trim());
      if (source === env) delete env[name];
    }
  }
  return { env, secrets: uniqueSecrets(secrets, MIN_ENV_SECRET) };
}

/** Distinct, longest first (so a secret that contains another is replaced whole). */
export function uniqueSecrets(values: readonly (string | undefined)[], minLength = 4): string[] {
  const kept = values.filter((v): v is string => typeof v === 'string' && v.length >= minLength);
  return [...new Set(kept)].sort((a, b) => b.length - a.length);
}

/** Token-like characters, the ones redactSecrets' `Bearer …` and `csk-…` patterns span. */
const TOKEN_CHAR = /[A-Za-z0-9._~+/=-]/;
/** A run of token characters longer than this is not a key in the making: let it through. */
const MAX_HELD_RUN = 512;

/**
 * Redacts secrets from output that arrives in pieces. A secret may be split across pieces, so the
 * end of each piece that could be the start of one is held until the next piece or `end()`.
 * The concatenation of what it emits equals `redactSecrets(all the text, ...secrets)`.
 */
export class SecretStream {
  private pending = '';
  private readonly secrets: string[];

  constructor(secrets: readonly string[]) {
    this.secrets = uniqueSecrets(secrets);
  }

  push(text: string): string {
    const all = this.pending + text;
    const cut = safeCut(all, this.secrets);
    this.pending = all.slice(cut);
    return redactSecrets(all.slice(0, cut), ...this.secrets);
  }

  end(): string {
    const rest = redactSecrets(this.pending, ...this.secrets);
    this.pending = '';
    return rest;
  }
}

/** The largest index at which `text` can be split without splitting a secret or a key-like token. */
export function safeCut(text: string, secrets: readonly string[]): number {
  let cut = text.length;
  for (const s of secrets) cut = Math.min(cut, text.length - startedAtEnd(text, s));
  for (let moved = true; moved && cut > 0;) {
    moved = false;
    const before = cut;
    cut = runStart(text, cut);
    for (const s of secrets) {
      // A whole occurrence that straddles the cut would be redacted in neither half.
      for (
        let at = text.indexOf(s, Math.max(0, cut - s.length + 1));
        at >= 0 && at < cut;
        at = text.indexOf(s, at + 1)
      ) {
        if (at + s.length > cut) cut = at;
      }
    }
    moved = cut !== before;
  }
  return cut;
}

/** The length of the longest end of `text` that is the start of `secret` (a secret in the making). */
function startedAtEnd(text: string, secret: string): number {
  const first = secret.charCodeAt(0);
  for (let i = Math.max(0, text.length - secret.length + 1); i < text.length; i++) {
    if (text.charCodeAt(i) === first && secret.startsWith(text.slice(i))) return text.length - i;
  }
  return 0;
}

/** Moves a cut inside a token-like run (or right after `Bearer `) to where that run starts. */
function runStart(text: string, cut: number): number {
  const inRun = (i: number) => i > 0 && TOKEN_CHAR.test(text[i - 1]) && (i === text.length || TOKEN_CHAR.test(text[i]));
  let at = cut;
  if (inRun(at)) {
    let start = at;
    while (start > 0 && TOKEN_CHAR.test(text[start - 1]) && at - start < MAX_HELD_RUN) start--;
    if (at - start >= MAX_HELD_RUN) return cut;
    at = start;
  }
  const bearer = /\bBearer\s*$/i.exec(text.slice(Math.max(0, at - 64), at));
  return bearer ? at - bearer[0].length : at;
}

/**
 * The start of a kept tail may fall inside a secret whose beginning was dropped: start the tail at a
 * line instead (or, on one long line, after any leading piece of a secret).
 */
export function trimCutFront(text: string, secrets: readonly string[]): string {
  const newline = text.indexOf('\n');
  if (newline >= 0 && newline < 64 * 1024) return text.slice(newline + 1);
  for (const s of secrets) {
    for (let k = s.length - 1; k > 0; k--) if (text.startsWith(s.slice(-k))) return text.slice(k);
  }
  return text;
}
