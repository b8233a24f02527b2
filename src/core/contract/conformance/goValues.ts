/**
 * What the Go extractor knows about one file while it reads it, and the readers of values it needs
 * everywhere: strings (literals and same-file constants), HTTP methods, ServeMux patterns, and the
 * methods a handler compares `r.Method` with.
 */
import type { Node } from 'web-tree-sitter';
import { namedChildren, stringValue } from './nodes';
import type { FileFacts } from './types';

export interface GoFile {
  facts: FileFacts;
  /** Import local name → module path. */
  imports: Map<string, string>;
  /** Local names of net/http and gin, when imported. */
  http: string | undefined;
  gin: string | undefined;
  /** Local names of router packages Turbo does not read (chi, echo, …): what is built from them is not a router Turbo knows. */
  foreign: Set<string>;
  consts: Map<string, Node>;
  /** Function and method names declared in the file → their bodies (a method name may have several receivers). */
  bodies: Map<string, Node[]>;
  /** Struct fields that hold routers, `Server.router` → the family of their type (of this file, or assigned here). */
  fieldRouters: Map<string, 'nethttp' | 'gin' | 'foreign'>;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE']);

/** A string the code spells out: a literal, a same-file constant, or a `+` of those. */
export function goString(node: Node | null | undefined, go: GoFile, depth = 0): string | undefined {
  if (!node || depth > 8) return undefined;
  const literal = stringValue(node);
  if (literal !== undefined) return literal;
  if (node.type === 'identifier') return goString(go.consts.get(node.text), go, depth + 1);
  if (node.type === 'binary_expression' && node.childForFieldName('operator')?.type === '+') {
    const left = goString(node.childForFieldName('left'), go, depth + 1);
    const right = goString(node.childForFieldName('right'), go, depth + 1);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  return undefined;
}

/** `"GET"`, `http.MethodGet`, or a constant holding one: the upper-case method. */
export function methodValue(node: Node | null | undefined, go: GoFile): string | undefined {
  if (!node) return undefined;
  if (node.type === 'selector_expression') {
    const field = node.childForFieldName('field')?.text ?? '';
    const upper = field.startsWith('Method') ? field.slice('Method'.length).toUpperCase() : '';
    return METHODS.has(upper) ? upper : undefined;
  }
  const text = goString(node, go)?.toUpperCase();
  return text !== undefined && METHODS.has(text) ? text : undefined;
}

export interface Pattern {
  method: string | undefined;
  path: string;
  subtree: boolean;
}

/** A ServeMux pattern, `[METHOD ][HOST]/PATH`: the host is dropped; a trailing `/{$}` matches that path only. */
export function parsePattern(pattern: string): Pattern {
  let rest = pattern.trim();
  let method: string | undefined;
  const space = rest.search(/\s/);
  if (space > 0) {
    method = rest.slice(0, space).toUpperCase();
    rest = rest.slice(space).trim();
  }
  const slash = rest.indexOf('/');
  if (slash > 0) rest = rest.slice(slash);
  if (rest.endsWith('/{$}')) return { method, path: rest.slice(0, -'{$}'.length), subtree: false };
  return { method, path: rest, subtree: rest.endsWith('/') };
}

/** The methods a handler compares `r.Method` with (`==`, `!=`, `switch r.Method`), sorted; empty when it compares none. */
export function handlerMethods(handler: Node, go: GoFile): string[] {
  const found = new Set<string>();
  for (const body of handlerBodies(handler, go, 0))
    for (const node of body.descendantsOfType(['binary_expression', 'expression_switch_statement']))
      for (const m of comparedMethods(node, go)) found.add(m);
  return [...found].sort();
}

function comparedMethods(node: Node, go: GoFile): string[] {
  if (node.type === 'binary_expression') {
    const op = node.childForFieldName('operator')?.type;
    if (op !== '==' && op !== '!=') return [];
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const value = isMethodField(left) ? right : isMethodField(right) ? left : undefined;
    const m = methodValue(value, go);
    return m ? [m] : [];
  }
  if (node.type === 'expression_switch_statement' && isMethodField(node.childForFieldName('value'))) {
    const values = namedChildren(node)
      .filter((c) => c.type === 'expression_case')
      .flatMap((c) => c.childrenForFieldName('value').flatMap(namedChildren));
    return values.map((v) => methodValue(v, go)).filter((m): m is string => m !== undefined);
  }
  return [];
}

/** The arguments of a call expression. */
export const argsOf = (call: Node): Node[] => {
  const list = call.childForFieldName('arguments');
  return list ? namedChildren(list) : [];
};

const isMethodField = (node: Node | null | undefined): boolean =>
  node?.type === 'selector_expression' && node.childForFieldName('field')?.text === 'Method';

/**
 * The bodies that decide what a handler does: a func literal's, a same-file function's or method's,
 * and through a call (`http.HandlerFunc(f)`, `s.handleTasks()`, `logged(f)`) the callee's and its arguments'.
 */
function handlerBodies(node: Node | null | undefined, go: GoFile, depth: number): Node[] {
  if (!node || depth > 3) return [];
  switch (node.type) {
    case 'func_literal':
      return [node.childForFieldName('body')].filter((b): b is Node => b !== null);
    case 'identifier':
      return go.bodies.get(node.text) ?? [];
    case 'selector_expression': {
      const operand = node.childForFieldName('operand');
      if (operand?.type === 'identifier' && go.imports.has(operand.text)) return [];
      return go.bodies.get(node.childForFieldName('field')?.text ?? '') ?? [];
    }
    case 'parenthesized_expression':
      return handlerBodies(node.namedChildren[0], go, depth + 1);
    case 'call_expression': {
      return [node.childForFieldName('function'), ...argsOf(node)].flatMap((n) => handlerBodies(n, go, depth + 1));
    }
    default:
      return [];
  }
}
