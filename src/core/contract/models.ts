/**
 * Model declarations in a contract: Pydantic / dataclass classes, TypeScript interfaces and object
 * types, Go structs, their fields, and the model names a route's return type refers to.
 */
import type { ContractDoc, Span } from './language';

export type ModelLanguage = 'python' | 'typescript' | 'go';

export interface Field {
  name: string;
  type: string | undefined;
  span: Span;
  /** A Go field's json tag name (`json:"created_at"`): the name it has on the wire. */
  jsonName?: string;
}

export interface ModelDecl {
  name: string;
  language: ModelLanguage;
  span: Span;
  fields: Field[];
  endLine: number;
}

const PY_CLASS_RE = /^(\s*)class\s+([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?\s*:/;
const TS_DECL_RE = /^(\s*)(?:export\s+)?(?:interface\s+([A-Za-z_$][\w$]*)[^{]*\{|type\s+([A-Za-z_$][\w$]*)\s*=\s*\{)/;
const GO_STRUCT_RE = /^(\s*)type\s+([A-Za-z_]\w*)\s+struct\s*\{/;

/** The model a line declares, if it declares one. */
export function declaration(line: string, i: number): ModelDecl | undefined {
  let m = PY_CLASS_RE.exec(line);
  if (m) return declared(m[2], 'python', 'class', line, i);
  m = GO_STRUCT_RE.exec(line);
  if (m) return declared(m[2], 'go', 'type', line, i);
  m = TS_DECL_RE.exec(line);
  if (m)
    return m[2] ? declared(m[2], 'typescript', 'interface', line, i) : declared(m[3], 'typescript', 'type', line, i);
  return undefined;
}

/** A model declared on line `i`; its name is looked for after the keyword (`type t struct` names `t`, not the t of `type`). */
function declared(name: string, language: ModelLanguage, keyword: string, line: string, i: number): ModelDecl {
  const start = line.indexOf(name, line.indexOf(keyword) + keyword.length);
  return { name, language, span: { line: i, start, end: start + name.length }, fields: [], endLine: i };
}

/** Whether a line still belongs to the model being read. */
export function inModel(model: ModelDecl, line: string, trimmed: string): boolean {
  if (model.language === 'python') return trimmed === '' || /^\s+\S/.test(line);
  return true;
}

/** The field a line of a model declares, if it declares one. */
export function fieldOf(language: ModelLanguage, line: string, i: number): Field | undefined {
  const trimmed = line.trim();
  if (
    !trimmed ||
    trimmed.startsWith('#') ||
    trimmed.startsWith('//') ||
    trimmed.startsWith('"""') ||
    trimmed === '}' ||
    trimmed === '};'
  )
    return undefined;
  const indent = line.length - line.trimStart().length;
  if (language === 'python') {
    if (/^(def|class|@|pass\b|model_config|\.\.\.)/.test(trimmed)) return undefined;
    const m = /^([A-Za-z_]\w*)\s*(?::\s*([^=#]*?))?\s*(?:=.*)?(?:#.*)?$/.exec(trimmed);
    if (!m) return undefined;
    return { name: m[1], type: m[2]?.trim() || undefined, span: { line: i, start: indent, end: indent + m[1].length } };
  }
  if (language === 'typescript') {
    const m = /^(readonly\s+)?([A-Za-z_$][\w$]*)(\??)\s*(?::\s*([^;,]*?))?\s*[;,]?\s*(?:\/\/.*)?$/.exec(trimmed);
    if (!m) return undefined;
    const start = indent + (m[1]?.length ?? 0);
    return { name: m[2], type: m[4]?.trim() || undefined, span: { line: i, start, end: start + m[2].length } };
  }
  const m = /^([A-Za-z_]\w*)(?:\s+([^`/]+?))?\s*(?:`([^`]*)`)?\s*(?:\/\/.*)?$/.exec(trimmed);
  if (!m) return undefined;
  const jsonName = /(?:^|\s)json:"([^",]*)/.exec(m[3] ?? '')?.[1] || undefined;
  return {
    name: m[1],
    type: m[2]?.trim() || undefined,
    span: { line: i, start: indent, end: indent + m[1].length },
    ...(jsonName ? { jsonName } : {}),
  };
}

const BUILTIN_TYPES = new Set([
  'dict',
  'list',
  'set',
  'tuple',
  'str',
  'int',
  'float',
  'bool',
  'bytes',
  'none',
  'any',
  'object',
  'optional',
  'union',
  'string',
  'number',
  'boolean',
  'void',
  'null',
  'undefined',
  'unknown',
  'never',
  'record',
  'array',
  'promise',
  'map',
  'error',
  'interface',
  'datetime',
  'date',
  'uuid',
  'decimal',
  'json',
  'int64',
  'int32',
  'float64',
  'float32',
  'uint',
  'byte',
  'rune',
  'time',
  'literal',
  'sequence',
  'iterable',
  'mapping',
  'response',
  'status',
  'empty',
  'text',
]);

/** Model names a route's return type refers to (`list[Task]` → Task), builtins left out. */
export function typeNames(type: string): string[] {
  const names = type.match(/[A-Za-z_][\w.]*/g) ?? [];
  return [...new Set(names.filter((n) => !BUILTIN_TYPES.has(n.toLowerCase()) && /^[A-Z]/.test(n)))];
}

export function modelNames(doc: ContractDoc): Set<string> {
  return new Set(doc.models.map((m) => m.name));
}

/** The model language the contract mostly uses (for snippets and quick fixes). */
export function dominantLanguage(doc: ContractDoc, text = ''): ModelLanguage {
  const counts: Record<ModelLanguage, number> = { python: 0, typescript: 0, go: 0 };
  for (const m of doc.models) counts[m.language]++;
  const best = (Object.entries(counts) as [ModelLanguage, number][]).sort((a, b) => b[1] - a[1])[0];
  if (best[1] > 0) return best[0];
  if (/typescript|express|node\.?js/i.test(text)) return 'typescript';
  if (/\bgo\b|golang/i.test(text)) return 'go';
  return 'python';
}
