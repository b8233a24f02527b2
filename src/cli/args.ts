import { parseArgs as parseNodeArgs, type ParseArgsConfig } from 'node:util';
import { parseChoice, parseNumber, type NumberRule } from '../core/inputs';

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
  /** The values of repeatable flags (`--protect a --protect b`), in order. */
  lists: Map<string, string[]>;
}

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Node's parser, strict: unknown flags and missing values are errors, `--` ends the flags, and both
 * `--flag=value` and `--flag value` work. A value that starts with `-` must be written `--flag=-x`,
 * so `--cmd --json` is a forgotten value, not a command named --json. One-letter names (`q`, `h`)
 * are the short forms `-q`, `-h`.
 */
export function parseArgs(
  argv: string[],
  spec: { boolean: string[]; value: string[]; repeatable?: string[] },
): ParsedArgs {
  const options: Options = {};
  for (const name of spec.boolean) options[name] = { type: 'boolean' };
  for (const name of spec.value) options[name] = { type: 'string' };
  for (const name of spec.repeatable ?? []) options[name] = { type: 'string', multiple: true };
  try {
    const { values, positionals } = parseNodeArgs({ args: argv, options, strict: true, allowPositionals: true });
    const flags = new Map<string, string | true>();
    const lists = new Map<string, string[]>();
    for (const [name, value] of Object.entries(values)) {
      if (typeof value === 'string' || value === true) flags.set(name, value);
      else if (Array.isArray(value))
        lists.set(
          name,
          value.filter((v): v is string => typeof v === 'string'),
        );
    }
    return { positionals, flags, lists };
  } catch (err) {
    if (!String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw err;
    throw new UsageError(usageProblem(argv, options) ?? (err as Error).message);
  }
}

/** Turbo's words for what the strict parse refused, found by reading the arguments leniently. */
function usageProblem(argv: string[], options: Options): string | undefined {
  const { tokens } = parseNodeArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const flag = token.rawName;
    const { value } = token;
    const type = Object.hasOwn(options, token.name) ? options[token.name].type : undefined;
    if (type === undefined) return `unknown option ${argv[token.index]}`;
    if (type === 'boolean' && value !== undefined) return `${flag} takes no value`;
    if (type === 'string' && value === undefined) return `${flag} needs a value`;
    if (type === 'string' && !token.inlineValue && value !== undefined && value.length > 1 && value.startsWith('-'))
      return `${flag} needs a value (got ${value}; to pass a value that starts with -, write ${flag}=VALUE)`;
  }
  return undefined;
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
