/**
 * Routers in a Go file: `http.NewServeMux()`, `gin.Default()`/`gin.New()`, gin groups, and parameters
 * of router types; then every call of each function is read for registrations and mounts (goCalls.ts).
 */
import type { Node } from 'web-tree-sitter';
import { readCall } from './goCalls';
import { addRouter, fieldRouter, type Known, localStruct, routerFamily, Scope, typePackage } from './goScope';
import { argsOf, type GoFile, goString } from './goValues';
import { lineOf, namedChildren } from './nodes';

const DECLARATIONS = ['short_var_declaration', 'var_spec', 'assignment_statement'];
/** The nodes of a function body the routes are read from (and, outside functions, package variables). */
export const FUNCTION_PARTS = [...DECLARATIONS, 'func_literal', 'call_expression'];

/** `nodes`: in document order, every function and method declaration and every FUNCTION_PARTS node. */
export function readRoutes(nodes: Node[], go: GoFile): void {
  const pkg = new Scope();
  const functions: { decl: Node; end: number; parts: Node[] }[] = [];
  for (const node of nodes) {
    const open = functions.at(-1);
    if (node.type === 'function_declaration' || node.type === 'method_declaration')
      functions.push({ decl: node, end: node.endIndex, parts: [] });
    else if (open && node.startIndex < open.end) open.parts.push(node);
    else if (node.type === 'var_spec') declare(node, pkg, go);
  }
  for (const { decl, parts } of functions) readFunction(decl, parts, pkg, go);
}

function readFunction(decl: Node, parts: Node[], pkg: Scope, go: GoFile): void {
  const scope = new Scope(pkg);
  const receiver = decl.childForFieldName('receiver');
  if (receiver) readParams(receiver, undefined, scope, go);
  const params = decl.childForFieldName('parameters');
  if (params) readParams(params, decl.childForFieldName('name')?.text, scope, go);
  for (const node of parts) {
    if (node.type === 'func_literal') {
      const names = listOf(node.childForFieldName('parameters')).flatMap((p) =>
        p.childrenForFieldName('name').map((n) => n.text),
      );
      scope.shadow(node, names);
    } else if (node.type !== 'call_expression') declare(node, scope, go);
  }
  for (const node of parts) if (node.type === 'call_expression') readCall(node, scope, go);
}

/** Parameters of router types become `param` routers named `Func(index)`; a receiver only gets its package noted. */
function readParams(list: Node, func: string | undefined, scope: Scope, go: GoFile): void {
  let index = 0;
  for (const param of namedChildren(list)) {
    if (param.type !== 'parameter_declaration' && param.type !== 'variadic_parameter_declaration') continue;
    const type = param.childForFieldName('type');
    const family = routerFamily(type, go);
    const pkg = typePackage(type, go);
    const struct = localStruct(type);
    const names = param.childrenForFieldName('name');
    if (names.length === 0) index++;
    for (const name of names) {
      const router = `${func}(${index++})`;
      if (func && (family === 'nethttp' || family === 'gin')) {
        addRouter(go, { name: router, kind: 'param', prefix: '', line: lineOf(name) }, family);
        scope.set(name.text, { name: router, family });
      } else scope.set(name.text, { name: name.text, family: family ?? 'none' });
      if (pkg) scope.setPackage(name.text, pkg);
      if (struct) scope.setStruct(name.text, struct);
    }
  }
}

/** `x := …`, `var x T = …`, `x = …`: the routers they make, and the package or struct of other values. */
function declare(node: Node, scope: Scope, go: GoFile): void {
  for (const { name, value, type } of bindings(node)) {
    const v = valueOf(value);
    // Only a call or a composite literal makes a router; a declared type may name one.
    if (!v.call && v.kind !== 'composite_literal' && !type) continue;
    const nameKind = name.type;
    const field = nameKind === 'selector_expression' ? fieldRouter(name, scope, go) : undefined;
    if (field) {
      // `s.api = s.router.Group("/api")`: the field is that router wherever Server is used.
      const known = classify(field.name, v, type, scope, go);
      if (known && known.family !== 'none' && known.family !== 'unknown') go.fieldRouters.set(field.name, known.family);
    }
    if (nameKind !== 'identifier' || name.text === '_') continue;
    const known = classify(name.text, v, type, scope, go);
    if (known) scope.set(name.text, known);
    const literalType = v.kind === 'composite_literal' ? v.node?.childForFieldName('type') : undefined;
    const imported = v.call?.package !== undefined && go.imports.has(v.call.package) ? v.call.package : undefined;
    const pkg = imported ?? typePackage(literalType ?? type, go);
    if (pkg) scope.setPackage(name.text, pkg);
    const struct = localStruct(literalType ?? type);
    if (struct) scope.setStruct(name.text, struct);
  }
}

interface Binding {
  name: Node;
  value: Node | undefined;
  type: Node | undefined;
}

function bindings(node: Node): Binding[] {
  const kind = node.type;
  if (kind === 'var_spec') {
    const values = listOf(node.childForFieldName('value'));
    const type = node.childForFieldName('type') ?? undefined;
    return node.childrenForFieldName('name').map((name, i) => ({ name, value: values[i], type }));
  }
  if (kind !== 'short_var_declaration' && kind !== 'assignment_statement') return [];
  if (kind === 'assignment_statement' && node.childForFieldName('operator')?.type !== '=') return [];
  const left = listOf(node.childForFieldName('left'));
  const right = listOf(node.childForFieldName('right'));
  if (right.length !== left.length) return left.slice(0, 1).map((name) => ({ name, value: right[0], type: undefined }));
  return left.map((name, i) => ({ name, value: right[i], type: undefined }));
}

const listOf = (list: Node | null): Node[] => (list ? namedChildren(list) : []);

/** A value with its parts read once: `&x{}` and `(x)` unwrapped, and for `a.f(…)` the operand and the method. */
interface Value {
  node: Node | undefined;
  kind: string | undefined;
  call?: { node: Node; operand: Node | null; field: string | undefined; package: string | undefined };
}

function valueOf(value: Node | undefined): Value {
  let node = value;
  let kind = node?.type;
  while (node && (kind === 'unary_expression' || kind === 'parenthesized_expression')) {
    node = node.namedChildren.at(-1) ?? undefined;
    kind = node?.type;
  }
  const fn = node && kind === 'call_expression' ? node.childForFieldName('function') : null;
  if (!node || fn?.type !== 'selector_expression') return { node, kind };
  const operand = fn.childForFieldName('operand');
  const pkg = operand?.type === 'identifier' ? operand.text : undefined;
  return { node, kind, call: { node, operand, field: fn.childForFieldName('field')?.text, package: pkg } };
}

function classify(name: string, v: Value, type: Node | undefined, scope: Scope, go: GoFile): Known | undefined {
  const line = v.node ? lineOf(v.node) : 0;
  if (v.kind === 'composite_literal' && routerFamily(v.node?.childForFieldName('type'), go) === 'nethttp') {
    addRouter(go, { name, kind: 'app', prefix: '', line }, 'nethttp');
    return { name, family: 'nethttp' };
  }
  const call = v.call;
  // The operand of `x.f()` is a package when no variable of that name is in sight.
  const pkg = call?.package !== undefined && call.operand && !scope.lookup(call.operand) ? call.package : undefined;
  if (call && pkg !== undefined && pkg === go.http && call.field === 'NewServeMux') {
    addRouter(go, { name, kind: 'app', prefix: '', line }, 'nethttp');
    return { name, family: 'nethttp' };
  }
  if (call && pkg !== undefined && pkg === go.gin && (call.field === 'Default' || call.field === 'New')) {
    addRouter(go, { name, kind: 'app', prefix: '', line }, 'gin');
    return { name, family: 'gin' };
  }
  const group =
    call?.field === 'Group' && call.operand ? ginGroup(name, call.node, call.operand, scope, go) : undefined;
  if (group) return group;
  // What net/http or gin builds (http.FileServer, gin.Logger) is a handler, not a router.
  if (pkg !== undefined && (pkg === go.http || pkg === go.gin)) return { name, family: 'none' };
  if (call && go.foreign.size > 0 && fromForeign(call.node, scope, go)) return { name, family: 'foreign' };
  const family = routerFamily(type, go);
  return family ? { name, family } : undefined;
}

/** Whether a chain of calls starts from a router package Turbo does not read (`r.PathPrefix("/x").Subrouter()`). */
function fromForeign(call: Node, scope: Scope, go: GoFile): boolean {
  const root = rootName(call);
  if (!root) return false;
  const known = scope.lookup(root);
  return known ? known.family === 'foreign' : go.foreign.has(root.text);
}

/** `api := r.Group("/api")`: a router with its prefix, mounted on its parent. */
function ginGroup(name: string, call: Node, operand: Node, scope: Scope, go: GoFile): Known | undefined {
  const parent =
    operand.type === 'identifier' ? (scope.lookup(operand) ?? unplaced(operand)) : fieldRouter(operand, scope, go);
  const family = parent?.family === 'unknown' && go.gin ? 'gin' : parent?.family;
  if (!parent || family !== 'gin') return undefined;
  const prefix = goString(argsOf(call)[0], go);
  const line = lineOf(call);
  addRouter(go, { name, kind: 'router', prefix: prefix ?? '', line }, 'gin');
  go.facts.mounts.push({
    parent: parent.name,
    child: { name, line },
    prefix: prefix === undefined ? undefined : '',
    line,
  });
  return { name, family: 'gin' };
}

/** A name Turbo cannot place: it may be a router of another file. */
const unplaced = (id: Node): Known => ({ name: id.text, family: 'unknown' });

/** The name a chain of calls and selectors starts from (`r.PathPrefix("/x").Subrouter()` → `r`). */
function rootName(node: Node): Node | undefined {
  let n: Node | null = node;
  while (n && (n.type === 'call_expression' || n.type === 'selector_expression'))
    n = n.type === 'call_expression' ? n.childForFieldName('function') : n.childForFieldName('operand');
  return n?.type === 'identifier' ? n : undefined;
}
