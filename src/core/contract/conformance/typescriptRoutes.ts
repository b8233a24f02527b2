/**
 * Express in TypeScript/JavaScript: apps (`express()`) and routers (`express.Router()`, `Router()`), the
 * routes registered on them (`app.get`, `router.route('/p').get().post()`), what they mount
 * (`app.use('/api', router)`), functions that register on a parameter (`registerRoutes(app)`) and what
 * the module exports by default.
 */
import type { Node } from 'web-tree-sitter';
import { lineOf, namedChildren } from './nodes';
import type { FileFacts, ImportBinding, Mount, Ref, Registration, RouterDecl } from './types';
import {
  defaultExport,
  enclosingFunction,
  functionName,
  isProjectModule,
  memberOfClass,
  type Call,
  type NodesOf,
  paramOf,
  paramPattern,
  paramRouterTyped,
  requiredModule,
  returnsLocal,
} from './typescriptNames';
import { isPathArg, pathValues, readConsts, routeLike, type Consts } from './typescriptPaths';

const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all']);

type RouteFacts = Pick<FileFacts, 'routers' | 'registrations' | 'mounts' | 'defaultExport'>;

/** A call on something that may be a router: confirmed once the receiver is known to be one. */
interface Use {
  receiver: string;
  /** Set when the receiver is a parameter: `register(0)` with its function and index. */
  param?: { fn: Node; index: number };
  emit: (facts: RouteFacts) => void;
  /** A path literal starting with `/`: evidence that an unknown receiver is a router. */
  routeLike: boolean;
}

interface Ctx {
  express: Set<string>;
  routerFactories: Set<string>;
  project: Set<string>;
  consts: Consts;
  routers: Map<string, RouterDecl>;
  /** Routers a function makes and returns (`function tasksRouter() { const router = Router(); …; return router; }`). */
  factories: { fn: Node; local: string; name: string }[];
}

export const ROUTE_NODES = [
  'variable_declarator',
  'public_field_definition',
  'assignment_expression',
  'call_expression',
  'export_statement',
  'export_specifier',
];

export function readRoutes(nodesOf: NodesOf, calls: Call[], imports: ImportBinding[]): RouteFacts {
  const fromExpress = imports.filter((i) => i.module === 'express');
  const ctx: Ctx = {
    express: new Set(fromExpress.filter((i) => i.name === 'default' || i.name === '*').map((i) => i.local)),
    routerFactories: new Set(fromExpress.filter((i) => i.name === 'Router').map((i) => i.local)),
    project: new Set(imports.filter((i) => isProjectModule(i.module)).map((i) => i.local)),
    consts: readConsts(nodesOf('variable_declarator').map((n) => n.node)),
    routers: new Map(),
    factories: [],
  };
  for (const { node, type } of nodesOf('variable_declarator', 'public_field_definition', 'assignment_expression'))
    declareRouter(node, type, ctx);
  const uses = calls.flatMap((call) => routerUses(call, ctx));
  // A parameter or an imported name is a router when something is registered on it with a route path.
  for (const use of uses) if (!ctx.routers.has(use.receiver) && (use.routeLike || typedParam(use))) confirm(use, ctx);
  const facts: RouteFacts = { routers: [], registrations: [], mounts: [] };
  for (const use of uses)
    if (ctx.routers.has(use.receiver) || (use.routeLike && isImported(use.receiver, ctx))) use.emit(facts);
  for (const call of calls) passedOn(call, ctx, facts);
  facts.routers = [...ctx.routers.values()];
  facts.defaultExport = defaultExport(
    nodesOf('export_statement', 'assignment_expression', 'export_specifier'),
    (fn) => facts.routers.find((r) => r.name.startsWith(`${fn}(`))?.name,
    (member) => refName(member, ctx)?.name,
  );
  return facts;
}

const typedParam = (use: Use): boolean => use.param !== undefined && paramRouterTyped(use.param.fn, use.param.index);

function confirm(use: Pick<Use, 'receiver' | 'param'>, ctx: Ctx): void {
  if (!use.param) return;
  const pattern = paramPattern(use.param.fn, use.param.index);
  ctx.routers.set(use.receiver, {
    name: use.receiver,
    kind: 'param',
    prefix: '',
    line: pattern ? lineOf(pattern) : lineOf(use.param.fn),
  });
}

const isImported = (name: string, ctx: Ctx): boolean => ctx.project.has(name.split('.')[0]);

/** `express()`, `require('express')()` → app; `express.Router()`, `Router()` (from express) → router. */
function routerKind(value: Node | null, ctx: Ctx): RouterDecl['kind'] | undefined {
  if (value?.type !== 'call_expression' && value?.type !== 'new_expression') return undefined;
  const fn = value.childForFieldName(value.type === 'call_expression' ? 'function' : 'constructor');
  const isExpress = (n: Node | null) =>
    (n?.type === 'identifier' && ctx.express.has(n.text)) || requiredModule(n) === 'express';
  if (isExpress(fn)) return 'app';
  if (fn?.type === 'identifier' && ctx.routerFactories.has(fn.text)) return 'router';
  if (fn?.type === 'member_expression' && fn.childForFieldName('property')?.text === 'Router')
    return isExpress(fn.childForFieldName('object')) ? 'router' : undefined;
  return undefined;
}

/** `const app = express()`, `app = express()`, `this.app = express()`, a class field `router = Router()` (`Class.router`). */
function declareRouter(node: Node, type: string, ctx: Ctx): void {
  let target: Node | null = null;
  let value: Node | null = null;
  if (type === 'variable_declarator' || type === 'public_field_definition') {
    target = node.childForFieldName('name');
    value = node.childForFieldName('value');
  } else {
    target = node.childForFieldName('left');
    value = node.childForFieldName('right');
  }
  const kind = routerKind(value, ctx);
  if (!kind || !target) return;
  const name =
    type === 'public_field_definition' && target.type === 'property_identifier'
      ? memberOfClass(node, target.text)
      : (factory(node, target, ctx) ?? refName(target, ctx)?.name);
  if (name && !ctx.routers.has(name)) ctx.routers.set(name, { name, kind, prefix: '', line: lineOf(target) });
}

/** A router a function declares and returns is named by a call of that function: `tasksRouter()`. */
function factory(node: Node, target: Node, ctx: Ctx): string | undefined {
  const fn = node.type === 'variable_declarator' ? enclosingFunction(node) : undefined;
  const fnName = fn && functionName(fn);
  if (!fn || !fnName || target.type !== 'identifier' || !returnsLocal(fn, target.text)) return undefined;
  ctx.factories.push({ fn, local: target.text, name: `${fnName}()` });
  return `${fnName}()`;
}

/**
 * How this file names a router: `app`, `Server.app` (`this.app` in class Server), `tasks.router`, a
 * parameter as `register(0)`, or the router a registration returns (`app.get(…).post(…)`). Undefined when
 * it cannot be named.
 */
function refName(node: Node | null, ctx: Ctx): { name: string; param?: { fn: Node; index: number } } | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') {
    const param = paramOf(node);
    if (!param) return { name: factoryLocal(node, ctx) ?? node.text };
    const fnName = functionName(param.fn);
    return fnName ? { name: `${fnName}(${param.index})`, param } : undefined;
  }
  if (node.type === 'member_expression') {
    const object = node.childForFieldName('object');
    const property = node.childForFieldName('property');
    if (!property || !object) return undefined;
    if (object.type === 'this') return { name: memberOfClass(node, property.text) };
    if (object.type === 'identifier') return { name: `${object.text}.${property.text}` };
    const made = object.type === 'new_expression' ? object.childForFieldName('constructor') : null;
    return made?.type === 'identifier' ? { name: `${made.text}.${property.text}` } : undefined;
  }
  if (node.type === 'call_expression') {
    const fn = node.childForFieldName('function');
    const method = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
    if (method && (VERBS.has(method) || method === 'use')) return refName(fn?.childForFieldName('object') ?? null, ctx);
  }
  return undefined;
}

const argsOf = (call: Node): Node[] => namedChildren(call.childForFieldName('arguments') ?? call);

/** The registrations and mounts a call makes on a router (`.get`, `.route().get()`, `.use`). */
function routerUses({ node: call, method = '', methodNode, object }: Call, ctx: Ctx): Use[] {
  if (!VERBS.has(method) && method !== 'route' && method !== 'use') return [];
  const count = call.childForFieldName('arguments')?.namedChildCount ?? 0;
  if (count < (VERBS.has(method) ? 2 : 1)) return [];
  const ref = refName(object ?? null, ctx);
  if (!ref) return [];
  const args = argsOf(call);
  const on = { receiver: ref.name, param: ref.param };
  if (VERBS.has(method) && args.length >= 2) {
    const paths = pathValues(args[0], ctx.consts);
    const line = lineOf(methodNode ?? call);
    const emit = (f: RouteFacts) =>
      f.registrations.push(...paths.map((path) => registration(ref.name, method, path, line)));
    return [{ ...on, emit, routeLike: routeLike(paths) }];
  }
  if (method === 'route' && args.length >= 1) {
    const paths = pathValues(args[0], ctx.consts);
    const chained = chain(call).flatMap(([verb, line]) => paths.map((p) => registration(ref.name, verb, p, line)));
    return [{ ...on, emit: (f) => f.registrations.push(...chained), routeLike: routeLike(paths) }];
  }
  if (method === 'use' && args.length >= 1) {
    const hasPath = isPathArg(args[0], ctx.consts);
    const prefixes = hasPath ? pathValues(args[0], ctx.consts) : [''];
    const children = args.slice(hasPath ? 1 : 0).flatMap((arg) => childRefs(arg, ctx));
    const mounts = prefixes.flatMap((prefix) =>
      children.map((child): Mount => ({ parent: ref.name, child, prefix, line: lineOf(call) })),
    );
    return [{ ...on, emit: (f) => f.mounts.push(...mounts), routeLike: hasPath && routeLike(prefixes) }];
  }
  return [];
}

function registration(router: string, verb: string, path: string | undefined, line: number): Registration {
  return { router, method: verb === 'all' ? '*' : verb.toUpperCase(), path, line };
}

/** The methods chained on `x.route('/p')`: `.get(h).post(h)` → [['get', line], ['post', line]]. */
function chain(route: Node): [string, number][] {
  const verbs: [string, number][] = [];
  let current = route;
  for (;;) {
    const member = current.parent;
    const call = member?.parent;
    const verb = member?.childForFieldName('property');
    if (member?.type !== 'member_expression' || call?.type !== 'call_expression' || !verb || !VERBS.has(verb.text))
      return verbs;
    verbs.push([verb.text, lineOf(verb)]);
    current = call;
  }
}

/** The factory name of a local router inside the function that returns it. */
function factoryLocal(identifier: Node, ctx: Ctx): string | undefined {
  if (!ctx.factories.length) return undefined;
  for (let fn = enclosingFunction(identifier); fn; fn = enclosingFunction(fn)) {
    const made = ctx.factories.find((f) => f.fn.id === fn?.id && f.local === identifier.text);
    if (made) return made.name;
  }
  return undefined;
}

/**
 * What `app.use(…)` mounts: names, `tasks.router`, `require('./r')` (its module.exports), the router a
 * factory of this file or of the project returns (`tasksRouter(store)`), arrays of those.
 */
function childRefs(node: Node, ctx: Ctx): Ref[] {
  const line = lineOf(node);
  if (node.type === 'array') return namedChildren(node).flatMap((n) => childRefs(n, ctx));
  const callee = node.type === 'call_expression' ? node.childForFieldName('function') : null;
  if (callee?.type === 'identifier' || callee?.type === 'member_expression') {
    const name = `${callee.text}()`;
    const known = ctx.routers.has(name) || ctx.project.has(callee.text.split('.')[0]);
    if (known && /^[\w$]+(\.[\w$]+)?$/.test(callee.text)) return [{ name, line }];
  }
  const required = requiredModule(node);
  if (required !== undefined) return isProjectModule(required) ? [{ name: 'default', module: required, line }] : [];
  if (node.type === 'member_expression') {
    const module = requiredModule(node.childForFieldName('object'));
    const property = node.childForFieldName('property')?.text;
    if (module !== undefined && property) return isProjectModule(module) ? [{ name: property, module, line }] : [];
  }
  if (node.type !== 'identifier' && node.type !== 'member_expression') return [];
  const ref = refName(node, ctx);
  return ref ? [{ name: ref.name, line }] : [];
}

/**
 * Whether a parameter handed to another function is a router: typed as one, handed to a function of this
 * file that registers on it, or named like one (`app`, `router`, `tasksRouter`); a request handed to a
 * validator is not.
 */
function routerParam(param: { fn: Node; index: number }, toLocalRegistrar: boolean): boolean {
  if (toLocalRegistrar || paramRouterTyped(param.fn, param.index)) return true;
  const name = paramPattern(param.fn, param.index)?.text ?? '';
  return /^(app|application|router|server|api)$|(Router|App)$/i.test(name);
}

/**
 * `registerRoutes(app)`, `routes.register(app)`: a router passed to a function of this file that
 * registers on its parameter, or to one the project imports, mounts that function's parameter router.
 */
function passedOn({ node: call, name, method, object }: Call, ctx: Ctx, facts: RouteFacts): void {
  // `app.use(router)` is a mount read elsewhere, not a call that hands `router` on.
  if (method && (VERBS.has(method) || method === 'use' || method === 'route')) return;
  const owner = method && object?.type === 'identifier' ? object.text : undefined;
  const callee = name ?? (owner && `${owner}.${method}`);
  if (!callee || (owner && ctx.routers.has(owner))) return;
  const local = [...ctx.routers.values()].some((r) => r.kind === 'param' && r.name.startsWith(`${callee}(`));
  if (!local && !ctx.project.has(callee.split('.')[0])) return;
  argsOf(call).forEach((arg, i) => {
    const ref = arg.type === 'identifier' || arg.type === 'member_expression' ? refName(arg, ctx) : undefined;
    if (!ref || (!ctx.routers.has(ref.name) && !(ref.param && routerParam(ref.param, local)))) return;
    // A parameter handed on to another registering function is a router too.
    if (!ctx.routers.has(ref.name)) confirm({ receiver: ref.name, param: ref.param }, ctx);
    const line = lineOf(call);
    facts.mounts.push({ parent: ref.name, child: { name: `${callee}(${i})`, line }, prefix: '', line });
  });
}
