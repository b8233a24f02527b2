/**
 * FastAPI and Flask routing in one Python file: the apps and routers it creates, the routes it
 * registers (decorators and add_api_route / add_url_rule), and what it mounts where (include_router,
 * register_blueprint, mount, and `register(app)` calls into functions that register on a parameter).
 */
import type { Node } from 'web-tree-sitter';
import { lineOf, namedChildren, stringValue } from './nodes';
import {
  callArgs,
  dottedName,
  FunctionScopes,
  literalOrConstant,
  simpleName,
  type CallArgs,
  type PythonNodes,
} from './pythonNodes';
import type { FileFacts, RouterDecl } from './types';
import { passedRouters } from './pythonPasses';
import { asViewMethods, decoratedClass, resourceMethods, viewClasses } from './pythonViews';

const CONSTRUCTORS = new Map<string, { kind: RouterDecl['kind']; prefixKeyword?: string; framework?: string }>(
  Object.entries({
    FastAPI: { kind: 'app', framework: 'fastapi' },
    APIRouter: { kind: 'router', prefixKeyword: 'prefix', framework: 'fastapi' },
    Flask: { kind: 'app', framework: 'flask' },
    Blueprint: { kind: 'router', prefixKeyword: 'url_prefix', framework: 'flask' },
    // Flask-RESTful / flask-restx: `Api(app)` mounts itself on the app it is given.
    Api: { kind: 'router', prefixKeyword: 'prefix' },
    Namespace: { kind: 'router', prefixKeyword: 'path' },
  }),
);

const METHOD_DECORATORS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);
/** Registrations whose methods come from a `methods=` list, GET when it is absent; the path keyword each uses. */
const METHODS_LIST = new Map<string, string>(
  Object.entries({
    api_route: 'path',
    route: 'rule',
    add_api_route: 'path',
    add_url_rule: 'rule',
  }),
);
const MOUNT_CALLS = new Set(['include_router', 'register_blueprint', 'mount', 'add_namespace']);
/** Calls on a router that take another router or a view: never a router handed to a function. */
const ROUTER_METHODS = new Set([...MOUNT_CALLS, 'add_api_route', 'add_url_rule', 'add_resource']);

/** The keywords naming the child and its prefix; the prefix of register_blueprint and add_namespace replaces the child's own. */
const MOUNT_KEYWORDS = {
  include_router: { childKeyword: 'router', keyword: 'prefix' },
  register_blueprint: { childKeyword: 'blueprint', keyword: 'url_prefix' },
  add_namespace: { childKeyword: 'ns', keyword: 'path' },
};

interface Scope {
  facts: FileFacts;
  constants: Map<string, string>;
  views: Map<string, string[]>;
  functions: FunctionScopes;
  /** Routers whose own prefix Turbo cannot read (`APIRouter(prefix=settings.PREFIX)`). */
  unreadPrefix: Set<string>;
}

/** Module-level string constants (`PREFIX = "/api"`), the only names a path may be given by. */
export function moduleConstants(root: Node): Map<string, string> {
  const constants = new Map<string, string>();
  for (const statement of namedChildren(root)) {
    const assignment = statement.type === 'expression_statement' ? statement.firstNamedChild : null;
    if (assignment?.type !== 'assignment') continue;
    const right = assignment.childForFieldName('right');
    const value = right?.type === 'string' ? stringValue(right) : undefined;
    const left = value !== undefined ? assignment.childForFieldName('left') : undefined;
    if (left?.type === 'identifier' && value !== undefined) constants.set(left.text, value);
  }
  return constants;
}

/** Routers, registrations and mounts of the file, added to `facts`. */
export function extractRoutes(root: Node, nodes: PythonNodes, facts: FileFacts): void {
  const functions = new FunctionScopes(nodes.functions, nodes.classes);
  const constants = moduleConstants(root);
  const scope: Scope = { facts, constants, views: viewClasses(nodes.classes), functions, unreadPrefix: new Set() };
  const { calls } = nodes;
  for (const assignment of nodes.assignments) routerDecl(assignment, scope);
  for (const call of calls) {
    const fn = call.childForFieldName('function');
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if (method === 'init_app') initApp(call, scope);
    const role = method ? callRole(method, nodes.decoratorCalls.has(call.id)) : undefined;
    const target = role ? routerName(fn?.childForFieldName('object') ?? null, call, scope) : undefined;
    if (!role || !target || !method) continue;
    if (role === 'decorator') decoratorRegistration(call, target, method, scope);
    else if (role === 'registration') registration(call, target, method, scope);
    else if (role === 'resource') resource(call, target, scope);
    else mount(call, target, method, scope);
  }
  // After the pass above, every parameter routes are registered on is known.
  passedRouters(calls, nodes.decoratorCalls, facts, scope.functions, ROUTER_METHODS);
}

type Role = 'decorator' | 'registration' | 'resource' | 'mount';

function callRole(method: string, decorator: boolean): Role | undefined {
  if (decorator)
    return METHOD_DECORATORS.has(method) || method === 'api_route' || method === 'route' ? 'decorator' : undefined;
  if (method === 'add_api_route' || method === 'add_url_rule') return 'registration';
  if (method === 'add_resource') return 'resource';
  return MOUNT_CALLS.has(method) ? 'mount' : undefined;
}

/** `app = FastAPI()`, `router: APIRouter = APIRouter(prefix="/x")`, `bp = Blueprint("n", __name__, url_prefix="/x")`. */
function routerDecl(assignment: Node, scope: Scope): void {
  const right = assignment.childForFieldName('right');
  const ctor = right?.type === 'call' ? CONSTRUCTORS.get(simpleName(right) ?? '') : undefined;
  const left = ctor && assignment.childForFieldName('left');
  if (left?.type !== 'identifier' || !right || !ctor) return;
  const args = callArgs(right);
  const prefixNode = ctor.prefixKeyword ? args.keywords.get(ctor.prefixKeyword) : undefined;
  let prefix = literalOrConstant(prefixNode, scope.constants) ?? '';
  // RouterDecl.prefix has no "unreadable" value: the paths of its routes are what becomes unreadable.
  if (prefixNode && literalOrConstant(prefixNode, scope.constants) === undefined) scope.unreadPrefix.add(left.text);
  // A flask-restx Namespace without a path serves under its name.
  if (ctor.prefixKeyword === 'path' && !prefixNode) prefix = `/${stringValue(args.positional[0]) ?? ''}`;
  const line = lineOf(assignment);
  scope.facts.routers.push({ name: left.text, kind: ctor.kind, prefix, line });
  if (ctor.framework) addFramework(scope.facts, ctor.framework);
  const host =
    simpleName(right) === 'Api'
      ? routerName(args.positional[0] ?? args.keywords.get('app') ?? null, assignment, scope)
      : undefined;
  if (host) scope.facts.mounts.push({ parent: host, child: { name: left.text, line }, prefix: '', line });
}

export function addFramework(facts: FileFacts, framework: string): void {
  if (!facts.frameworks.includes(framework)) facts.frameworks.push(framework);
}

/**
 * The name a router is referred to by at `at`: `app`, `tasks.router`, or `register(0)` when it is a
 * parameter of the function `at` sits in (the router declared with it when first seen).
 */
function routerName(node: Node | null, at: Node, scope: Scope): string | undefined {
  const name = dottedName(node);
  if (!name || node?.type !== 'identifier') return name;
  const fn = scope.functions.at(at);
  const index = fn ? fn.params.indexOf(name) : -1;
  if (!fn || index < 0) return name;
  const param = `${fn.name}(${index})`;
  if (!scope.facts.routers.some((r) => r.name === param))
    scope.facts.routers.push({ name: param, kind: 'param', prefix: '', line: fn.line });
  return param;
}

function decoratorRegistration(call: Node, router: string, method: string, scope: Scope): void {
  if (METHOD_DECORATORS.has(method)) {
    const args = callArgs(call);
    const path = pathArg(args, 'path', scope) ?? pathArg(args, 'rule', scope);
    addRegistration(scope, router, method.toUpperCase(), path, call);
  } else if (method === 'api_route' || method === 'route') {
    registration(call, router, method, scope);
  }
}

/** `api.init_app(app)`: an Api made without an app, mounted on it later. */
function initApp(call: Node, scope: Scope): void {
  const api = dottedName(call.childForFieldName('function')?.childForFieldName('object'));
  const decl = scope.facts.routers.find((r) => r.name === api && r.kind === 'router');
  const host = decl && routerName(callArgs(call).positional[0] ?? null, call, scope);
  const line = lineOf(call);
  if (decl && host) scope.facts.mounts.push({ parent: host, child: { name: decl.name, line }, prefix: '', line });
}

/** `api.add_resource(TaskResource, "/tasks", "/tasks/<int:id>")`: every path, with the methods the class defines. */
function resource(call: Node, router: string, scope: Scope): void {
  const [cls, ...paths] = callArgs(call).positional;
  const methods = resourceMethods(cls, scope.views);
  for (const node of paths) {
    const path = literalOrConstant(node, scope.constants);
    for (const m of methods) addRegistration(scope, router, m, path, call);
  }
}

/**
 * A registration with a `methods=` list: one per method. Without one, a class view serves the methods
 * it defines (`@bp.route` on a MethodView, `view_func=TaskView.as_view(...)`), anything else GET.
 */
function registration(call: Node, router: string, method: string, scope: Scope): void {
  const args = callArgs(call);
  const path = pathArg(args, METHODS_LIST.get(method) ?? 'path', scope);
  const methodsNode = args.keywords.get('methods');
  const cls = decoratedClass(call);
  const view = args.keywords.get('view_func') ?? args.positional[2];
  const defaults = cls ? resourceMethods(cls.childForFieldName('name'), scope.views) : asViewMethods(view, scope.views);
  const methods = methodsNode ? methodList(methodsNode) : (defaults ?? ['GET']);
  for (const m of methods) addRegistration(scope, router, m, path, call);
}

function addRegistration(scope: Scope, router: string, method: string | undefined, path: string | undefined, at: Node) {
  // Under a prefix Turbo cannot read, the full path is not known either.
  const known = scope.unreadPrefix.has(router) ? undefined : path;
  scope.facts.registrations.push({ router, method, path: known, line: lineOf(at) });
}

function pathArg(args: CallArgs, keyword: string, scope: Scope): string | undefined {
  return literalOrConstant(args.positional[0] ?? args.keywords.get(keyword), scope.constants);
}

/** `["GET", "post"]`, `("GET",)`, `{"PUT"}`; a method Turbo cannot read gives one registration without a method. */
function methodList(node: Node): (string | undefined)[] {
  if (node.type !== 'list' && node.type !== 'tuple' && node.type !== 'set') return [undefined];
  const methods = namedChildren(node).map((m) => stringValue(m)?.toUpperCase());
  return methods.length ? [...new Set(methods)] : ['GET'];
}

function mount(call: Node, parent: string, method: string, scope: Scope): void {
  const { positional, keywords } = callArgs(call);
  const line = lineOf(call);
  if (method === 'mount') {
    // app.mount("/static", StaticFiles(...)) mounts no routes of this project.
    const child = dottedName(positional[1] ?? keywords.get('app'));
    const prefix = literalOrConstant(positional[0] ?? keywords.get('path'), scope.constants);
    if (child) scope.facts.mounts.push({ parent, child: { name: child, line }, prefix, line });
    return;
  }
  const { childKeyword, keyword } = MOUNT_KEYWORDS[method as keyof typeof MOUNT_KEYWORDS];
  const child = dottedName(positional[0] ?? keywords.get(childKeyword));
  if (!child) return;
  // Flask reads url_prefix=None as not given: the blueprint keeps its own.
  const given = keywords.get(keyword);
  const prefixNode = given?.type === 'none' ? undefined : given;
  const prefix = prefixNode ? literalOrConstant(prefixNode, scope.constants) : '';
  const replaces = method !== 'include_router' && !!prefixNode;
  scope.facts.mounts.push({
    parent,
    child: { name: child, line },
    prefix,
    ...(replaces && { replacesPrefix: true }),
    line,
  });
}
