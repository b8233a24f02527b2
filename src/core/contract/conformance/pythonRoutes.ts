/**
 * FastAPI and Flask routing in one Python file: the apps and routers it creates, the routes it
 * registers (decorators and add_api_route / add_url_rule), and what it mounts where (include_router,
 * register_blueprint, mount, and `register(app)` calls into functions that register on a parameter).
 */
import type { Node } from 'web-tree-sitter';
import { descendants, lineOf, namedChildren, stringValue } from './nodes';
import {
  callArgs,
  dottedName,
  enclosingFunction,
  literalOrConstant,
  parameterNames,
  simpleName,
  type CallArgs,
} from './pythonNodes';
import type { FileFacts, RouterDecl } from './types';

const CONSTRUCTORS = new Map<string, { kind: RouterDecl['kind']; prefixKeyword?: string; framework: string }>(
  Object.entries({
    FastAPI: { kind: 'app', framework: 'fastapi' },
    APIRouter: { kind: 'router', prefixKeyword: 'prefix', framework: 'fastapi' },
    Flask: { kind: 'app', framework: 'flask' },
    Blueprint: { kind: 'router', prefixKeyword: 'url_prefix', framework: 'flask' },
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
const MOUNT_CALLS = new Set(['include_router', 'register_blueprint', 'mount']);

interface Scope {
  facts: FileFacts;
  constants: Map<string, string>;
}

/** Module-level string constants (`PREFIX = "/api"`), the only names a path may be given by. */
export function moduleConstants(root: Node): Map<string, string> {
  const constants = new Map<string, string>();
  for (const statement of namedChildren(root)) {
    const assignment = statement.type === 'expression_statement' ? statement.namedChildren[0] : null;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    const value = stringValue(assignment.childForFieldName('right'));
    if (left?.type === 'identifier' && value !== undefined) constants.set(left.text, value);
  }
  return constants;
}

/** Routers, registrations and mounts of the file, added to `facts`. */
export function extractRoutes(root: Node, facts: FileFacts): void {
  const scope: Scope = { facts, constants: moduleConstants(root) };
  const calls: Node[] = [];
  for (const node of descendants(root)) {
    if (node.type === 'assignment') routerDecl(node, scope);
    else if (node.type === 'call') calls.push(node);
  }
  for (const call of calls) {
    const fn = call.childForFieldName('function');
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    const role = method ? callRole(call, method) : undefined;
    const target = role ? routerName(fn?.childForFieldName('object') ?? null, call, scope) : undefined;
    if (!role || !target || !method) continue;
    if (role === 'decorator') decoratorRegistration(call, target, method, scope);
    else if (role === 'registration') registration(call, target, method, scope);
    else mount(call, target, method, scope);
  }
  // After the pass above, every parameter routes are registered on is known.
  passedRouters(calls, scope);
}

function callRole(call: Node, method: string): 'decorator' | 'registration' | 'mount' | undefined {
  if (call.parent?.type === 'decorator')
    return METHOD_DECORATORS.has(method) || method === 'api_route' || method === 'route' ? 'decorator' : undefined;
  if (method === 'add_api_route' || method === 'add_url_rule') return 'registration';
  return MOUNT_CALLS.has(method) ? 'mount' : undefined;
}

/** `app = FastAPI()`, `router: APIRouter = APIRouter(prefix="/x")`, `bp = Blueprint("n", __name__, url_prefix="/x")`. */
function routerDecl(assignment: Node, scope: Scope): void {
  const left = assignment.childForFieldName('left');
  const right = assignment.childForFieldName('right');
  const ctor = right?.type === 'call' ? CONSTRUCTORS.get(simpleName(right) ?? '') : undefined;
  if (left?.type !== 'identifier' || !right || !ctor) return;
  const prefixNode = ctor.prefixKeyword ? callArgs(right).keywords.get(ctor.prefixKeyword) : undefined;
  // RouterDecl.prefix has no "unreadable" value: a prefix Turbo cannot read counts as none.
  const prefix = literalOrConstant(prefixNode, scope.constants) ?? '';
  scope.facts.routers.push({ name: left.text, kind: ctor.kind, prefix, line: lineOf(assignment) });
  addFramework(scope.facts, ctor.framework);
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
  const fn = enclosingFunction(at);
  const index = fn ? parameterNames(fn).indexOf(name) : -1;
  if (!fn || index < 0) return name;
  const param = `${fn.childForFieldName('name')?.text ?? ''}(${index})`;
  if (!scope.facts.routers.some((r) => r.name === param))
    scope.facts.routers.push({ name: param, kind: 'param', prefix: '', line: lineOf(fn) });
  return param;
}

function decoratorRegistration(call: Node, router: string, method: string, scope: Scope): void {
  if (METHOD_DECORATORS.has(method)) {
    const args = callArgs(call);
    const path = pathArg(args, 'path', scope) ?? pathArg(args, 'rule', scope);
    scope.facts.registrations.push({ router, method: method.toUpperCase(), path, line: lineOf(call) });
  } else if (method === 'api_route' || method === 'route') {
    registration(call, router, method, scope);
  }
}

/** A registration with a `methods=` list: one per method, GET when none is given. */
function registration(call: Node, router: string, method: string, scope: Scope): void {
  const args = callArgs(call);
  const path = pathArg(args, METHODS_LIST.get(method) ?? 'path', scope);
  const methodsNode = args.keywords.get('methods');
  const methods = methodsNode ? methodList(methodsNode) : ['GET'];
  for (const m of methods) scope.facts.registrations.push({ router, method: m, path, line: lineOf(call) });
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
  const child = dottedName(positional[0] ?? keywords.get(method === 'include_router' ? 'router' : 'blueprint'));
  if (!child) return;
  const keyword = method === 'include_router' ? 'prefix' : 'url_prefix';
  // Flask reads url_prefix=None as not given: the blueprint keeps its own.
  const given = keywords.get(keyword);
  const prefixNode = given?.type === 'none' ? undefined : given;
  const prefix = prefixNode ? literalOrConstant(prefixNode, scope.constants) : '';
  const replaces = method === 'register_blueprint' && !!prefixNode;
  scope.facts.mounts.push({
    parent,
    child: { name: child, line },
    prefix,
    ...(replaces && { replacesPrefix: true }),
    line,
  });
}

/**
 * `register(app)` / `routes.register(app)`: a router handed to a function that may register routes on
 * its parameter. Classes (`CORS(app)`, `Mangum(app)`) and the router's own methods are not such calls.
 * A parameter handed on (`def create(app): register(app)`) is a router itself when the function it is
 * handed to registers on its parameter in this file.
 */
function passedRouters(calls: Node[], scope: Scope): void {
  const routers = scope.facts.routers;
  const known = (name: string): boolean => routers.some((r) => r.name === name);
  // A router's own methods (`app.include_router(router)`) hand nothing to a function.
  const onRouter = (call: Node): boolean => {
    const fn = call.childForFieldName('function');
    return fn?.type === 'attribute' && known(dottedName(fn.childForFieldName('object')) ?? '');
  };
  const passes = calls.flatMap((call) =>
    call.parent?.type === 'decorator' || onRouter(call) ? [] : routerPasses(call),
  );
  for (let added = true; added;) {
    added = false;
    for (const pass of passes) {
      if (pass.param && !known(pass.parent) && known(pass.child)) {
        routers.push({ name: pass.parent, kind: 'param', prefix: '', line: pass.paramLine });
        added = true;
      }
    }
  }
  for (const pass of passes) {
    if (!known(pass.parent)) continue;
    scope.facts.mounts.push({
      parent: pass.parent,
      child: { name: pass.child, line: pass.line },
      prefix: '',
      line: pass.line,
    });
  }
}

interface RouterPass {
  parent: string;
  child: string;
  param: boolean;
  paramLine: number;
  line: number;
}

function routerPasses(call: Node): RouterPass[] {
  const fn = call.childForFieldName('function');
  const callee = dottedName(fn);
  const last = simpleName(fn);
  if (!callee || !last || /^[A-Z]/.test(last) || MOUNT_CALLS.has(last) || METHODS_LIST.has(last)) return [];
  const scopeFn = enclosingFunction(call);
  const params = scopeFn ? parameterNames(scopeFn) : [];
  const passes: RouterPass[] = [];
  callArgs(call).positional.forEach((arg, index) => {
    if (arg.type !== 'identifier') return;
    const param = params.indexOf(arg.text);
    const parent = scopeFn && param >= 0 ? `${scopeFn.childForFieldName('name')?.text ?? ''}(${param})` : arg.text;
    const paramLine = scopeFn ? lineOf(scopeFn) : 0;
    passes.push({ parent, child: `${callee}(${index})`, param: param >= 0, paramLine, line: lineOf(call) });
  });
  return passes;
}
