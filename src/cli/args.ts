import { parseChoice, parseNumber, type NumberRule } from '../core/inputs';

/** A small, strict argument parser: unknown flags are errors, not silently ignored. */
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], spec: { boolean: string[]; value: string[] }): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--?/, '');
    if (spec.boolean.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else if (spec.value.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      // `--cmd --json` is a forgotten value, not a command named --json; `--cmd=--json` says it on purpose.
      if (value === undefined || (eq < 0 && /^--?[A-Za-z]/.test(value))) {
        throw new UsageError(
          `--${name} needs a value${value === undefined ? '' : ` (got the option ${value}; to pass a value that starts with -, write --${name}=VALUE)`}`,
        );
      }
      flags.set(name, value);
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  return { positionals, flags };
}

/** A number flag checked by the shared rules: `--timeout abc` is an error naming the flag, never a default. */
export function numberFlag(flags: ParsedArgs['flags'], name: string, rule: NumberRule, fallback: number): number;
export function numberFlag(flags: ParsedArgs['flags'], name: string, rule: NumberRule): number | undefined;
export function numberFlag(
  flags: ParsedArgs['flags'],
  name: string,
  rule: NumberRule,
  fallback?: number,
): number | undefined {
  const value = flags.get(name);
  if (value === undefined) return fallback;
  return parseNumber(value === true ? '' : value, `--${name}`, rule);
}

/** One of `allowed`, exactly: `--overwrite Never` is an error, not "always". */
export function choiceFlag<T extends string>(
  flags: ParsedArgs['flags'],
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = flags.get(name);
  if (value === undefined) return fallback;
  return parseChoice(value === true ? '' : value, `--${name}`, allowed);
}
