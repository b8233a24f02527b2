/** zod schemas as models: `z.object({ … })` and the schemas derived from one; field types as TypeScript spells them. */
import type { Node } from 'web-tree-sitter';
import { lineOf, namedChildren, stringValue } from './nodes';
import type { FoundModel } from './types';

/** How this file names zod (`z` by default), and the names that may be schemas: declared so far, or imported. */
export interface Zod {
  locals: Set<string>;
  schemas: Set<string>;
}

/** The name a property key gives: `title`, `'created-at'` → `created-at`, `0`; undefined for a computed key. */
export function keyName(node: Node | null): string | undefined {
  if (!node) return undefined;
  if (node.type === 'property_identifier' || node.type === 'number' || node.type === 'identifier') return node.text;
  if (node.type === 'string') return stringValue(node);
  return undefined;
}

/** Methods that give a schema derived from the one they are called on. */
const DERIVED = new Set(['extend', 'merge', 'partial', 'required', 'omit', 'strict', 'passthrough', 'strip']);

/**
 * `const Task = z.object({ … })`, with `.extend({ … })`, `.merge(Other)`, `.strict()` and the like around
 * it, or derived from another schema (`Base.extend({ … })`) of this file or imported from the project.
 */
export function zodModel(node: Node, zod: Zod): FoundModel | undefined {
  const name = node.childForFieldName('name');
  let call: Node | null | undefined = node.childForFieldName('value');
  if (name?.type !== 'identifier' || call?.type !== 'call_expression') return undefined;
  const model: FoundModel = { name: name.text, kind: 'zod schema', bases: [], fields: [], line: lineOf(name) };
  // Walk the chain from its last call inwards: `Base.extend({…}).strict()`.
  while (call?.type === 'call_expression') {
    const fn = call.childForFieldName('function');
    const args = namedChildren(call.childForFieldName('arguments') ?? call);
    const method = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
    const object: Node | null | undefined = fn?.childForFieldName('object');
    if (!method || !object) return undefined;
    if (method === 'object' && object.type === 'identifier' && zod.locals.has(object.text)) {
      if (args[0]?.type === 'object') zodShape(args[0], zod, model);
      return model;
    }
    if (method === 'extend' && args[0]?.type === 'object') zodShape(args[0], zod, model);
    if (method === 'merge' && args[0]?.type === 'identifier') model.bases.push(args[0].text);
    if (object.type === 'identifier') {
      const derived = DERIVED.has(method) && zod.schemas.has(object.text);
      if (!derived) return undefined;
      model.bases.push(object.text);
      return model;
    }
    call = object;
  }
  return undefined;
}

function zodShape(object: Node, zod: Zod, model: FoundModel): void {
  for (const entry of namedChildren(object)) {
    if (entry.type === 'pair') {
      const key = entry.childForFieldName('key');
      const name = keyName(key);
      if (key && name !== undefined)
        model.fields.push({
          name,
          aliases: [],
          type: zodType(entry.childForFieldName('value'), zod),
          line: lineOf(key),
        });
    } else if (entry.type === 'shorthand_property_identifier') {
      model.fields.push({ name: entry.text, aliases: [], type: undefined, line: lineOf(entry) });
    } else if (entry.type === 'spread_element') {
      // `...Base.shape`
      const spread = namedChildren(entry)[0];
      const base = spread?.type === 'member_expression' ? spread.childForFieldName('object') : spread;
      if (base?.type === 'identifier') model.bases.push(base.text);
    }
  }
}

const ZOD_TYPES: Record<string, string> = {
  string: 'string',
  email: 'string',
  uuid: 'string',
  url: 'string',
  number: 'number',
  int: 'number',
  bigint: 'bigint',
  boolean: 'boolean',
  date: 'Date',
  any: 'any',
  unknown: 'unknown',
  null: 'null',
  undefined: 'undefined',
  object: 'object',
};

const grouped = (t: string): string => (t.includes('|') ? `(${t})` : t);

/** A zod schema expression as the TypeScript type it validates: `z.array(z.string()).optional()` → `string[]`. */
function zodType(node: Node | null, zod: Zod): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type !== 'call_expression') return undefined;
  const fn = node.childForFieldName('function');
  const args = namedChildren(node.childForFieldName('arguments') ?? node);
  if (fn?.type !== 'member_expression') return undefined;
  const method = fn.childForFieldName('property')?.text ?? '';
  const object = fn.childForFieldName('object');
  // `z.string()`, `z.coerce.date()`, `z.string().email()`: which object the method hangs on decides.
  const onZod =
    object?.type === 'identifier'
      ? zod.locals.has(object.text)
      : object?.type === 'member_expression' && zod.locals.has(object.childForFieldName('object')?.text ?? '');
  if (!onZod) {
    const inner = zodType(object, zod);
    if (method === 'array' && inner) return `${grouped(inner)}[]`;
    if (method === 'or' && inner) return `${inner} | ${zodType(args[0], zod) ?? 'unknown'}`;
    return inner;
  }
  return zodConstructor(method, args, zod);
}

function zodConstructor(method: string, args: Node[], zod: Zod): string | undefined {
  const element = (n: Node | undefined) => (n ? zodType(n, zod) : undefined);
  switch (method) {
    case 'array':
    case 'set': {
      const inner = element(args[0]);
      if (!inner) return undefined;
      return method === 'array' ? `${grouped(inner)}[]` : `Set<${inner}>`;
    }
    case 'optional':
    case 'nullable':
      return element(args[0]);
    case 'record':
      return `Record<string, ${element(args[args.length - 1]) ?? 'unknown'}>`;
    case 'enum':
      return args[0]?.type === 'array'
        ? namedChildren(args[0])
            .map((n) => n.text)
            .join(' | ')
        : undefined;
    case 'nativeEnum':
      return args[0]?.text;
    case 'literal':
      return args[0]?.text;
    case 'union': {
      const members = args[0]?.type === 'array' ? namedChildren(args[0]).map((n) => zodType(n, zod)) : [];
      return members.length && members.every((m) => m) ? members.join(' | ') : undefined;
    }
    default:
      return ZOD_TYPES[method];
  }
}
