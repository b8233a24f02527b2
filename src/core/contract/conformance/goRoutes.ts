/**
 * Routers in a Go file: `http.NewServeMux()`, `gin.Default()`/`gin.New()`, gin groups, and parameters
 * of router types; then every call of each function is read for registrations and mounts (goCalls.ts).
 */
import type { Node } from 'web-tree-sitter';
import { readCall } from './goCalls';
import { addRouter, fieldRouter, type Known, localStruct, routerFamily, Scope, typePackage } from './goScope';
import { argsOf, type GoFile, goString } from './goValues';
import { descendants, lineOf, namedChildren } from './nodes';

export function readRoutes(root: Node, go: GoFile): void {
  const pkg = new Scope();
  for (const top of namedChildren(root))
    if (top.type === 'var_declaration') for (const spec of descendants(top)) declare(spec, pkg, go);
  for (const top of namedChildren(root))
    if (top.type === 'function_declaration' || top.type === 'method_declaration') readFunction(top, pkg, go);
}

function readFunction(decl: Node, pkg: Scope, go: GoFile): void {
  const scope = new Scope(pkg);
  const receiver = decl.childForFieldName('receiver');
  if (receiver) readParams(receiver, undefined, scope, go);
  const params = decl.childForFieldName('parameters');
  if (params) readParams(params, decl.childForFieldName('name')?.text, scope, go);
  const body = decl.childForFieldName('body');
  if (!body) return;
  for (const node of descendants(body)) {
    if (node.type === 'func_literal') {
      const names = listOf(node.childForFieldName('parameters')).flatMap((p) =>
        p.childrenForFieldName('name').map((n) => n.text),
      );
      scope.shadow(node, names);
    } else declare(node, scope, go);
  }
  for (const node of descendants(body)) if (node.type === 'call_expression') readCall(node, scope, go);
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

/** `x := …`, `var x T = …`, `x = …`: the routers they make, and the package of other values. */
function declare(node: Node, scope: Scope, go: GoFile): void {
  for (const { name, value, type } of bindings(node)) {
    const field = fieldRouter(name, scope, go);
    if (field) {
      // `s.api = s.router.Group("/api")`: the field is that router wherever Server is used.
      const known = classify(field.name, value, type, scope, go);
      if (known && known.family !== 'none' && known.family !== 'unknown') go.fieldRouters.set(field.name, known.family);
    }
    if (name.type !== 'identifier' || name.text === '_') continue;
    const known = classify(name.text, value, type, scope, go);
    if (known) scope.set(name.text, known);
    const pkg = valuePackage(value, go) ?? typePackage(type, go);
    if (pkg) scope.setPackage(name.text, pkg);
    const v = unwrap(value);
    const struct = v?.type === 'composite_literal' ? localStruct(v.childForFieldName('type')) : localStruct(type);
    if (struct) scope.setStruct(name.text, struct);
  }
}

interface Binding {
  name: Node;
  value: Node | undefined;
  type: Node | undefined;
}

function bindings(node: Node): Binding[] {
  if (node.type === 'var_spec') {
    const values = listOf(node.childForFieldName('value'));
    const type = node.childForFieldName('type') ?? undefined;
    return node.childrenForFieldName('name').map((name, i) => ({ name, value: values[i], type }));
  }
  if (node.type !== 'short_var_declaration' && node.type !== 'assignment_statement') return [];
  if (node.type === 'assignment_statement' && node.childForFieldName('operator')?.type !== '=') return [];
  const left = listOf(node.childForFieldName('left'));
  const right = listOf(node.childForFieldName('right'));
  if (right.length !== left.length) return left.slice(0, 1).map((name) => ({ name, value: right[0], type: undefined }));
  return left.map((name, i) => ({ name, value: right[i], type: undefined }));
}

const listOf = (list: Node | null): Node[] => (list ? namedChildren(list) : []);

const unwrap = (node: Node | undefined): Node | undefined =>
  node?.type === 'unary_expression' || node?.type === 'parenthesized_expression'
    ? unwrap(node.namedChildren.at(-1) ?? undefined)
    : node;

function classify(
  name: string,
  value: Node | undefined,
  type: Node | undefined,
  scope: Scope,
  go: GoFile,
): Known | undefined {
  const v = unwrap(value);
  const line = v ? lineOf(v) : 0;
  if (v?.type === 'composite_literal' && routerFamily(v.childForFieldName('type'), go) === 'nethttp') {
    addRouter(go, { name, kind: 'app', prefix: '', line }, 'nethttp');
    return { name, family: 'nethttp' };
  }
  const fn = v?.type === 'call_expression' ? v.childForFieldName('function') : null;
  if (v && fn?.type === 'selector_expression') {
    const operand = fn.childForFieldName('operand');
    const field = fn.childForFieldName('field')?.text;
    const pkg = operand?.type === 'identifier' && !scope.lookup(operand) ? operand.text : undefined;
    if (pkg !== undefined && pkg === go.http && field === 'NewServeMux') {
      addRouter(go, { name, kind: 'app', prefix: '', line }, 'nethttp');
      return { name, family: 'nethttp' };
    }
    if (pkg !== undefined && pkg === go.gin && (field === 'Default' || field === 'New')) {
      addRouter(go, { name, kind: 'app', prefix: '', line }, 'gin');
      return { name, family: 'gin' };
    }
    if (field === 'Group' && operand) {
      const group = ginGroup(name, v, operand, scope, go);
      if (group) return group;
    }
  }
  if (v?.type === 'call_expression') {
    const root = rootName(v);
    const rootKnown = root ? scope.lookup(root) : undefined;
    if (rootKnown?.family === 'foreign' || (!rootKnown && root && go.foreign.has(root.text)))
      return { name, family: 'foreign' };
    // What net/http or gin builds (http.FileServer, gin.Logger) is a handler, not a router.
    if (!rootKnown && root && (root.text === go.http || root.text === go.gin)) return { name, family: 'none' };
  }
  const family = routerFamily(type, go);
  return family ? { name, family } : undefined;
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

/** A name Turbo cannot place: a package's own name is no router; another may be a router of another file. */
const unplaced = (id: Node): Known => ({ name: id.text, family: 'unknown' });

/** The name a chain of calls and selectors starts from (`r.PathPrefix("/x").Subrouter()` → `r`). */
function rootName(node: Node): Node | undefined {
  let n: Node | null = node;
  while (n && (n.type === 'call_expression' || n.type === 'selector_expression'))
    n = n.type === 'call_expression' ? n.childForFieldName('function') : n.childForFieldName('operand');
  return n?.type === 'identifier' ? n : undefined;
}

/** The imported package a value comes from: `handlers.New(…)`, `&handlers.Handler{…}`. */
function valuePackage(value: Node | undefined, go: GoFile): string | undefined {
  const v = unwrap(value);
  if (v?.type === 'composite_literal') return typePackage(v.childForFieldName('type'), go);
  const fn = v?.type === 'call_expression' ? v.childForFieldName('function') : null;
  const operand = fn?.type === 'selector_expression' ? fn.childForFieldName('operand') : null;
  return operand?.type === 'identifier' && go.imports.has(operand.text) ? operand.text : undefined;
}
