/**
 * What the conformance check reads out of the code (facts, one set per source file) and what it
 * reports (one clause per declared model, field and route). Extractors fill the facts from a
 * tree-sitter tree; `routes.ts` and `fields.ts` judge them against the contract.
 */

export type ClauseKind = 'model' | 'field' | 'route';
export type ClauseStatus = 'met' | 'missing' | 'mismatch' | 'unknown';

export interface Clause {
  kind: ClauseKind;
  /** `Task`, `Task.title`, `GET /tasks/{id}` */
  name: string;
  /** 1-based line of the contract that declares it. */
  contractLine: number;
  status: ClauseStatus;
  /** Why it is not met (or how it was met, when that is worth saying); null when there is nothing to add. */
  detail: string | null;
  /** Where the code has it: a path relative to the folder, `/`-separated, and a 1-based line. */
  file: string | null;
  line: number | null;
}

export interface ConformanceReport {
  clauses: Clause[];
  met: number;
  total: number;
  /** Source files read, and how many of them could not be parsed cleanly (still read). */
  filesRead: number;
  languages: CodeLanguage[];
  frameworks: string[];
  durationMs: number;
}

export type CodeLanguage = 'python' | 'typescript' | 'go';

/**
 * A name as a file refers to it: `router`, `tasks.router` (a module alias, then a name), `register(0)`,
 * `tasksRouter()` (the router a function makes and returns; its RouterDecl has that name too).
 */
export interface Ref {
  name: string;
  /** Set when the reference is to an imported module itself (`app.use('/x', require('./r'))`). */
  module?: string;
  line: number;
}

export interface FoundField {
  name: string;
  /** Other names the field goes by on the wire: Go json tags, Pydantic aliases. */
  aliases: string[];
  /** The type as written, or as read from a column declaration (`Column(String)` gives `str`); undefined when not written. */
  type: string | undefined;
  line: number;
  /** A lower-case Go field: encoding/json never encodes it, whatever its tag says. */
  unexported?: boolean;
}

export interface FoundModel {
  name: string;
  /** class / interface / type alias / struct / dataclass … (for the detail text). */
  kind: string;
  /** Names of the models it extends or embeds; their fields count as its own. */
  bases: string[];
  fields: FoundField[];
  line: number;
}

/**
 * Something routes are registered on. `app`: an application (FastAPI(), express(), http.NewServeMux(),
 * gin.Default(), the net/http default mux). `router`: a router that serves nothing until mounted
 * (APIRouter, express.Router(), a gin group, a Blueprint). `param`: a function parameter routes are
 * registered on; named `<function>(<index>)`, e.g. `register(0)`; it serves what the caller passes.
 */
export interface RouterDecl {
  name: string;
  kind: 'app' | 'router' | 'param';
  /** Its own prefix: APIRouter(prefix=…), Blueprint(url_prefix=…); '' when none. */
  prefix: string;
  line: number;
}

export interface Registration {
  /** The local name of the router (`app`, `router`, `register(0)`, `http` for net/http's default mux). */
  router: string;
  /**
   * Upper-case method; `*` when the registration serves every method (app.all, gin's Any); undefined
   * when it names none and the handler decides (a Go pattern without a method): see handlerMethods.
   */
  method: string | undefined;
  /**
   * For a registration without a method: the methods its handler serves, read from a `switch r.Method` or
   * an early-return `if r.Method != X` guard; absent when Turbo cannot be sure (see goMethods.ts).
   */
  handlerMethods?: string[];
  /** The path as registered, or undefined when it is not a literal Turbo can read. */
  path: string | undefined;
  /** A Go pattern ending in `/`: it serves every path below it. */
  subtree?: boolean;
  line: number;
}

/**
 * `app.include_router(r, prefix='/api')`, `app.use('/api', r)`, `register(app)`, `r.Group('/v1')`.
 * `prefix` undefined: not a literal Turbo can read. `replacesPrefix`: the mount's prefix replaces the
 * child's own (Flask's register_blueprint url_prefix).
 */
export interface Mount {
  parent: string;
  child: Ref;
  prefix: string | undefined;
  replacesPrefix?: boolean;
  line: number;
}

/** An import: the local name, the module as written, and the imported name (`*` the module itself, `default`). */
export interface ImportBinding {
  local: string;
  module: string;
  name: string;
}

export interface FileFacts {
  /** Relative to the checked folder, `/`-separated. */
  file: string;
  language: CodeLanguage;
  models: FoundModel[];
  routers: RouterDecl[];
  registrations: Registration[];
  mounts: Mount[];
  imports: ImportBinding[];
  /** The local name a module's default export refers to (`export default router`, `module.exports = router`). */
  defaultExport?: string;
  /** Frameworks seen in this file: 'fastapi', 'flask', 'express', 'net/http', 'gin'. */
  frameworks: string[];
}

export function emptyFacts(file: string, language: CodeLanguage): FileFacts {
  return { file, language, models: [], routers: [], registrations: [], mounts: [], imports: [], frameworks: [] };
}
