/**
 * Which names in a Go function are routers: local variables, parameters and package variables, each
 * with the family that reads its registrations. A name Turbo cannot place is `unknown` (it may be a
 * package variable of another file); `none` is a name known not to be a router Turbo reads.
 */
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './goValues';
import type { RouterDecl } from './types';

export type Family = 'nethttp' | 'gin' | 'foreign' | 'none' | 'unknown';

export interface Known {
  /** The router's name in the facts: the variable, `http` (the default mux) or `Func(index)` for a parameter. */
  name: string;
  family: Family;
}

export const isRouter = (k: Known | undefined): boolean => k?.family === 'nethttp' || k?.family === 'gin';

const GIN_ROUTER_TYPES = new Set(['Engine', 'RouterGroup', 'IRouter', 'IRoutes']);

export class Scope {
  private readonly vars = new Map<string, Known>();
  /** Variables holding a value of an imported package (`h := handlers.New()`) → that package's local name. */
  private readonly packages = new Map<string, string>();
  /** Variables whose type is a struct of this package (`s *Server`, `srv := &Server{}`) → the struct's name. */
  private readonly structs = new Map<string, string>();
  /** Func literals' parameters hide the names around them. */
  private readonly shadows: { start: number; end: number; names: Set<string> }[] = [];

  private routers = 0;

  constructor(private readonly outer?: Scope) {}

  set(name: string, known: Known): void {
    this.vars.set(name, known);
    if (isRouter(known)) this.routers++;
  }

  /** Whether any router is in sight: without one, no call can pass a router on. */
  hasRouters(): boolean {
    return this.routers > 0 || (this.outer?.hasRouters() ?? false);
  }

  setPackage(name: string, local: string): void {
    this.packages.set(name, local);
  }

  setStruct(name: string, struct: string): void {
    this.structs.set(name, struct);
  }

  structOf(name: string): string | undefined {
    return this.structs.get(name) ?? this.outer?.structOf(name);
  }

  shadow(literal: Node, names: string[]): void {
    this.shadows.push({ start: literal.startIndex, end: literal.endIndex, names: new Set(names) });
  }

  lookup(id: Node): Known | undefined {
    const hidden = this.shadows.some((s) => id.startIndex >= s.start && id.startIndex < s.end && s.names.has(id.text));
    if (hidden) return { name: id.text, family: 'none' };
    return this.vars.get(id.text) ?? this.outer?.lookup(id);
  }

  packageOf(name: string): string | undefined {
    return this.packages.get(name) ?? this.outer?.packageOf(name);
  }
}

/** The family of a declared type: `*http.ServeMux`, `*gin.Engine`, `gin.IRouter`…, or a type of a router package Turbo does not read. */
export function routerFamily(type: Node | null | undefined, go: GoFile): Family | undefined {
  if (go.http === undefined && go.gin === undefined && go.foreign.size === 0) return undefined;
  let t = type;
  while (t?.type === 'pointer_type') t = t.namedChildren[0];
  if (t?.type !== 'qualified_type') return undefined;
  const pkg = t.childForFieldName('package')?.text;
  const name = t.childForFieldName('name')?.text ?? '';
  if (pkg === undefined) return undefined;
  if (pkg === go.http && name === 'ServeMux') return 'nethttp';
  if (pkg === go.gin && GIN_ROUTER_TYPES.has(name)) return 'gin';
  if (go.foreign.has(pkg)) return 'foreign';
  return undefined;
}

/** `*http.ServeMux` and `*gin.Engine`: what holds one serves requests itself. */
export function isAppType(type: Node | null | undefined, go: GoFile): boolean {
  const t = type?.type === 'pointer_type' ? type.namedChildren[0] : undefined;
  if (t?.type !== 'qualified_type') return false;
  const pkg = t.childForFieldName('package')?.text;
  const name = t.childForFieldName('name')?.text;
  return (pkg === go.http && name === 'ServeMux') || (pkg === go.gin && name === 'Engine');
}

/** A struct of this package a type names: `Server`, `*Server`. */
export function localStruct(type: Node | null | undefined): string | undefined {
  const t = type?.type === 'pointer_type' ? type.namedChildren[0] : type;
  return t?.type === 'type_identifier' ? t.text : undefined;
}

/** `s.router` where s is a Server: the router `Server.router`, with its family when this file knows it. */
export function fieldRouter(node: Node, scope: Scope, go: GoFile): Known | undefined {
  if (node.type !== 'selector_expression') return undefined;
  const operand = node.childForFieldName('operand');
  const field = node.childForFieldName('field')?.text;
  const struct = operand?.type === 'identifier' ? scope.structOf(operand.text) : undefined;
  if (!struct || !field) return undefined;
  const name = `${struct}.${field}`;
  const declaredHere = go.facts.models.some((m) => m.name === struct);
  return { name, family: go.fieldRouters.get(name) ?? (declaredHere ? 'none' : 'unknown') };
}

/** The imported package a type belongs to (`*handlers.Handler` → `handlers`). */
export function typePackage(type: Node | null | undefined, go: GoFile): string | undefined {
  let t = type;
  while (t?.type === 'pointer_type') t = t.namedChildren[0];
  const pkg = t?.type === 'qualified_type' ? t.childForFieldName('package')?.text : undefined;
  return pkg !== undefined && go.imports.has(pkg) ? pkg : undefined;
}

/** Adds a router once (the same name assigned twice is one router); net/http routers name the framework. */
export function addRouter(go: GoFile, router: RouterDecl, family: Family): void {
  if (family === 'nethttp') noteNetHttp(go);
  if (!go.facts.routers.some((r) => r.name === router.name)) go.facts.routers.push(router);
}

export function noteNetHttp(go: GoFile): void {
  if (!go.facts.frameworks.includes('net/http')) go.facts.frameworks.push('net/http');
}

/** net/http's default mux, the router `http.HandleFunc` registers on. */
export function defaultMux(go: GoFile, line: number): Known {
  addRouter(go, { name: 'http', kind: 'app', prefix: '', line }, 'nethttp');
  return { name: 'http', family: 'nethttp' };
}
