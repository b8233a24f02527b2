/**
 * What the Go extractor knows about one file while it reads it, and the readers of values it needs
 * everywhere: strings (literals and same-file constants), HTTP methods and ServeMux patterns.
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

/** The arguments of a call expression. */
export const argsOf = (call: Node): Node[] => {
  const list = call.childForFieldName('arguments');
  return list ? namedChildren(list) : [];
};
