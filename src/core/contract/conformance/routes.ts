/**
 * The routes a project serves, resolved across files: routers and apps, the mounts between them
 * (include_router, app.use, gin groups, a router passed to a register function) and the imports that
 * connect them, turned into full paths. What cannot be followed is kept apart as `unreadable`, so the
 * check can answer `unknown` instead of guessing.
 */
import { ModuleMap } from './modules';
import { joinPaths } from './paths';
import type { FileFacts, Ref, Registration, RouterDecl } from './types';

export interface ServedRoute {
  method: string | undefined;
  path: string;
  file: string;
  line: number;
  subtree?: boolean;
  handlerMethods?: string[];
}

export interface UnmountedRoute extends ServedRoute {
  /** Why no request reaches it. */
  why: string;
  /** True when Turbo could not follow some mount, so it may be mounted after all. */
  uncertain: boolean;
}

export interface RouteIndex {
  served: ServedRoute[];
  unmounted: UnmountedRoute[];
  unreadable: { file: string; line: number; why: string }[];
}

const MAX_DEPTH = 8;
const MAX_PREFIXES = 20;

interface Edge {
  child: string;
  prefix: string | undefined;
  replaces: boolean;
}

class Resolver {
  readonly routers = new Map<string, RouterDecl>();
  private readonly facts = new Map<string, FileFacts>();

  constructor(
    all: FileFacts[],
    private readonly modules: ModuleMap,
  ) {
    for (const f of all) {
      this.facts.set(f.file, f);
      for (const r of f.routers) this.routers.set(key(f.file, r.name), r);
    }
  }

  /** The router a name in `file` refers to: declared there, imported, or (Go) declared in the same package. */
  name(file: string, name: string, depth = 0): string | undefined {
    if (this.routers.has(key(file, name))) return key(file, name);
    const facts = this.facts.get(file);
    if (!facts || depth > MAX_DEPTH) return undefined;
    const call = /\(\d+\)$/.exec(name)?.[0] ?? '';
    const segments = name.slice(0, name.length - call.length).split('.');
    for (let k = segments.length; k > 0; k--) {
      const local = segments.slice(0, k).join('.');
      const imp = facts.imports.find((i) => i.local === local);
      if (!imp) continue;
      const rest = segments.slice(k).join('.');
      return this.imported(facts, imp.module, imp.name, rest, call, depth);
    }
    if (facts.language === 'go')
      for (const other of this.modules.samePackage(file))
        if (this.routers.has(key(other, name))) return key(other, name);
    return undefined;
  }

  private imported(
    facts: FileFacts,
    module: string,
    imported: string,
    rest: string,
    call: string,
    depth: number,
  ): string | undefined {
    const tries: { module: string; name: string }[] = [];
    if (imported === '*') tries.push({ module, name: rest ? rest + call : 'default' + call });
    else if (imported === 'default') tries.push({ module, name: rest ? `default.${rest}${call}` : 'default' + call });
    else {
      // Python's `from pkg import tasks` names a submodule or a name in pkg.
      if (rest && facts.language === 'python') tries.push({ module: `${module}.${imported}`, name: rest + call });
      tries.push({ module, name: [imported, rest].filter(Boolean).join('.') + call });
    }
    for (const t of tries)
      for (const target of this.modules.resolve(facts.file, t.module, facts.language)) {
        const found = this.exported(target, t.name, depth + 1);
        if (found) return found;
      }
    return undefined;
  }

  /** A name as another module exports it; `default…` is its default export. */
  private exported(file: string, name: string, depth: number): string | undefined {
    if (!name.startsWith('default')) return this.name(file, name, depth);
    const target = this.facts.get(file)?.defaultExport;
    if (!target) return this.routers.has(key(file, name)) ? key(file, name) : undefined;
    const call = /\(\d+\)$/.exec(name)?.[0] ?? '';
    return this.name(file, /\(\d+\)$/.test(target) ? target : target + call, depth);
  }

  /** Whether a name comes from a package outside the folder (not a router of the project). */
  external(file: string, ref: Ref): boolean {
    const facts = this.facts.get(file);
    if (!facts) return false;
    const first = ref.name.split('.')[0].replace(/\(\d+\)$/, '');
    const module = ref.module ?? facts.imports.find((i) => i.local === first)?.module;
    if (module === undefined || this.modules.resolve(file, module, facts.language).length) return false;
    return this.modules.isPackage(module, facts.language);
  }

  ref(file: string, ref: Ref): string | undefined {
    if (!ref.module) return this.name(file, ref.name);
    const facts = this.facts.get(file);
    if (!facts) return undefined;
    for (const target of this.modules.resolve(file, ref.module, facts.language)) {
      const found = this.exported(target, ref.name, 1);
      if (found) return found;
    }
    return undefined;
  }
}

const key = (file: string, name: string) => `${file}#${name}`;

export function resolveRoutes(all: FileFacts[], goModules: readonly { module: string; dir: string }[]): RouteIndex {
  const resolver = new Resolver(all, new ModuleMap(new Set(all.map((f) => f.file)), goModules));
  const index: RouteIndex = { served: [], unmounted: [], unreadable: [] };
  const { edges, children, unfollowed } = mountGraph(all, resolver, index);
  const { prefixes, unknownPrefix } = propagate(resolver, edges, children);
  for (const facts of all)
    for (const reg of facts.registrations) {
      const router = resolver.name(facts.file, reg.router);
      const at = { file: facts.file, line: reg.line };
      if (!router) index.unreadable.push({ ...at, why: `a route on \`${reg.router}\`, which Turbo could not follow` });
      else if (reg.path === undefined) index.unreadable.push({ ...at, why: 'a route whose path is not a literal' });
      else
        place(index, served(reg, facts.file), router, resolver.routers.get(router) as RouterDecl, {
          prefixes: prefixes.get(router),
          unknownPrefix: unknownPrefix.has(router),
          uncertain: unfollowed > 0,
        });
    }
  return index;
}

function served(reg: Registration, file: string): ServedRoute {
  return {
    method: reg.method,
    path: reg.path ?? '',
    file,
    line: reg.line,
    subtree: reg.subtree,
    handlerMethods: reg.handlerMethods,
  };
}

function place(
  index: RouteIndex,
  route: ServedRoute,
  routerKey: string,
  router: RouterDecl,
  how: { prefixes: Set<string> | undefined; unknownPrefix: boolean; uncertain: boolean },
): void {
  if (how.prefixes?.size) {
    for (const prefix of how.prefixes) index.served.push({ ...route, path: joinPaths(prefix, route.path) });
    return;
  }
  if (how.unknownPrefix) {
    index.unreadable.push({
      file: route.file,
      line: route.line,
      why: 'a route mounted under a prefix that is not a literal',
    });
    return;
  }
  const name = routerKey.slice(routerKey.indexOf('#') + 1);
  const why =
    router.kind === 'param'
      ? `registered in \`${name.replace(/\(\d+\)$/, '')}\`, which nothing calls with an app`
      : `registered on \`${name}\`, which nothing mounts`;
  index.unmounted.push({
    ...route,
    path: joinPaths(router.prefix, route.path),
    why,
    uncertain: how.uncertain || router.kind === 'param',
  });
}

function mountGraph(all: FileFacts[], resolver: Resolver, index: RouteIndex) {
  const edges = new Map<string, Edge[]>();
  const children = new Set<string>();
  let unfollowed = 0;
  for (const facts of all)
    for (const mount of facts.mounts) {
      const parent = resolver.name(facts.file, mount.parent);
      const child = resolver.ref(facts.file, mount.child);
      if (!child) {
        // Middleware from a package (`app.use(helmet)`) is not a router; a name Turbo cannot follow may be one.
        if (!resolver.external(facts.file, mount.child)) unfollowed++;
        continue;
      }
      children.add(child);
      if (!parent) {
        index.unreadable.push({
          file: facts.file,
          line: mount.line,
          why: `a mount on \`${mount.parent}\`, which Turbo could not follow`,
        });
        continue;
      }
      const list = edges.get(parent) ?? [];
      list.push({ child, prefix: mount.prefix, replaces: mount.replacesPrefix ?? false });
      edges.set(parent, list);
    }
  return { edges, children, unfollowed };
}

/** Every prefix each router is served under, walking from the apps that nothing mounts. */
function propagate(resolver: Resolver, edges: Map<string, Edge[]>, children: Set<string>) {
  const prefixes = new Map<string, Set<string>>();
  const unknownPrefix = new Set<string>();
  const queue: { node: string; prefix: string; depth: number }[] = [];
  for (const [node, decl] of resolver.routers)
    if (decl.kind === 'app' && !children.has(node)) queue.push({ node, prefix: joinPaths(decl.prefix), depth: 0 });
  for (let item = queue.shift(); item; item = queue.shift()) {
    const seen = prefixes.get(item.node) ?? new Set<string>();
    if (seen.has(item.prefix) || seen.size >= MAX_PREFIXES) continue;
    seen.add(item.prefix);
    prefixes.set(item.node, seen);
    if (item.depth >= MAX_DEPTH * 2) continue;
    for (const edge of edges.get(item.node) ?? []) {
      const decl = resolver.routers.get(edge.child) as RouterDecl;
      if (edge.prefix === undefined) unknownPrefix.add(edge.child);
      else {
        const own = edge.replaces ? '' : decl.prefix;
        queue.push({ node: edge.child, prefix: joinPaths(item.prefix, edge.prefix, own), depth: item.depth + 1 });
      }
    }
  }
  return { prefixes, unknownPrefix };
}
