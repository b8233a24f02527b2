/**
 * Field types as written in Python, TypeScript or Go, read into one small shape so that equivalent
 * spellings compare equal: `list[Task]`, `List[Task]`, `Task[]`, `Array<Task>` and `[]Task` are one list of
 * Task; `Optional[str]`, `str | None`, `string | undefined` and `*string` are a string (optionality is not
 * compared). Parsing a type string is not parsing source code: the strings are short and come from the
 * contract or from a tree-sitter node's text.
 */

export type TypeShape =
  | { k: 'prim'; name: Prim }
  | { k: 'list'; of: TypeShape }
  | { k: 'dict' }
  | { k: 'named'; name: string }
  | { k: 'union'; options: TypeShape[] }
  | { k: 'any' }
  | { k: 'none' };

import { ANYS, DICTS, LISTS, NONES, PRIMS, WRAPPERS, type Prim } from './typeNames';

export type { Prim } from './typeNames';

/** Reads a type string; anything it cannot read is `any` (never compared). */
export function readType(text: string | undefined): TypeShape {
  // A real field type is a few tokens; a hostile one (thousands of unclosed `A[`) is not compared.
  if (!text || text.length > MAX_TYPE_CHARS) return { k: 'any' };
  try {
    const reader = new Reader(text.replace(/^\s*readonly\s+/, ''));
    const shape = reader.union();
    return reader.done() ? shape : { k: 'any' };
  } catch {
    return { k: 'any' };
  }
}

const TOKEN_RE = /\s*(\.\.\.|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*|"[^"]*"|'[^']*'|-?\d+(?:\.\d+)?|\S)/y;

const MAX_TYPE_CHARS = 400;
const MAX_DEPTH = 16;

class Reader {
  private depth = 0;

  private readonly tokens: string[] = [];
  private at = 0;

  constructor(text: string) {
    let end = 0;
    TOKEN_RE.lastIndex = 0;
    for (let m = TOKEN_RE.exec(text); m; m = TOKEN_RE.exec(text)) {
      this.tokens.push(m[1]);
      end = TOKEN_RE.lastIndex;
    }
    if (text.slice(end).trim()) throw new Error('unread');
  }

  done(): boolean {
    return this.at >= this.tokens.length;
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }

  private take(expected?: string): string {
    const t = this.tokens[this.at++];
    if (t === undefined || (expected !== undefined && t !== expected)) throw new Error(`expected ${expected}`);
    return t;
  }

  union(): TypeShape {
    if (++this.depth > MAX_DEPTH) throw new Error('too deep');
    try {
      return this.options();
    } finally {
      this.depth--;
    }
  }

  private options(): TypeShape {
    const options = [this.postfix()];
    while (this.peek() === '|') {
      this.take();
      options.push(this.postfix());
    }
    return simplify(options);
  }

  /** `T[]` and `T?` after a TypeScript type. */
  private postfix(): TypeShape {
    let shape = this.primary();
    for (;;) {
      if (this.peek() === '[' && this.tokens[this.at + 1] === ']') {
        this.at += 2;
        shape = { k: 'list', of: shape };
      } else if (this.peek() === '?') this.take();
      else return shape;
    }
  }

  private primary(): TypeShape {
    const t = this.take();
    if (t === '(') {
      const inner = this.union();
      this.take(')');
      return inner;
    }
    if (t === '*' || t === '&') return this.postfix();
    if (t === '[') {
      // Go: []T, [N]T
      if (this.peek() !== ']') this.take();
      this.take(']');
      const of = this.postfix();
      return of.k === 'prim' && of.name === 'int' && this.tokens[this.at - 1] === 'byte'
        ? { k: 'prim', name: 'bytes' }
        : { k: 'list', of };
    }
    if (t === '{') return this.objectType();
    // A quoted name is a forward reference (`list["Task"]`); a number is a literal.
    if (/^["']/.test(t)) return readType(t.slice(1, -1));
    if (/^[\d-]/.test(t)) return { k: 'any' };
    return this.named(t);
  }

  /** `{ [key: string]: V }` is a dict; any other inline object type is not compared. */
  private objectType(): TypeShape {
    const index = this.peek() === '[';
    let depth = 1;
    while (depth > 0) {
      const t = this.take();
      if (t === '{') depth++;
      else if (t === '}') depth--;
    }
    return index ? { k: 'dict' } : { k: 'any' };
  }

  private named(name: string): TypeShape {
    if (name === 'map' && this.peek() === '[') {
      this.take('[');
      this.union();
      this.take(']');
      this.postfix();
      return { k: 'dict' };
    }
    if (name === 'interface' && this.peek() === '{') {
      this.take('{');
      this.take('}');
      return { k: 'any' };
    }
    const args = this.args();
    // `typing.List`, `so.Mapped`, `t.Optional`: the module prefix does not matter, except in dotted names
    // that are types of their own (`time.Time`, `json.RawMessage`).
    const bare = PRIMS[name] || ANYS.has(name) ? name : name.slice(name.lastIndexOf('.') + 1);
    if (WRAPPERS.has(bare)) return args[0] ?? { k: 'any' };
    if (bare === 'Union') return simplify(args);
    if (bare === 'Literal' || bare === 'ClassVar' || bare === 'Promise') return { k: 'any' };
    if (LISTS.has(bare)) return { k: 'list', of: args[0] ?? { k: 'any' } };
    if (DICTS.has(bare)) return { k: 'dict' };
    if (ANYS.has(bare)) return { k: 'any' };
    if (NONES.has(bare)) return { k: 'none' };
    const prim = PRIMS[bare];
    if (prim) return { k: 'prim', name: prim };
    return { k: 'named', name: bare.slice(bare.lastIndexOf('.') + 1) };
  }

  /** `[A, B]` (Python) or `<A, B>` (TypeScript) after a name. */
  private args(): TypeShape[] {
    const open = this.peek();
    if (open !== '[' && open !== '<') return [];
    // Go's `[]T` never follows a name, and `T[]` is a list: neither is an argument list.
    if (open === '[' && this.tokens[this.at + 1] === ']') return [];
    const close = open === '[' ? ']' : '>';
    this.take();
    const args: TypeShape[] = [];
    while (this.peek() !== close) {
      if (this.peek() === '...') this.take();
      else args.push(this.argument(close));
      if (this.peek() === ',') this.take();
      else break;
    }
    this.take(close);
    return args;
  }

  /** One argument; one that is not a type (`Field(max_length=5)` in Annotated) is skipped as `any`. */
  private argument(close: string): TypeShape {
    const start = this.at;
    try {
      const shape = this.union();
      if (this.peek() === ',' || this.peek() === close) return shape;
    } catch {
      // Not a type: skipped below.
    }
    this.at = start;
    for (let depth = 0; this.at < this.tokens.length; this.at++) {
      const t = this.tokens[this.at];
      if (depth === 0 && (t === ',' || t === close)) break;
      if ('([{<'.includes(t)) depth++;
      else if (')]}>'.includes(t)) depth--;
    }
    return { k: 'any' };
  }
}

/** A union without its None/null/undefined members; a single member stands for itself. */
function simplify(options: TypeShape[]): TypeShape {
  const kept = options.filter((o) => o.k !== 'none');
  if (kept.length === 0) return { k: 'none' };
  if (kept.length === 1) return kept[0];
  return { k: 'union', options: kept };
}

const COMPATIBLE: Record<Prim, Prim[]> = {
  string: ['string', 'datetime', 'date', 'uuid'],
  int: ['int', 'number'],
  float: ['float', 'number', 'decimal'],
  number: ['number', 'int', 'float', 'decimal'],
  bool: ['bool'],
  datetime: ['datetime', 'string'],
  date: ['date', 'string', 'datetime'],
  uuid: ['uuid', 'string'],
  decimal: ['decimal', 'float', 'number'],
  bytes: ['bytes'],
};

/**
 * Whether two types are clearly different (`different`), the same or equivalent (`same`), or not
 * comparable here (`unknown`: a name that is not a contract model, an inline object, a union).
 * `models`: the contract's model names; a model is clearly not a string.
 */
export function compareTypes(
  a: TypeShape,
  b: TypeShape,
  models: ReadonlySet<string>,
): 'same' | 'different' | 'unknown' {
  if (a.k === 'union' || b.k === 'union') return compareUnion(a, b, models);
  if (a.k === 'any' || b.k === 'any' || a.k === 'none' || b.k === 'none') return a.k === b.k ? 'same' : 'unknown';
  if (a.k === 'named' || b.k === 'named') return compareNamed(a, b, models);
  if (a.k !== b.k) return 'different';
  if (a.k === 'list' && b.k === 'list') return compareTypes(a.of, b.of, models);
  if (a.k === 'prim' && b.k === 'prim') return COMPATIBLE[a.name].includes(b.name) ? 'same' : 'different';
  return 'same';
}

/** A union is the same when a member is, different when every member clearly differs, else not compared. */
function compareUnion(a: TypeShape, b: TypeShape, models: ReadonlySet<string>): 'same' | 'different' | 'unknown' {
  const [union, other] = a.k === 'union' ? [a, b] : [b as { k: 'union'; options: TypeShape[] }, a];
  const verdicts = union.options.map((o) => compareTypes(o, other, models));
  if (verdicts.includes('same')) return 'same';
  return verdicts.every((v) => v === 'different') ? 'different' : 'unknown';
}

function compareNamed(a: TypeShape, b: TypeShape, models: ReadonlySet<string>): 'same' | 'different' | 'unknown' {
  if (a.k === 'named' && b.k === 'named') {
    if (a.name === b.name) return 'same';
    return models.has(a.name) && models.has(b.name) ? 'different' : 'unknown';
  }
  const named = (a.k === 'named' ? a : b) as { name: string };
  // A contract model is an object: clearly not a string, a number or a list. Another name may be an alias or an enum.
  return models.has(named.name) ? 'different' : 'unknown';
}

/** The type as a person reads it in a message: the text as written, trimmed and on one line. */
export const shownType = (text: string): string => text.replace(/\s+/g, ' ').trim();
