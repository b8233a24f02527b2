/**
 * The calls of a Go function that register routes (`mux.HandleFunc("GET /x", h)`, `r.GET("/x", h)`)
 * or mount a router (`http.StripPrefix`, passing a router to a function that registers on it).
 */
import type { Node } from 'web-tree-sitter';
import { defaultMux, fieldRouter, isRouter, type Known, noteNetHttp, type Scope } from './goScope';
import { handlerMethods } from './goMethods';
import { argsOf, type GoFile, goString, methodValue, parsePattern } from './goValues';
import { lineOf } from './nodes';
import type { Ref, Registration } from './types';

const GIN_VERBS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** The methods that register routes: net/http's and gin's. */
const ROUTING = new Set(['HandleFunc', 'Handle', 'Any', 'Match', ...GIN_VERBS]);

export function readCall(call: Node, scope: Scope, go: GoFile): void {
  // Most calls of a file do neither: the cheap tests come first (each node property is a trip into WebAssembly).
  const fn = call.childForFieldName('function');
  if (!fn) return;
  const selector = fn.type === 'selector_expression';
  const method = selector ? (fn.childForFieldName('field')?.text ?? '') : '';
  if (selector && ROUTING.has(method)) {
    const operand = fn.childForFieldName('operand');
    const recv = operand ? receiver(operand, method, scope, go, lineOf(call)) : undefined;
    if (recv && register(call, method, recv, scope, go)) return;
  }
  if (scope.hasRouters() || go.facts.routers.length > 0 || go.fieldRouters.size > 0) readMounts(call, fn, scope, go);
}

/** What a call's operand is: a router, net/http's default mux (`http.HandleFunc`), or a name Turbo cannot place. */
function receiver(operand: Node, method: string, scope: Scope, go: GoFile, line: number): Known | undefined {
  if (isDefaultMux(operand, go)) return defaultMux(go, line);
  if (operand.type === 'selector_expression') return fieldRouter(operand, scope, go);
  if (operand.type !== 'identifier') return undefined;
  const known = scope.lookup(operand);
  if (known) return known;
  if (operand.text === go.http && (method === 'HandleFunc' || method === 'Handle')) return defaultMux(go, line);
  if (go.imports.has(operand.text)) return { name: operand.text, family: 'none' };
  return { name: operand.text, family: 'unknown' };
}

const isDefaultMux = (node: Node, go: GoFile): boolean =>
  node.type === 'selector_expression' &&
  node.childForFieldName('operand')?.text === go.http &&
  node.childForFieldName('field')?.text === 'DefaultServeMux';

/** A registration on `recv`, when the call is one; false when it is not. */
function register(call: Node, method: string, recv: Known, scope: Scope, go: GoFile): boolean {
  const args = argsOf(call);
  // A receiver Turbo cannot place may be a router of another file: read it by the framework the file imports.
  const unknown = recv.family === 'unknown';
  const gin = recv.family === 'gin' || (unknown && go.gin !== undefined);
  const net = recv.family === 'nethttp' || (unknown && go.http !== undefined && go.foreign.size === 0);
  const add = (reg: Omit<Registration, 'router' | 'line'>) =>
    go.facts.registrations.push({ router: recv.name, ...reg, line: lineOf(call) });
  if (gin && method === 'Handle' && args.length === 3) {
    const m = methodValue(args[0], go);
    if (m) add({ method: m, path: goString(args[1], go) });
  } else if (net && (method === 'HandleFunc' || method === 'Handle')) {
    if (method === 'Handle' && args[1] && mountHandler(recv, args[1], scope, go, lineOf(call))) return true;
    add(netRegistration(args, go));
    noteNetHttp(go);
  } else if (gin && GIN_VERBS.has(method)) add({ method, path: goString(args[0], go) });
  else if (gin && method === 'Any') add({ method: '*', path: goString(args[0], go) });
  else if (gin && method === 'Match' && args[0]) {
    const values = args[0].descendantsOfType([
      'interpreted_string_literal',
      'raw_string_literal',
      'selector_expression',
    ]);
    const methods = values.map((n) => methodValue(n, go)).filter((m) => m !== undefined);
    for (const m of new Set(methods)) add({ method: m, path: goString(args[1], go) });
  } else return false;
  return true;
}

function netRegistration(args: Node[], go: GoFile): Omit<Registration, 'router' | 'line'> {
  const [patternNode, handler] = args;
  const pattern = goString(patternNode, go);
  const reg: Omit<Registration, 'router' | 'line'> = { method: undefined, path: undefined };
  if (pattern !== undefined) {
    const p = parsePattern(pattern);
    reg.method = p.method;
    reg.path = p.path;
    if (p.subtree) reg.subtree = true;
  }
  if (!reg.method && handler) {
    const methods = handlerMethods(handler, go);
    if (methods?.length) reg.handlerMethods = methods;
  }
  return reg;
}

/** `mux.Handle("/api/", http.StripPrefix("/api", sub))` and `mux.Handle("/", sub)` with a router mount it. */
function mountHandler(parent: Known, handler: Node, scope: Scope, go: GoFile, line: number): boolean {
  const fn = handler.type === 'call_expression' ? handler.childForFieldName('function') : null;
  const strip =
    fn?.type === 'selector_expression' &&
    fn.childForFieldName('operand')?.text === go.http &&
    fn.childForFieldName('field')?.text === 'StripPrefix';
  if (strip) {
    const [prefix, inner] = argsOf(handler);
    const child = inner ? childRef(inner, scope, go, line) : undefined;
    if (!child) return false;
    go.facts.mounts.push({ parent: parent.name, child, prefix: goString(prefix, go), line });
    return true;
  }
  const known = handler.type === 'identifier' ? scope.lookup(handler) : undefined;
  if (!known || !isRouter(known)) return false;
  go.facts.mounts.push({ parent: parent.name, child: { name: known.name, line }, prefix: '', line });
  return true;
}

/** The router a mount names: a variable (of this file or, unplaced, of another), or `pkg.Router`. */
function childRef(node: Node, scope: Scope, go: GoFile, line: number): Ref | undefined {
  if (node.type === 'identifier') {
    const known = scope.lookup(node);
    if (!known) return { name: node.text, line };
    return isRouter(known) ? { name: known.name, line } : undefined;
  }
  if (node.type === 'selector_expression') {
    const operand = node.childForFieldName('operand');
    if (operand?.type === 'identifier' && !scope.lookup(operand) && go.imports.has(operand.text))
      return { name: node.text, line };
  }
  return undefined;
}

/** `register(mux)`, `handlers.Register(mux)`, `h.Routes(mux)`: the callee serves what the router is passed as. */
function readMounts(call: Node, fn: Node, scope: Scope, go: GoFile): void {
  argsOf(call).forEach((arg, index) => {
    const parent = routerArg(arg, scope, go, lineOf(call));
    const child = parent ? calleeName(fn, index, scope, go) : undefined;
    if (parent && child)
      go.facts.mounts.push({ parent, child: { name: child, line: lineOf(call) }, prefix: '', line: lineOf(call) });
  });
}

function routerArg(arg: Node, scope: Scope, go: GoFile, line: number): string | undefined {
  if (isDefaultMux(arg, go)) return defaultMux(go, line).name;
  const field = fieldRouter(arg, scope, go);
  if (field) return field.family === 'none' || field.family === 'foreign' ? undefined : field.name;
  const known = arg.type === 'identifier' ? scope.lookup(arg) : undefined;
  return known && isRouter(known) ? known.name : undefined;
}

/** `register(0)`; `handlers.Register(0)` for an imported package or a value of one; `Routes(0)` for a method of a local value. */
function calleeName(fn: Node, index: number, scope: Scope, go: GoFile): string | undefined {
  if (fn.type === 'identifier') return `${fn.text}(${index})`;
  if (fn.type !== 'selector_expression') return undefined;
  const field = fn.childForFieldName('field')?.text;
  const operand = fn.childForFieldName('operand');
  if (!field || !operand) return undefined;
  const pkg = operandPackage(operand, scope, go);
  if (pkg === null) return undefined;
  return pkg ? `${pkg}.${field}(${index})` : `${field}(${index})`;
}

/** The package a callee's operand belongs to; null for net/http, gin and the routers Turbo does not read (nothing to follow). */
function operandPackage(operand: Node, scope: Scope, go: GoFile): string | undefined | null {
  if (operand.type === 'call_expression') {
    // `handlers.New(s).Register(mux)`: what a package's function returns belongs to that package.
    const inner = operand.childForFieldName('function');
    const op = inner?.type === 'selector_expression' ? inner.childForFieldName('operand') : null;
    const pkg = op?.type === 'identifier' && !scope.lookup(op) && go.imports.has(op.text) ? op.text : undefined;
    return pkg !== undefined && untraced(pkg, go) ? null : pkg;
  }
  if (operand.type !== 'identifier') return undefined;
  const known = scope.lookup(operand);
  if (known && known.family !== 'none') return null;
  const pkg = !known && go.imports.has(operand.text) ? operand.text : scope.packageOf(operand.text);
  return pkg !== undefined && untraced(pkg, go) ? null : pkg;
}

/** net/http, gin and the routers Turbo does not read: their functions hold no routes of the project. */
const untraced = (pkg: string, go: GoFile): boolean => pkg === go.http || pkg === go.gin || go.foreign.has(pkg);
