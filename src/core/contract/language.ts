/**
 * The contract language: a Markdown dialect with known sections (DATA CONTRACT, API CONTRACT,
 * ALGORITHM, RULES), model declarations (Pydantic / dataclass, TypeScript interfaces and types, Go
 * structs), route lines (`POST /tasks -> Task  # comment`), rules and placeholders. The parser is
 * line-based, never throws, and is linear in the input; editor features and checks read its result.
 */
import { declaration, fieldOf, inModel, type ModelDecl } from './models';

export type { Field, ModelDecl, ModelLanguage } from './models';
export { dominantLanguage, modelNames, typeNames } from './models';

export type SectionKind = 'data' | 'api' | 'algorithm' | 'rules' | 'other';

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
  const reader = new ContractReader(lines.length);
  for (let i = 0; i < lines.length; i++)
    reader.read(lines[i].length > MAX_LINE ? lines[i].slice(0, MAX_LINE) : lines[i], i);
  return reader.end();
}

/** Fenced blocks whose lines may declare models (no language, or one Turbo reads models in). */
const MODEL_FENCES = ['', 'python', 'py', 'typescript', 'ts', 'go', 'golang'];

/** Reads a contract line by line: each line is a fence, a heading, a route, part of a model, or prose. */
class ContractReader {
  readonly doc: ContractDoc;
  private fence: { marker: string; language: string } | undefined;
  private model: ModelDecl | undefined;
  private currentKind: SectionKind = 'other';
  private inComment = false;

  constructor(lines: number) {
    this.doc = { lines, sections: [], models: [], routes: [], placeholders: [], hasBody: false };
  }

  read(line: string, i: number): void {
    const trimmed = line.trim();
    if (!this.doc.hasBody && trimmed) this.noteBody(line);
    if (this.readFence(line, i)) return;
    if (!this.fence && (this.readHeading(line, i) || this.readRoute(line, i))) return;
    if (this.readModelLine(line, trimmed, i)) return;
    if (!this.fence) this.readPlaceholders(line, i);
  }

  end(): ContractDoc {
    const last = this.doc.lines - 1;
    this.closeModel(last);
    for (const s of this.doc.sections) if (s.endLine === -1) s.endLine = last;
    return this.doc;
  }

  private noteBody(line: string): void {
    const said = saysSomething(line, this.inComment);
    this.doc.hasBody = said.body && !HEADING_RE.test(line);
    this.inComment = said.inComment;
  }

  /** An opening or closing fence; the lines between are code. */
  private readFence(line: string, i: number): boolean {
    const fenceMatch = FENCE_RE.exec(line);
    if (!fenceMatch) return false;
    if (!this.fence) this.fence = { marker: fenceMatch[1], language: fenceMatch[2].toLowerCase() };
    else if (line.trim().startsWith(this.fence.marker[0].repeat(this.fence.marker.length)) && fenceMatch[2] === '') {
      this.fence = undefined;
      this.closeModel(i);
    }
    return true;
  }

  /** A heading starts a section and ends the open sections of its level and below. */
  private readHeading(line: string, i: number): boolean {
    const heading = HEADING_RE.exec(line);
    if (!heading) return false;
    this.closeModel(i - 1);
    const level = heading[1].length;
    for (const s of this.doc.sections) if (s.endLine === -1 && s.level >= level) s.endLine = i - 1;
    const title = heading[2];
    this.currentKind = sectionKind(title);
    this.doc.sections.push({
      title,
      kind: this.currentKind,
      level,
      heading: { line: i, start: 0, end: line.length },
      endLine: -1,
    });
    return true;
  }

  private readRoute(line: string, i: number): boolean {
    const route = ROUTE_RE.exec(line);
    if (!route) return false;
    this.closeModel(i - 1);
    this.doc.routes.push(routeOf(route, line, i));
    return true;
  }

  /** A model's declaration (true), or a line inside or after the model being read (false). */
  private readModelLine(line: string, trimmed: string, i: number): boolean {
    if (this.fence && !MODEL_FENCES.includes(this.fence.language)) return false;
    const declared = declaration(line, i);
    if (declared) {
      this.closeModel(i - 1);
      this.model = declared;
      this.doc.models.push(declared);
      return true;
    }
    const model = this.model;
    if (!model) return false;
    if (!inModel(model, line, trimmed)) this.closeModel(i - 1);
    else {
      const field = fieldOf(model.language, line, i);
      if (field) model.fields.push(field);
      if (model.language !== 'python' && /^\s*}/.test(line)) this.closeModel(i);
    }
    return false;
  }

  private readPlaceholders(line: string, i: number): void {
    // Brackets in `code` are code (a regex, an array), not placeholders.
    const prose = withoutCodeSpans(line);
    for (const m of prose.matchAll(PLACEHOLDER_RE)) {
      const counts =
        this.currentKind === 'data'
          ? // In DATA, brackets are usually types (`list[Task]`); only whole-word placeholders count.
            /\s/.test(m[1]) || /^[A-Z]$/.test(m[1])
          : // `- [x] done` is a task-list checkbox, not a placeholder.
            !(/^[xX ]$/.test(m[1]) && /^\s*[-*+]\s+$/.test(line.slice(0, m.index)));
      if (counts)
        this.doc.placeholders.push({ text: m[0], span: { line: i, start: m.index, end: m.index + m[0].length } });
    }
  }

  private closeModel(endLine: number): void {
    if (this.model) this.model.endLine = endLine;
    this.model = undefined;
  }
}

function routeOf(route: RegExpExecArray, line: string, i: number): Route {
  const methodStart = route[1].length;
  const pathStart = methodStart + route[2].length + route[3].length;
  const typeText = route[6]?.trim() || undefined;
  const typeStart = typeText ? line.indexOf(typeText, pathStart + route[4].length) : -1;
  return {
    method: route[2],
    path: route[4],
    returnType: typeText,
    comment: route[7]?.trim() || undefined,
    span: { line: i, start: methodStart, end: line.length },
    methodSpan: { line: i, start: methodStart, end: methodStart + route[2].length },
    pathSpan: { line: i, start: pathStart, end: pathStart + route[4].length },
    typeSpan: typeText ? { line: i, start: typeStart, end: typeStart + typeText.length } : undefined,
  };
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

export function sectionAt(doc: ContractDoc, line: number): Section | undefined {
  let found: Section | undefined;
  for (const s of doc.sections) if (s.heading.line <= line && line <= s.endLine) found = s;
  return found;
}
