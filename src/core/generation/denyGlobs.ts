import picomatch from 'picomatch';
import { TurboError } from '../errors';

/**
 * Refused by default at any depth: files that run code without anyone asking to run anything (on
 * opening the folder, installing packages, starting a shell, committing, pushing) and files that
 * hold secrets (a model could overwrite real keys or plant its own, e.g. when the output folder is
 * a home folder). The `turbo.denyPatterns` default in package.json is this list, word for word.
 */
export const DEFAULT_DENY: readonly string[] = Object.freeze([
  // Always refused anyway (any case, any Windows alias); listed so the setting shows it.
  '.git/**',
  // Run on opening the folder or installing: tasks and settings, package scripts and binaries,
  // container set-up commands, direnv, package-manager configuration (script-shell, yarnPath,
  // pnpm hooks), git hooks, CI that runs on push with the repository's secrets.
  '.vscode/**',
  'node_modules/**',
  '.devcontainer/**',
  '.envrc',
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.pnpmfile.cjs',
  '.husky/**',
  '.github/workflows/**',
  // Read by git and shells from a home folder: fsmonitor/hooksPath commands, start-up scripts.
  '.gitconfig',
  '.config/git/**',
  '.bashrc',
  '.bash_profile',
  '.bash_login',
  '.bash_logout',
  '.profile',
  '.zshrc',
  '.zshenv',
  '.zprofile',
  '.zlogin',
  '.zlogout',
  '.cshrc',
  '.tcshrc',
  '.login',
  '.kshrc',
  '.config/fish/**',
  // Secrets: environment files, private keys and key stores, credentials of common tools. Every
  // pattern matches at any depth; these say so with `**/` for readers used to other glob settings.
  '**/.env*',
  '**/*.pem',
  '**/*.key',
  '*.p12',
  '*.pfx',
  '*.jks',
  '*.keystore',
  'id_rsa*',
  'id_dsa*',
  'id_ecdsa*',
  'id_ed25519*',
  '.ssh/**',
  '.gnupg/**',
  '.netrc',
  '.pypirc',
  '.git-credentials',
  '.aws/**',
  '.docker/config.json',
  '.kube/config',
]);

/**
 * The rules, gitignore-like but erring towards refusing: a pattern matches at any depth (`secrets/**`
 * refuses `src/secrets/a`, not only `secrets/a`) unless it starts with `/`; a trailing `/` means
 * everything inside; `*`, `**`, `?`, `[ab]`, `[!a]`, `{pem,key}` and `{1..3}` mean what they mean in
 * picomatch, dotfiles included; case is ignored (`.VSCode` is `.vscode` on Windows and macOS); a
 * backslash is a folder separator, as in the paths checked; `!pattern` re-allows what it matches.
 * Paths arrive cleaned by the guard: `/` separators, no `.` or `..`, no leading `/`.
 */
const OPTIONS: picomatch.PicomatchOptions = {
  dot: true,
  nocase: true,
  posix: true,
  // Paths use `/` on every platform by now; picomatch would otherwise follow the host.
  windows: false,
  // `!` is read here, once; extglobs (`+(a|b)`) are not gitignore and can backtrack badly.
  nonegate: true,
  noextglob: true,
};

export interface DenyMatcher {
  /** The first deny pattern the path matches, unless an allow pattern matches it too. */
  match(p: string): string | undefined;
}

// Lists are compiled once per array (the pipeline checks every file against the same one); pass a
// new array rather than changing one in place.
const matchers = new WeakMap<readonly string[], DenyMatcher>();

/** The matcher for DEFAULT_DENY plus `extra`. */
export function denyMatcher(extra: readonly string[]): DenyMatcher {
  let m = matchers.get(extra);
  if (!m) matchers.set(extra, (m = compileDeny(extra)));
  return m;
}

/** A matcher for `globs` alone, by the same rules (turbo.protectedPaths); compiled on each call. */
export function globMatcher(globs: readonly string[]): DenyMatcher {
  return compileGlobs(globs);
}

function compileDeny(extra: readonly string[]): DenyMatcher {
  return compileGlobs([...DEFAULT_DENY, ...extra]);
}

function compileGlobs(globs: readonly string[]): DenyMatcher {
  const all = [...new Set(globs.filter((g) => typeof g === 'string').map((g) => g.trim()))];
  const deny = all.filter((g) => g !== '' && !g.startsWith('!'));
  const allow = all.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  const anyDeny = anyOf(deny);
  const anyAllow = anyOf(allow);
  // Naming the pattern is only needed for a refusal: compiled on the first one.
  let each: { glob: string; test: (p: string) => boolean }[] | undefined;
  return {
    match(p) {
      if (!anyDeny(p) || anyAllow(p)) return undefined;
      each ??= deny.map((glob) => ({ glob, test: anyOf([glob]) }));
      return each.find((d) => d.test(p))?.glob;
    },
  };
}

/**
 * One regular expression per list, from picomatch's own: the patterns that match at any depth share
 * one `(?:^|/)` in front (a `**\/` per pattern would make the engine walk every `/` of the path
 * again for each of them); those tied to the top are matched against the whole path. A pattern
 * whose expression anchors itself inside (`{**\/a,b}`) is tried after each `/` instead.
 */
function anyOf(globs: readonly string[]): (p: string) => boolean {
  const anywhere: string[] = [];
  const whole: string[] = [];
  const afterEachSlash: string[] = [];
  for (const glob of globs) {
    const compiled = compileOne(glob);
    if (compiled === undefined) continue;
    if (compiled.anchored) whole.push(`^(?:${compiled.body})$`);
    else if (INNER_ANCHOR.test(compiled.body)) afterEachSlash.push(`^(?:${compiled.body})$`);
    else anywhere.push(compiled.body);
  }
  const inner = anywhere.length ? new RegExp(`(?:^|/)(?:${anywhere.join('|')})$`, 'i') : undefined;
  const outer = union(whole);
  const rest = union(afterEachSlash);
  return (p) => (inner?.test(p) ?? false) || (outer?.test(p) ?? false) || (rest !== undefined && bySuffix(rest, p));
}

function union(sources: readonly string[]): RegExp | undefined {
  return sources.length ? new RegExp(sources.map((s) => `(?:${s})`).join('|'), 'i') : undefined;
}

/** `re` tried on the whole path and on what follows each `/`. */
function bySuffix(re: RegExp, p: string): boolean {
  for (let at = 0; at !== -1; at = p.indexOf('/', at) + 1 || -1) {
    if (re.test(at === 0 ? p : p.slice(at))) return true;
  }
  return false;
}

// A `^` that is neither escaped nor a class's negation.
const INNER_ANCHOR = /(?<![[\\])\^/;
// picomatch keeps `**` and `*` from crossing `.` and `..` names; the guard has already refused
// paths with such names, so these checks can go (they cost a look-ahead per character).
const DOT_NAME_CHECKS = ['(?!(?:^|\\/)\\.{1,2}(?:\\/|$))', '(?!\\.{1,2}(?:\\/|$))'];

/** picomatch's expression for one pattern, without its outer anchors; undefined for only slashes. */
function compileOne(glob: string): { body: string; anchored: boolean } | undefined {
  let g = glob
    .trim()
    .replace(/\\/g, '/')
    // Repeated `**/` mean nothing more and only make the engine backtrack.
    .replace(/(?:\*\*\/)+/g, '**/');
  const anchored = g.startsWith('/');
  g = g.replace(/^\/+/, '');
  if (g === '') return undefined;
  if (g.endsWith('/')) g += '**';
  // Every pattern matches at any depth already.
  if (!anchored) g = g.replace(/^\*\*\/(?=.)/, '');
  const body = DOT_NAME_CHECKS.reduce((out, check) => out.split(check).join(''), picomatch.parse(g, OPTIONS).output);
  return { body, anchored };
}

const PAIRS: Record<string, string> = { '[': ']', '{': '}', '(': ')' };

/**
 * Why a deny pattern cannot be used, or undefined when it can: an unclosed or unopened bracket,
 * brace or parenthesis (picomatch would quietly read it as text), a `..` segment (the guard refuses
 * such paths anyway, so the pattern would never match), a control character, or no name at all.
 */
export function denyPatternProblem(pattern: string): string | undefined {
  // Blank entries are skipped, not refused: an empty line in the list is harmless.
  if (pattern.trim() === '') return undefined;
  const g = pattern.trim().replace(/^!/, '').replace(/\\/g, '/');
  if (g.replace(/\//g, '') === '') return 'names no file';
  if (/[\u0000-\u001f\u007f]/.test(g)) return 'has a control character';
  if (g.split('/').includes('..')) return "has a '..' segment (paths that leave the folder are refused anyway)";
  try {
    picomatch.makeRe(g.replace(/^\/+/, ''), { ...OPTIONS, strictBrackets: true });
    return undefined;
  } catch (e) {
    // picomatch names the missing half: "Missing closing: "]"" means a lone "[".
    const [, side, char = ''] = /Missing (opening|closing): "(.)"/.exec(String(e)) ?? [];
    const lone = side === 'closing' ? Object.keys(PAIRS).find((o) => PAIRS[o] === char) : PAIRS[char];
    if (!lone) return String(e);
    return `has a "${lone}" without its pair (write [${lone}] to match "${lone}" as text)`;
  }
}

/** Throws a TurboError naming `source` and the first unusable pattern of `patterns`. */
export function checkDenyPatterns(patterns: readonly string[], source: string): void {
  for (const pattern of patterns) {
    const problem = denyPatternProblem(pattern);
    if (problem)
      throw new TurboError(
        'config',
        `${source} takes globs such as "secrets/**" or "**/*.{pem,key}"; ${JSON.stringify(pattern)} ${problem}.`,
      );
  }
}
