/** Readers over Python tree-sitter nodes shared by the Python extractor's parts. */
import type { Node } from 'web-tree-sitter';
import { namedChildren, stringValue } from './nodes';

/** The arguments of a call: positional in order, keywords by name. Splats (`*a`, `**k`) are left out. */
export interface CallArgs {
  positional: Node[];
  keywords: Map<string, Node>;
}

export function callArgs(call: Node): CallArgs {
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  const list = call.childForFieldName('arguments');
  if (list?.type !== 'argument_list') return { positional, keywords };
  for (const arg of namedChildren(list)) {
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name')?.text;
      const value = arg.childForFieldName('value');
      if (name && value) keywords.set(name, value);
    } else if (arg.type !== 'list_splat' && arg.type !== 'dictionary_splat' && arg.type !== 'comment') {
      positional.push(arg);
    }
  }
  return { positional, keywords };
}

/** A dotted name as written (`app`, `tasks.router`, `db.Column`), or undefined for anything else. */
export function dottedName(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type !== 'attribute') return undefined;
  const object = dottedName(node.childForFieldName('object'));
  const attribute = node.childForFieldName('attribute')?.text;
  return object && attribute ? `${object}.${attribute}` : undefined;
}

/** The last part of a name, call or subscript: `db.Model` → `Model`, `Generic[T]` → `Generic`, `String(80)` → `String`. */
export function simpleName(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'identifier':
      return node.text;
    case 'attribute':
      return node.childForFieldName('attribute')?.text;
    case 'subscript':
      return simpleName(node.childForFieldName('value'));
    case 'call':
      return simpleName(node.childForFieldName('function'));
    case 'generic_type':
    case 'type':
      return simpleName(node.namedChildren[0]);
    default:
      return undefined;
  }
}

/** A string literal, or the value of a module-level string constant of the same file. */
export function literalOrConstant(node: Node | null | undefined, constants: Map<string, string>): string | undefined {
  if (node?.type === 'identifier') return constants.get(node.text);
  return stringValue(node);
}

/** The names of a function's parameters in order (`self` included), `*args`/`**kw` by their names. */
export function parameterNames(fn: Node): string[] {
  const params = fn.childForFieldName('parameters');
  if (!params) return [];
  const names: string[] = [];
  for (const p of namedChildren(params)) {
    if (p.type === 'identifier') names.push(p.text);
    else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter')
      names.push(p.childForFieldName('name')?.text ?? '');
    else if (p.type === 'typed_parameter' || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern')
      names.push(namedChildren(p).find((c) => c.type === 'identifier')?.text ?? '');
    else if (p.type !== 'comment') names.push('');
  }
  return names;
}

/** The nearest function a node sits in, or undefined at module or class level. */
export function enclosingFunction(node: Node): Node | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition') return n;
    if (n.type === 'class_definition') return undefined;
  }
  return undefined;
}

/** The assignment a statement holds (`x = 1`, `x: int = 1`, `x: int`), if it is one. */
export function assignmentOf(statement: Node): Node | undefined {
  if (statement.type !== 'expression_statement') return undefined;
  const first = statement.namedChildren[0];
  return first?.type === 'assignment' ? first : undefined;
}
