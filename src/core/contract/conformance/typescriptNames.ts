/**
 * How a TypeScript/JavaScript file names things, for the Express reader: the module a `require()` loads,
 * the function a parameter belongs to (and that function's name, `default` when exported anonymously),
 * and what the module exports by default.
 */
import type { Node } from 'web-tree-sitter';
import { descendants, namedChildren, stringValue } from './nodes';

const FUNCTIONS = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'generator_function',
  'arrow_function',
  'method_definition',
]);

/** A node with its type, read once: every read of a node's property crosses into WebAssembly. */
export interface Typed {
  node: Node;
  type: string;
}

/** The nodes of the given types, in document order. */
export type NodesOf = (...types: string[]) => Typed[];

/** One walk of the tree (in WebAssembly) for every node type the extractor looks at. */
export function nodesOf(root: Node, wanted: string[]): NodesOf {
  const found = root.descendantsOfType(wanted).map((node) => ({ node, type: node.type }));
  return (...types) => found.filter((f) => types.includes(f.type));
}
/** A module of the project itself, not a package: relative, absolute, or a usual path alias. */
export const isProjectModule = (m: string): boolean => /^(\.|\/|@\/|~\/|#)/.test(m);

/** A call with its callee read once: every read of a node crosses into WebAssembly, and calls are many. */
export interface Call {
  node: Node;
  /** The callee when it is a name: `require`, `registerRoutes`. */
  name?: string;
  /** A method call: `get` in `app.get(…)`, its node, and the object it is called on. */
  method?: string;
  methodNode?: Node;
  object?: Node;
}

export function readCall(node: Node): Call {
  const fn = node.childForFieldName('function');
  const type = fn?.type;
  if (type === 'identifier') return { node, name: fn?.text };
  if (type !== 'member_expression') return { node };
  const methodNode = fn?.childForFieldName('property') ?? undefined;
  return { node, method: methodNode?.text, methodNode, object: fn?.childForFieldName('object') ?? undefined };
}

/** The module of a `require('x')` call. */
export function requiredBy(call: Call): string | undefined {
  if (call.name !== 'require') return undefined;
  const args = call.node.childForFieldName('arguments');
  return args?.namedChildCount === 1 ? stringValue(namedChildren(args)[0]) : undefined;
}

/** The module of a `require('x')` call, or undefined for any other node. */
export function requiredModule(node: Node | null | undefined): string | undefined {
  if (node?.type !== 'call_expression' || node.childForFieldName('function')?.text !== 'require') return undefined;
  const args = node.childForFieldName('arguments');
  return args?.namedChildCount === 1 ? stringValue(namedChildren(args)[0]) : undefined;
}

/** The identifiers a function declares as parameters, by position (undefined for a destructured one). */
function params(fn: Node): (Node | undefined)[] {
  const single = fn.childForFieldName('parameter');
  if (single) return [single];
  const list = fn.childForFieldName('parameters');
  return (list ? namedChildren(list) : [])
    .filter((p) => p.type !== 'comment')
    .map((p) => {
      const pattern = p.type === 'identifier' ? p : p.childForFieldName('pattern');
      return pattern?.type === 'identifier' ? pattern : undefined;
    });
}

export const paramPattern = (fn: Node, index: number): Node | undefined => params(fn)[index];

/**
 * The function whose parameter an identifier refers to, and the parameter's position; undefined when it
 * is no parameter (a name of the module).
 */
export function paramOf(identifier: Node): { fn: Node; index: number } | undefined {
  for (let node = identifier.parent; node; node = node.parent) {
    if (!FUNCTIONS.has(node.type)) continue;
    const index = params(node).findIndex((p) => p?.text === identifier.text);
    if (index >= 0) return { fn: node, index };
  }
  return undefined;
}

/** The function a node is inside of, if any. */
export function enclosingFunction(node: Node): Node | undefined {
  for (let up = node.parent; up; up = up.parent) if (FUNCTIONS.has(up.type)) return up;
  return undefined;
}

/** Whether a function returns the local `name` (`return router;`, or an arrow whose body is `router`). */
export function returnsLocal(fn: Node, name: string): boolean {
  const body = fn.childForFieldName('body');
  if (!body) return false;
  if (body.type === 'identifier') return body.text === name;
  for (const node of descendants(body))
    if (
      node.type === 'return_statement' &&
      namedChildren(node)[0]?.text === name &&
      enclosingFunction(node)?.id === fn.id
    )
      return true;
  return false;
}

/** A parameter typed as an Express app or router (`app: Express`, `router: express.Router`). */
export function paramRouterTyped(fn: Node, index: number): boolean {
  const annotation = paramPattern(fn, index)?.parent?.childForFieldName('type');
  return !!annotation && /\b(Express|Application|Router|IRouter)\b/.test(annotation.text);
}

const CLASSES = new Set(['class_declaration', 'abstract_class_declaration', 'class']);

/**
 * A class member as other files reach it: `this.router` inside `class TaskRoutes` and `new TaskRoutes().router`
 * are both `TaskRoutes.router` (`this.router` in an anonymous class).
 */
export function memberOfClass(node: Node, member: string): string {
  for (let up = node.parent; up; up = up.parent)
    if (CLASSES.has(up.type)) return `${up.childForFieldName('name')?.text ?? 'this'}.${member}`;
  return `this.${member}`;
}

/**
 * The name a function goes by from outside: the variable or export it is assigned to, its own, `default`
 * for an anonymous `export default` or `module.exports =`, `Class.method` for a method. Undefined for callbacks.
 */
export function functionName(fn: Node): string | undefined {
  if (fn.type === 'function_declaration' || fn.type === 'generator_function_declaration')
    return fn.childForFieldName('name')?.text;
  if (fn.type === 'method_definition') {
    const name = memberOfClass(fn, fn.childForFieldName('name')?.text ?? '');
    return name.startsWith('this.') ? undefined : name;
  }
  const parent = fn.parent;
  if (parent?.type === 'variable_declarator') return parent.childForFieldName('name')?.text;
  // `module.exports = function registerRoutes(app)` reads as `export default function registerRoutes(app)`.
  const own = fn.childForFieldName('name')?.text;
  if (parent?.type === 'export_statement') return own ?? 'default';
  if (parent?.type === 'assignment_expression') {
    const left = parent.childForFieldName('left');
    if (left?.text === 'module.exports') return own ?? 'default';
    if (left?.type === 'identifier') return left.text;
    const object = left?.childForFieldName('object')?.text;
    if (object === 'exports' || object === 'module.exports') return left?.childForFieldName('property')?.text;
  }
  return undefined;
}

/**
 * The local name of the default export (`export default router`, `module.exports = router`, `export = router`,
 * `export { router as default }`, `export default new TaskRoutes().router`); a function that registers
 * on a parameter is named by that parameter (`registerRoutes(0)`), one that returns a router by the call
 * (`tasksRouter()`): `ofFunction` gives those, `ofMember` the name of a member expression.
 */
export function defaultExport(
  nodes: Typed[],
  ofFunction: (fn: string) => string | undefined,
  ofMember: (node: Node) => string | undefined,
): string | undefined {
  let found: string | undefined;
  const named = (name: string | undefined) => (name ? (ofFunction(name) ?? name) : undefined);
  for (const { node, type } of nodes) {
    let value: Node | null = null;
    if (type === 'export_statement') {
      const tokens = node.children.map((c) => c?.type);
      if (tokens.includes('default')) value = node.childForFieldName('value') ?? node.childForFieldName('declaration');
      // TypeScript's `export = router`: CommonJS module.exports.
      else if (tokens.includes('=')) value = namedChildren(node)[0] ?? null;
    } else if (type === 'assignment_expression' && node.childForFieldName('left')?.text === 'module.exports')
      value = node.childForFieldName('right');
    else if (type === 'export_specifier' && node.childForFieldName('alias')?.text === 'default')
      found = node.childForFieldName('name')?.text;
    if (value?.type === 'identifier') found = named(value.text);
    else if (value?.type === 'member_expression') found = ofMember(value);
    else if (value && FUNCTIONS.has(value.type)) found = named(functionName(value));
  }
  return found;
}
