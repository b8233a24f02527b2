/**
 * The contract language: a Markdown dialect with known sections (DATA CONTRACT, API CONTRACT,
 * ALGORITHM, RULES), model declarations (Pydantic / dataclass, TypeScript interfaces and types, Go
 * structs), route lines (`POST /tasks -> Task  # comment`), rules and placeholders. The parser is
 * line-based, never throws, and is linear in the input; editor features and checks read its result.
 */
export type SectionKind = 'data' | 'api' | 'algorithm' | 'rules' | 'other';
export type ModelLanguage = 'python' | 'typescript' | 'go';

export interface Span {
  line: number;
  start: number;
  end: number;
}

export interface Section {
  title: string;
  kind: SectionKind;
  level: number;
  heading: Span;
  /** Last line of the section (inclusive): the line before the next heading of the same or a higher level. */
  endLine: number;
}

export interface Field {
  name: string;
  type: string | undefined;
  span: Span;
}

export interface ModelDecl {
  name: string;
  language: ModelLanguage;
  span: Span;
  fields: Field[];
  endLine: number;
}

export interface Route {
  method: string;
  path: string;
  returnType: string | undefined;
  comment: string | undefined;
  span: Span;
  methodSpan: Span;
  pathSpan: Span;
  typeSpan: Span | undefined;
}

export interface Placeholder {
  text: string;
  span: Span;
}

export interface ContractDoc {
  lines: number;
  sections: Section[];
  models: ModelDecl[];
  routes: Route[];
  placeholders: Placeholder[];
  /**
   * True when the text says something: a line besides headings, blank lines, HTML comments, empty list
   * items, placeholders and a lone opening verb ("Build " in the Blank template).
   */
  hasBody: boolean;
}

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const HEADING_RE = /^(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const ROUTE_RE =
  /^(\s*(?:[-*]\s+)?)(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)(\s+)(\/\S*)(?:(\s*->\s*)([^#]*?))?\s*(?:#\s?(.*))?$/;
const FENCE_RE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#-]*)/;
const PY_CLASS_RE = /^(\s*)class\s+([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?\s*:/;
const TS_DECL_RE = /^(\s*)(?:export\s+)?(?:interface\s+([A-Za-z_$][\w$]*)[^{]*\{|type\s+([A-Za-z_$][\w$]*)\s*=\s*\{)/;
const GO_STRUCT_RE = /^(\s*)type\s+([A-Za-z_]\w*)\s+struct\s*\{/;
/** `[storage mechanism]`, `[X]` — not `list[Task]`, not `[text](link)`, not `[ ]`/`[x]` checkboxes. */
const PLACEHOLDER_RE = /(?<![\w\]`])\[([A-Za-z][^[\]\n]{0,80})\](?![(:[])/g;
const MAX_LINE = 10_000;
/** An inline code span: a run of backticks, then anything up to the same run. */
const CODE_SPAN_RE = /(`+)(?!`)(.*?[^`])\1(?!`)/g;
/** What a template leaves on a line before the person writes anything. */
const SCAFFOLD_RE = /^(?:[-*+]|\d+[.)])?\s*(?:(?:Build|Implement|Write|Create|Make)\s*[:.…]*)?\s*$/i;

export function sectionKind(title: string): SectionKind {
  const t = title.toUpperCase();
  if (/\bDATA\b|\bMODELS?\b|\bSCHEMAS?\b/.test(t)) return 'data';
  if (/\bAPI\b|\bROUTES?\b|\bENDPOINTS?\b/.test(t)) return 'api';
  if (/\bALGORITHM\b|\bSTEPS\b|\bLOGIC\b/.test(t)) return 'algorithm';
  if (/\bRULES?\b|\bCONSTRAINTS?\b|\bREQUIREMENTS?\b/.test(t)) return 'rules';
  return 'other';
}

export function parseContract(text: string): ContractDoc {
  const lines = text.split(/\r?\n/);
  const doc: ContractDoc = {
    lines: lines.length,
    sections: [],
    models: [],
    routes: [],
    placeholders: [],
    hasBody: false,
  };
  let fence: { marker: string; language: string } | undefined;
  let model: ModelDecl | undefined;
  let currentKind: SectionKind = 'other';
  let inComment = false;

  const closeModel = (endLine: number) => {
    if (model) model.endLine = endLine;
    model = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].length > MAX_LINE ? lines[i].slice(0, MAX_LINE) : lines[i];
    const trimmed = line.trim();
    if (!doc.hasBody && trimmed) {
      const said = saysSomething(line, inComment);
      doc.hasBody = said.body && !HEADING_RE.test(line);
      inComment = said.inComment;
    }

    const fenceMatch = FENCE_RE.exec(line);
    if (fenceMatch) {
      if (!fence) fence = { marker: fenceMatch[1], language: fenceMatch[2].toLowerCase() };
      else if (line.trim().startsWith(fence.marker[0].repeat(fence.marker.length)) && fenceMatch[2] === '') {
        fence = undefined;
        closeModel(i);
      }
      continue;
    }

    if (!fence) {
      const heading = HEADING_RE.exec(line);
      if (heading) {
        closeModel(i - 1);
        const level = heading[1].length;
        for (const s of doc.sections) if (s.endLine === -1 && s.level >= level) s.endLine = i - 1;
        const title = heading[2];
        currentKind = sectionKind(title);
        doc.sections.push({
          title,
          kind: currentKind,
          level,
          heading: { line: i, start: 0, end: line.length },
          endLine: -1,
        });
        continue;
      }
    }

    const route = fence ? null : ROUTE_RE.exec(line);
    if (route) {
      closeModel(i - 1);
      const methodStart = route[1].length;
      const pathStart = methodStart + route[2].length + route[3].length;
      const typeText = route[6]?.trim() || undefined;
      const typeStart = typeText ? line.indexOf(typeText, pathStart + route[4].length) : -1;
      doc.routes.push({
        method: route[2],
        path: route[4],
        returnType: typeText,
        comment: route[7]?.trim() || undefined,
        span: { line: i, start: methodStart, end: line.length },
        methodSpan: { line: i, start: methodStart, end: methodStart + route[2].length },
        pathSpan: { line: i, start: pathStart, end: pathStart + route[4].length },
        typeSpan: typeText ? { line: i, start: typeStart, end: typeStart + typeText.length } : undefined,
      });
      continue;
    }

    if (!fence || ['', 'python', 'py', 'typescript', 'ts', 'go', 'golang'].includes(fence.language)) {
      const declared = declaration(line, i);
      if (declared) {
        closeModel(i - 1);
        model = declared;
        doc.models.push(model);
        continue;
      }
      if (model) {
        if (!inModel(model, line, trimmed)) closeModel(i - 1);
        else {
          const field = fieldOf(model.language, line, i);
          if (field) model.fields.push(field);
          if (model.language !== 'python' && /^\s*}/.test(line)) closeModel(i);
        }
      }
    }

    // Brackets in `code` are code (a regex, an array), not placeholders.
    const prose = fence ? line : withoutCodeSpans(line);
    if (!fence && currentKind !== 'data') {
      for (const m of prose.matchAll(PLACEHOLDER_RE)) {
        // `- [x] done` is a task-list checkbox, not a placeholder.
        if (/^[xX ]$/.test(m[1]) && /^\s*[-*+]\s+$/.test(line.slice(0, m.index))) continue;
        doc.placeholders.push({ text: m[0], span: { line: i, start: m.index, end: m.index + m[0].length } });
      }
    } else if (!fence) {
      // In DATA, brackets are usually types (`list[Task]`); only whole-word placeholders count.
      for (const m of prose.matchAll(PLACEHOLDER_RE)) {
        if (/\s/.test(m[1]) || /^[A-Z]$/.test(m[1]))
          doc.placeholders.push({ text: m[0], span: { line: i, start: m.index, end: m.index + m[0].length } });
      }
    }
  }
  closeModel(lines.length - 1);
  for (const s of doc.sections) if (s.endLine === -1) s.endLine = lines.length - 1;
  return doc;
}

/** The line with each inline code span blanked out, so offsets stay the same. */
function withoutCodeSpans(line: string): string {
  return line.includes('`') ? line.replace(CODE_SPAN_RE, (span) => ' '.repeat(span.length)) : line;
}

/** Whether a line has content once comments, placeholders and template scaffolding are left out. */
function saysSomething(line: string, inComment: boolean): { body: boolean; inComment: boolean } {
  let rest = '';
  for (let text = line; ;) {
    const at = text.indexOf(inComment ? '-->' : '<!--');
    if (!inComment) rest += at < 0 ? text : text.slice(0, at);
    if (at < 0) break;
    text = text.slice(at + (inComment ? 3 : 4));
    inComment = !inComment;
  }
  return { body: !isScaffold(rest), inComment };
}

function isScaffold(text: string): boolean {
  return SCAFFOLD_RE.test(withoutCodeSpans(text).replace(PLACEHOLDER_RE, ' ').trim());
}

function declaration(line: string, i: number): ModelDecl | undefined {
  let m = PY_CLASS_RE.exec(line);
  if (m)
    return {
      name: m[2],
      language: 'python',
      span: { line: i, start: line.indexOf(m[2]), end: line.indexOf(m[2]) + m[2].length },
      fields: [],
      endLine: i,
    };
  m = GO_STRUCT_RE.exec(line);
  if (m)
    return {
      name: m[2],
      language: 'go',
      span: { line: i, start: line.indexOf(m[2]), end: line.indexOf(m[2]) + m[2].length },
      fields: [],
      endLine: i,
    };
  m = TS_DECL_RE.exec(line);
  if (m) {
    const name = m[2] ?? m[3];
    const start = line.indexOf(name, m[1].length);
    return { name, language: 'typescript', span: { line: i, start, end: start + name.length }, fields: [], endLine: i };
  }
  return undefined;
}

/** Whether a line still belongs to the model being read. */
function inModel(model: ModelDecl, line: string, trimmed: string): boolean {
  if (model.language === 'python') return trimmed === '' || /^\s+\S/.test(line);
  return true;
}

function fieldOf(language: ModelLanguage, line: string, i: number): Field | undefined {
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
  const m = /^([A-Za-z_]\w*)(?:\s+([^`/]+?))?\s*(?:`[^`]*`)?\s*(?:\/\/.*)?$/.exec(trimmed);
  if (!m) return undefined;
  return { name: m[1], type: m[2]?.trim() || undefined, span: { line: i, start: indent, end: indent + m[1].length } };
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

export function sectionAt(doc: ContractDoc, line: number): Section | undefined {
  let found: Section | undefined;
  for (const s of doc.sections) if (s.heading.line <= line && line <= s.endLine) found = s;
  return found;
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
