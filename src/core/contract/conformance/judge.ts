/**
 * The contract's models, fields and routes judged against what the code declares and serves: one clause
 * each, met / missing / mismatch / unknown, with where the code has it. `unknown` when Turbo cannot
 * tell (no code it reads, a framework it does not read, a route it could not follow), never a guess.
 */
import type { ContractDoc, Field, ModelDecl, Route } from '../language';
import type { RouteIndex, ServedRoute } from './routes';
import { pathShape, underSubtree } from './paths';
import { compareTypes, readType, shownType } from './typeText';
import type { Clause, ClauseStatus, FileFacts, FoundField, FoundModel } from './types';

/** What the code says, gathered from every file. */
export interface CodeIndex {
  facts: FileFacts[];
  routes: RouteIndex;
  /** Frameworks Turbo reads routes of, and others it only recognises. */
  frameworks: Set<string>;
  folderName: string;
  /** Files whose extractor failed: what they declare is not known, so nothing is called missing. */
  unread: string[];
}

export const READ_FRAMEWORKS = ['fastapi', 'flask', 'express', 'net/http', 'gin'];

interface Located {
  model: FoundModel;
  file: string;
}

export function judge(doc: ContractDoc, code: CodeIndex): Clause[] {
  const models = new Map<string, Located[]>();
  for (const f of code.facts)
    for (const model of f.models) models.set(model.name, [...(models.get(model.name) ?? []), { model, file: f.file }]);
  const contractModels = new Set(doc.models.map((m) => m.name));
  const clauses: Clause[] = [];
  for (const decl of doc.models) clauses.push(...modelClauses(decl, models, contractModels, code));
  for (const route of doc.routes) clauses.push(routeClause(route, code));
  if (code.unread.length)
    for (const c of clauses)
      if (c.status === 'missing') {
        c.status = 'unknown';
        c.detail = `${c.detail}; Turbo could not read ${code.unread.length} file(s), e.g. ${code.unread[0]}`;
      }
  return clauses.sort((a, b) => a.contractLine - b.contractLine);
}

const noCode = (code: CodeIndex) =>
  `no Python, TypeScript, JavaScript or Go source files in ${code.folderName} (tests are not read)`;

function modelClauses(
  decl: ModelDecl,
  models: Map<string, Located[]>,
  contractModels: ReadonlySet<string>,
  code: CodeIndex,
): Clause[] {
  const at = (line: number) => line + 1;
  const found = models.get(decl.name)?.[0];
  const base = { kind: 'model' as const, name: decl.name, contractLine: at(decl.span.line) };
  if (!found) {
    const status: ClauseStatus = code.facts.length === 0 ? 'unknown' : 'missing';
    const detail = code.facts.length === 0 ? noCode(code) : missingModelText(decl.name, models);
    return [
      { ...base, status, detail, file: null, line: null },
      ...decl.fields.map((field) => ({
        kind: 'field' as const,
        name: `${decl.name}.${field.name}`,
        contractLine: at(field.span.line),
        status,
        detail: code.facts.length === 0 ? detail : `model ${decl.name} not found`,
        file: null,
        line: null,
      })),
    ];
  }
  const candidates = (models.get(decl.name) ?? []).map((m) => fieldsOf(m, models));
  return [
    { ...base, status: 'met', detail: null, file: found.file, line: found.model.line },
    ...decl.fields.map((field) => fieldClause(decl, field, candidates, contractModels, at(field.span.line))),
  ];
}

function missingModelText(name: string, models: Map<string, Located[]>): string {
  const near = [...models.keys()].find((n) => n.toLowerCase() === name.toLowerCase());
  const where = near ? models.get(near)?.[0] : undefined;
  return where
    ? `not found in the generated code (there is ${near} in ${where.file}:${where.model.line})`
    : 'not found in the generated code';
}

/** A model's fields with those of the models it extends or embeds (the nearest declaration wins). */
function fieldsOf(start: Located, models: Map<string, Located[]>): { field: FoundField; file: string }[] {
  const out: { field: FoundField; file: string }[] = [];
  const seen = new Set<string>();
  const queue = [start];
  for (let m = queue.shift(); m && seen.size < 50; m = queue.shift()) {
    if (seen.has(m.model.name)) continue;
    seen.add(m.model.name);
    for (const field of m.model.fields) out.push({ field, file: m.file });
    for (const base of m.model.bases) {
      const next = models.get(base)?.find((b) => b.file === m?.file) ?? models.get(base)?.[0];
      if (next) queue.push(next);
    }
  }
  return out;
}

/**
 * A field judged against every model of the contract's name (an SQLAlchemy `Task` and a Pydantic `Task` may
 * both exist): met in any of them is met; otherwise the clearest problem is reported.
 */
function fieldClause(
  decl: ModelDecl,
  field: Field,
  candidates: { field: FoundField; file: string }[][],
  contractModels: ReadonlySet<string>,
  contractLine: number,
): Clause {
  const base = { kind: 'field' as const, name: `${decl.name}.${field.name}`, contractLine };
  const verdicts = candidates.map((fields) => ({ ...base, ...fieldVerdict(decl, field, fields, contractModels) }));
  return verdicts.find((v) => v.status === 'met') ?? verdicts.find((v) => v.status === 'mismatch') ?? verdicts[0];
}

type Verdict = Pick<Clause, 'status' | 'detail' | 'file' | 'line'>;

function fieldVerdict(
  decl: ModelDecl,
  field: Field,
  fields: { field: FoundField; file: string }[],
  contractModels: ReadonlySet<string>,
): Verdict {
  const named = (f: { field: FoundField }) => f.field.name === field.name;
  const tagged = (f: { field: FoundField }) => f.field.aliases.includes(field.jsonName ?? field.name);
  // Go allows `ID` beside `id`: the exported one is what goes on the wire.
  const hit =
    fields.find((f) => !f.field.unexported && named(f)) ??
    fields.find((f) => !f.field.unexported && tagged(f)) ??
    fields.find(named) ??
    fields.find(tagged);
  if (!hit) return unfound(decl, field, fields);
  const where = { file: hit.file, line: hit.field.line };
  const at = `${hit.file}:${hit.field.line}`;
  // A Go contract that declares the field lower-case describes an internal struct: nothing is encoded.
  const internal = decl.language === 'go' && !/^\p{Lu}/u.test(field.name);
  if (hit.field.unexported && !internal) return { ...where, status: 'mismatch', detail: unexportedText(hit) };
  if (field.jsonName) {
    const wire = hit.field.aliases[0] ?? hit.field.name;
    if (wire !== field.jsonName)
      return {
        ...where,
        status: 'mismatch',
        detail: `declared json:"${field.jsonName}", found ${hit.field.aliases.length ? `json:"${wire}"` : 'no json tag'} in ${at}`,
      };
  }
  if (field.type && hit.field.type) {
    const verdict = compareTypes(readType(field.type), readType(hit.field.type), contractModels);
    const types = `declared ${shownType(field.type)}, found ${shownType(hit.field.type)}`;
    if (verdict === 'different') return { ...where, status: 'mismatch', detail: `${types} in ${at}` };
    // The field is there; its type (an enum, an alias, a union) is one Turbo does not compare, and says so.
    if (verdict === 'unknown') return { ...where, status: 'met', detail: `${types}: the types are not compared` };
  }
  return { ...where, status: 'met', detail: null };
}

/**
 * A field the model does not have; a Go field that differs only in case, unexported or without a json tag,
 * is named (a rename elsewhere is just missing).
 */
function unfound(decl: ModelDecl, field: Field, fields: { field: FoundField; file: string }[]): Verdict {
  const untagged = fields.find((f) => f.field.name.toLowerCase() === field.name.toLowerCase());
  if (untagged?.field.unexported)
    return { status: 'mismatch', detail: unexportedText(untagged), file: untagged.file, line: untagged.field.line };
  if (untagged && decl.language !== 'go' && untagged.file.endsWith('.go') && untagged.field.aliases.length === 0)
    return {
      status: 'mismatch',
      detail: `found ${untagged.field.name} without a json tag in ${untagged.file}:${untagged.field.line}: it is encoded as "${untagged.field.name}"`,
      file: untagged.file,
      line: untagged.field.line,
    };
  return { status: 'missing', detail: 'not found in the generated code', file: null, line: null };
}

const unexportedText = (f: { field: FoundField; file: string }) =>
  `found ${f.field.name} unexported in ${f.file}:${f.field.line}: encoding/json never encodes it`;

function routeClause(route: Route, code: CodeIndex): Clause {
  const name = `${route.method} ${route.path}`;
  const base = { kind: 'route' as const, name, contractLine: route.span.line + 1 };
  const shape = pathShape(route.path);
  const same = code.routes.served.filter((s) => !s.subtree && pathShape(s.path) === shape);
  const at = (s: { file: string; line: number }) => ({ file: s.file, line: s.line });
  const exact = same.find((s) => s.method === route.method || s.method === '*');
  if (exact) return { ...base, ...at(exact), status: 'met', detail: null };
  const open = same.find((s) => s.method === undefined);
  if (open) return openRoute(base, route, open);
  if (same.length)
    return {
      ...base,
      ...at(same[0]),
      status: 'missing',
      detail: `${route.path} is registered for ${[...new Set(same.map((s) => s.method))].join(', ')}, not ${route.method} (${same[0].file}:${same[0].line})`,
    };
  return unservedRoute(base, route, code);
}

/** A registration that names no method (a Go pattern without one): the handler's own checks decide. */
function openRoute(base: Omit<Clause, 'status' | 'detail' | 'file' | 'line'>, route: Route, s: ServedRoute): Clause {
  const where = { file: s.file, line: s.line };
  if (!s.handlerMethods)
    return {
      ...base,
      ...where,
      status: 'unknown',
      detail: `${route.path} is registered for every method in ${s.file}:${s.line}; Turbo cannot tell whether its handler answers ${route.method}`,
    };
  if (s.handlerMethods.includes(route.method)) return { ...base, ...where, status: 'met', detail: null };
  return {
    ...base,
    ...where,
    status: 'missing',
    detail: `the handler of ${route.path} (${s.file}:${s.line}) answers ${s.handlerMethods.join(', ')}, not ${route.method}`,
  };
}

function unservedRoute(
  base: Omit<Clause, 'status' | 'detail' | 'file' | 'line'>,
  route: Route,
  code: CodeIndex,
): Clause {
  const shape = pathShape(route.path);
  const unknown = (detail: string, file: string | null = null, line: number | null = null): Clause => ({
    ...base,
    status: 'unknown',
    detail,
    file,
    line,
  });
  if (code.facts.length === 0) return unknown(noCode(code));
  const subtree = code.routes.served.find((s) => s.subtree && underSubtree(s.path, route.path));
  if (subtree)
    return unknown(
      `served by the pattern ${subtree.path} in ${subtree.file}:${subtree.line}; Turbo cannot tell which paths its handler answers`,
      subtree.file,
      subtree.line,
    );
  // A router nothing mounts lacks the prefix a mount would add: its paths are compared by their tail.
  const parked = code.routes.unmounted.find((u) => {
    const tail = pathShape(u.path);
    const method = u.method === undefined || u.method === '*' || u.method === route.method;
    return method && (shape === tail || (tail !== '/' && shape.endsWith(tail)));
  });
  if (parked) {
    const detail = `found ${parked.method ?? 'a route for'} ${parked.path} in ${parked.file}:${parked.line}, but it is ${parked.why}`;
    return { ...base, status: parked.uncertain ? 'unknown' : 'missing', detail, file: parked.file, line: parked.line };
  }
  const unread = code.routes.unreadable[0];
  if (unread)
    return unknown(
      `not found, but Turbo could not read ${code.routes.unreadable.length} registration(s), e.g. ${unread.why} in ${unread.file}:${unread.line}`,
    );
  const others = [...code.frameworks].filter((f) => !READ_FRAMEWORKS.includes(f));
  const readsAny = [...code.frameworks].some((f) => READ_FRAMEWORKS.includes(f));
  if (others.length && !readsAny)
    return unknown(
      `the code uses ${others.join(', ')}; Turbo reads routes of FastAPI, Flask, Express, net/http and gin`,
    );
  return { ...base, status: 'missing', detail: missingRouteText(route, code), file: null, line: null };
}

function missingRouteText(route: Route, code: CodeIndex): string {
  const last = pathShape(route.path).split('/').pop();
  const near = code.routes.served.find((s) => s.method === route.method && pathShape(s.path).endsWith(`/${last}`));
  return near
    ? `not registered (the nearest is ${near.method} ${near.path} in ${near.file}:${near.line})`
    : 'not registered in the generated code';
}
