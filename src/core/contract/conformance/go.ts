/**
 * The Go extractor: structs (fields with their json names, embedded structs as bases), imports, and
 * the routes of net/http's ServeMux (Go 1.22 patterns) and gin, read from a tree-sitter tree.
 */
import type { Node } from 'web-tree-sitter';
import { FUNCTION_PARTS, readRoutes } from './goRoutes';
import { addRouter, isAppType, routerFamily } from './goScope';
import type { GoFile } from './goValues';
import { lineOf, namedChildren, stringValue } from './nodes';
import { emptyFacts, type FileFacts, type FoundField, type FoundModel } from './types';

/** Router packages Turbo does not read, by module path (without a major version suffix) → the name reported. */
const FOREIGN: Record<string, string> = {
  'github.com/go-chi/chi': 'chi',
  'github.com/labstack/echo': 'echo',
  'github.com/gofiber/fiber': 'fiber',
  'github.com/gorilla/mux': 'gorilla/mux',
  'github.com/julienschmidt/httprouter': 'httprouter',
};
const GIN = 'github.com/gin-gonic/gin';

/** Every node kind the extractor reads, found in one walk. */
const DECLARATIONS = ['type_spec', 'const_spec', 'function_declaration', 'method_declaration'];
const WANTED = [...DECLARATIONS, ...FUNCTION_PARTS];

export function extractGo(root: Node, file: string): FileFacts {
  const facts = emptyFacts(file, 'go');
  const go: GoFile = {
    facts,
    imports: new Map(),
    http: undefined,
    gin: undefined,
    foreign: new Set(),
    consts: new Map(),
    bodies: new Map(),
    fieldRouters: new Map(),
  };
  for (const decl of namedChildren(root))
    if (decl.type === 'import_declaration')
      for (const spec of decl.descendantsOfType('import_spec')) readImport(spec, go);
  if (go.gin) facts.frameworks.push('gin');
  // A file that imports neither net/http nor gin registers nothing: its function bodies need not be read.
  const routes = go.http !== undefined || go.gin !== undefined;
  // One walk inside the WebAssembly module: walking node by node from JavaScript is several times slower.
  const nodes = root.descendantsOfType(routes ? WANTED : DECLARATIONS);
  for (const node of nodes) {
    if (node.type === 'type_spec') readStruct(node, go);
    else if (node.type === 'const_spec') readConst(node, go);
    else if (node.type === 'function_declaration' || node.type === 'method_declaration') noteBody(node, go);
  }
  if (routes) readRoutes(nodes, go);
  return facts;
}

/** A module path without its major version (`…/chi/v5` → `…/chi`). */
const unversioned = (module: string): string => module.replace(/\/v\d+$/, '');

/** The name a package is used by when not aliased: the last path element, its major version and `go-` dropped. */
function packageName(module: string): string {
  const last = unversioned(module).split('/').pop() ?? module;
  return last.replace(/^go-/, '').replace(/\.v\d+$/, '');
}

function readImport(spec: Node, go: GoFile): void {
  const module = stringValue(spec.childForFieldName('path'));
  const alias = spec.childForFieldName('name')?.text;
  if (!module || alias === '_' || alias === '.') return;
  const local = alias ?? packageName(module);
  go.imports.set(local, module);
  go.facts.imports.push({ local, module, name: '*' });
  const foreign = FOREIGN[unversioned(module)];
  if (module === 'net/http') go.http = local;
  else if (unversioned(module) === GIN) go.gin = local;
  else if (foreign) go.foreign.add(local);
  if (foreign && !go.facts.frameworks.includes(foreign)) go.facts.frameworks.push(foreign);
}

function readConst(spec: Node, go: GoFile): void {
  const list = spec.childForFieldName('value');
  const values = list ? namedChildren(list) : [];
  spec.childrenForFieldName('name').forEach((name, i) => {
    if (values[i]) go.consts.set(name.text, values[i]);
  });
}

function noteBody(decl: Node, go: GoFile): void {
  const name = decl.childForFieldName('name')?.text;
  const body = decl.childForFieldName('body');
  if (!name || !body) return;
  go.bodies.set(name, [...(go.bodies.get(name) ?? []), body]);
}

function readStruct(spec: Node, go: GoFile): void {
  const nameNode = spec.childForFieldName('name');
  const struct = spec.childForFieldName('type');
  if (!nameNode || struct?.type !== 'struct_type') return;
  const model: FoundModel = { name: nameNode.text, kind: 'struct', bases: [], fields: [], line: lineOf(nameNode) };
  const list = namedChildren(struct).find((c) => c.type === 'field_declaration_list');
  for (const decl of list ? namedChildren(list) : []) {
    if (decl.type !== 'field_declaration') continue;
    readField(decl, model);
    routerField(model.name, decl, go);
  }
  go.facts.models.push(model);
}

function readField(decl: Node, model: FoundModel): void {
  const type = decl.childForFieldName('type');
  const json = jsonName(stringValue(decl.childForFieldName('tag')));
  if (json === null) return;
  const aliases = json ? [json] : [];
  const names = decl.childrenForFieldName('name');
  if (names.length === 0) {
    // An embedded struct's fields are promoted into the JSON object, unless a tag names it.
    const base = type ? typeName(type) : undefined;
    const pointer = decl.children.some((c) => c?.type === '*') ? '*' : '';
    if (base && json) model.fields.push({ name: base, aliases, type: pointer + type?.text, line: lineOf(decl) });
    else if (base) model.bases.push(base);
    return;
  }
  for (const name of names) {
    const field: FoundField = { name: name.text, aliases, type: type?.text, line: lineOf(name) };
    if (!isExported(name.text)) field.unexported = true;
    model.fields.push(field);
  }
}

/** Go exports a name that starts with an upper-case letter (Unicode's Lu, as the spec says). */
const isExported = (name: string): boolean => /^\p{Lu}/u.test(name);

/**
 * A field holding a router (`router *gin.Engine`) is the router `Server.router` wherever a method of
 * Server uses it. An engine or a ServeMux held there is an app; a group or an interface is whatever it
 * is assigned.
 */
function routerField(struct: string, decl: Node, go: GoFile): void {
  const type = decl.childForFieldName('type');
  const family = routerFamily(type, go);
  if (!family || family === 'none' || family === 'unknown') return;
  const app = isAppType(type, go);
  for (const name of decl.childrenForFieldName('name')) {
    const router = `${struct}.${name.text}`;
    go.fieldRouters.set(router, family);
    if (app) addRouter(go, { name: router, kind: 'app', prefix: '', line: lineOf(name) }, family);
  }
}

/** `Base`, `pkg.Base`, `Base[T]` → `Base`. */
function typeName(type: Node): string | undefined {
  if (type.type === 'type_identifier') return type.text;
  if (type.type === 'qualified_type') return type.childForFieldName('name')?.text;
  if (type.type === 'generic_type') {
    const inner = type.childForFieldName('type');
    return inner ? typeName(inner) : undefined;
  }
  return undefined;
}

/** The name in a struct tag's `json:"…"`; null when `json:"-"` leaves the field out, undefined when the tag gives none. */
export function jsonName(tag: string | undefined): string | null | undefined {
  const m = tag ? /(?:^|\s)json:"([^"]*)"/.exec(tag) : null;
  if (!m) return undefined;
  if (m[1] === '-') return null;
  return m[1].split(',')[0] || undefined;
}
