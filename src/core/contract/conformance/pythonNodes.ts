/** Readers over Python tree-sitter nodes shared by the Python extractor's parts. */
import type { Node } from 'web-tree-sitter';
import { namedChildren, stringValue } from './nodes';

/** The nodes the Python extractor reads, by type, in document order. */
export interface PythonNodes {
  classes: Node[];
  assignments: Node[];
  calls: Node[];
  imports: Node[];
  functions: Node[];
  /** Ids of the calls that are decorators (`@app.get("/")`): asking a node for its parent is slow. */
  decoratorCalls: Set<number>;
}

/**
 * One walk for all of them, in tree-sitter's own code: a walk in JavaScript that touches every node
 * costs ten times as much, and the check must read a 200-file project in milliseconds.
 */
export function pythonNodes(root: Node): PythonNodes {
  const nodes: PythonNodes = {
    classes: [],
    assignments: [],
    calls: [],
    imports: [],
    functions: [],
    decoratorCalls: new Set(),
  };
  const types = [
    'class_definition',
    'function_definition',
    'assignment',
    'call',
    'import_statement',
    'import_from_statement',
    'decorator',
  ];
  for (const node of root.descendantsOfType(types)) {
    if (node.type === 'class_definition') nodes.classes.push(node);
    else if (node.type === 'assignment') nodes.assignments.push(node);
    else if (node.type === 'call') nodes.calls.push(node);
    else if (node.type === 'function_definition') nodes.functions.push(node);
    else if (node.type === 'decorator') {
      const expression = node.firstNamedChild;
      if (expression?.type === 'call') nodes.decoratorCalls.add(expression.id);
    } else nodes.imports.push(node);
  }
  return nodes;
}

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
      return simpleName(node.firstNamedChild);
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

/** A function as the routing code needs it: its name, parameters and line. */
export interface FunctionInfo {
  name: string;
  params: string[];
  line: number;
}

/**
 * Which function a node sits in, found from the functions' extents rather than by walking up the tree
 * (each step up is a call into tree-sitter, and the check asks this of every call in the file).
 */
export class FunctionScopes {
  private readonly spans: { start: number; end: number; fn: Node | undefined; info?: FunctionInfo }[];
  /** Names of the functions the file defines. */
  readonly names: Set<string>;

  constructor(functions: Node[], classes: Node[]) {
    const span = (n: Node, fn: Node | undefined) => ({ start: n.startIndex, end: n.endIndex, fn });
    this.spans = [...functions.map((f) => span(f, f)), ...classes.map((c) => span(c, undefined))];
    this.spans.sort((a, b) => a.start - b.start);
    this.names = new Set(functions.map((f) => f.childForFieldName('name')?.text ?? ''));
  }

  /** The nearest function around `node`; undefined at module level or in a class body. */
  at(node: Node): FunctionInfo | undefined {
    // Read once: each is a call into tree-sitter.
    const start = node.startIndex;
    const end = node.endIndex;
    let inner: (typeof this.spans)[number] | undefined;
    for (const s of this.spans) {
      if (s.start > start) break;
      if (s.end >= end && s.start < start) inner = s;
    }
    if (!inner?.fn) return undefined;
    inner.info ??= {
      name: inner.fn.childForFieldName('name')?.text ?? '',
      params: parameterNames(inner.fn),
      line: inner.fn.startPosition.row + 1,
    };
    return inner.info;
  }
}

/** The assignment a statement holds (`x = 1`, `x: int = 1`, `x: int`), if it is one. */
export function assignmentOf(statement: Node): Node | undefined {
  if (statement.type !== 'expression_statement') return undefined;
  const first = statement.firstNamedChild;
  return first?.type === 'assignment' ? first : undefined;
}
