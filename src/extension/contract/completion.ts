import * as vscode from 'vscode';
import {
  HTTP_METHODS,
  dominantLanguage,
  sectionAt,
  type ContractDoc,
  type ModelLanguage,
  type SectionKind,
} from '../../core/contract/language';
import { SECTION_HEADINGS } from '../../core/contract/checks';
import { contractOf } from './documents';

const RULES = [
  'Use FastAPI with uvicorn',
  'Use Express 4 with TypeScript',
  'Store data in memory',
  'Store data in SQLite (a file named data.db)',
  'Return 404 for missing resources',
  'Return 422 with an error message for invalid input',
  'Return 201 with the created resource for POST',
  'POST /reset must clear all state and return {"status": "ok"}',
  'Include tests for every route',
  'Never log secrets',
];

const FIELD_TYPES: Record<ModelLanguage, string[]> = {
  python: [
    'str',
    'int',
    'float',
    'bool',
    'datetime',
    'date',
    'UUID',
    'list[str]',
    'dict[str, str]',
    'Optional[str]',
    'Literal["a", "b"]',
  ],
  typescript: [
    'string',
    'number',
    'boolean',
    'Date',
    'string[]',
    'Record<string, string>',
    'string | null',
    '"a" | "b"',
  ],
  go: ['string', 'int', 'int64', 'float64', 'bool', 'time.Time', '[]string', 'map[string]string', '*string'],
};

/**
 * Contract completion: section headings at line start; in API CONTRACT, methods, then paths, then
 * `-> Type` from the declared models; in RULES, common rules; in a model, field types in its language.
 */
export class ContractCompletionProvider implements vscode.CompletionItemProvider {
  static readonly triggerCharacters = ['#', ' ', '/', '>', ':'];

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const doc = contractOf(document);
    const before = document.lineAt(position.line).text.slice(0, position.character);
    const section = sectionAt(doc, position.line);

    if (/^#{0,6}\s*[A-Za-z ]*$/.test(before) && (before.startsWith('#') || before.trim() === '')) {
      const items = this.headings(doc, before, position);
      if (before.startsWith('#') || !section || section.kind !== 'api') return items;
    }
    if (section?.kind === 'api') return this.api(doc, before, position);
    if (section?.kind === 'rules' && /^\s*[-*]\s*[\w ]*$/.test(before)) return this.rules(before, position);
    const model = doc.models.find((m) => m.span.line < position.line && position.line <= m.endLine + 1);
    if (model) {
      const re =
        model.language === 'go'
          ? /^(\s+[A-Za-z_]\w*\s+)([\w[\]*.]*)$/
          : /^(\s+[A-Za-z_$][\w$]*\??\s*:\s*)([\w[\]<>.|" ,]*)$/;
      const field = re.exec(before);
      if (field)
        return this.types(
          model.language,
          new vscode.Range(position.line, field[1].length, position.line, before.length),
        );
    }
    return [];
  }

  /** The sections the contract does not have yet (the heading being typed on this line does not count). */
  private headings(doc: ContractDoc, before: string, position: vscode.Position): vscode.CompletionItem[] {
    const present = new Set(doc.sections.filter((s) => s.heading.line !== position.line).map((s) => s.kind));
    const all: [string, SectionKind][] = [
      [SECTION_HEADINGS.data, 'data'],
      [SECTION_HEADINGS.api, 'api'],
      ['## ALGORITHM:', 'algorithm'],
      [SECTION_HEADINGS.rules, 'rules'],
    ];
    const range = new vscode.Range(position.line, 0, position.line, before.length);
    return all
      .filter(([, kind]) => !present.has(kind))
      .map(([heading], i) => {
        const item = new vscode.CompletionItem(heading.replace(/^## /, ''), vscode.CompletionItemKind.Module);
        item.insertText = `${heading}\n\n`;
        item.filterText = `${before.startsWith('#') ? before.replace(/\s.*$/, '') : ''}${heading}`;
        item.range = range;
        item.detail = 'contract section';
        item.sortText = String(i);
        return item;
      });
  }

  /** In an API section: the method at the start of a line, then a path, then the type after `->`. */
  private api(doc: ContractDoc, before: string, position: vscode.Position): vscode.CompletionItem[] {
    const lead = /^(\s*(?:[-*]\s+)?)([A-Z]*)$/.exec(before);
    if (lead) return this.methods(new vscode.Range(position.line, lead[1].length, position.line, before.length));
    const pathStart = /^\s*(?:[-*]\s+)?[A-Z]+\s+(\/\S*)?$/.exec(before);
    const at = (typed: string) =>
      new vscode.Range(position.line, before.length - typed.length, position.line, before.length);
    if (pathStart) return this.paths(doc, at(pathStart[1] ?? ''));
    const arrow = /->\s*([\w[\]<>]*)$/.exec(before);
    if (arrow) return this.returnTypes(doc, dominantLanguage(doc, before), at(arrow[1]));
    return [];
  }

  private methods(range: vscode.Range): vscode.CompletionItem[] {
    return HTTP_METHODS.map((m, i) => {
      const item = new vscode.CompletionItem(m, vscode.CompletionItemKind.Keyword);
      item.insertText = `${m} `;
      item.range = range;
      item.sortText = String(i);
      item.command = { title: 'Suggest paths', command: 'editor.action.triggerSuggest' };
      return item;
    });
  }

  /** The contract's own paths, a collection and an item path per model, and /reset. */
  private paths(doc: ContractDoc, range: vscode.Range): vscode.CompletionItem[] {
    const paths = new Set(doc.routes.map((r) => r.path));
    for (const m of doc.models) {
      const plural = `/${m.name.replace(/(Create|Update|In|Out|Request|Response)$/, '').toLowerCase()}s`;
      if (plural.length > 2) {
        paths.add(plural);
        paths.add(`${plural}/{id}`);
      }
    }
    paths.add('/reset');
    return [...paths].map((p) => {
      const item = new vscode.CompletionItem(p, vscode.CompletionItemKind.Value);
      item.range = range;
      item.insertText = `${p} -> `;
      item.command = { title: 'Suggest types', command: 'editor.action.triggerSuggest' };
      return item;
    });
  }

  /** Each model and a list of it, in the contract's language, then the language's untyped object. */
  private returnTypes(doc: ContractDoc, language: ModelLanguage, range: vscode.Range): vscode.CompletionItem[] {
    const items: vscode.CompletionItem[] = [];
    for (const m of doc.models) {
      const one = new vscode.CompletionItem(m.name, vscode.CompletionItemKind.Class);
      one.detail = `model declared on line ${m.span.line + 1}`;
      one.range = range;
      one.sortText = `0${m.name}`;
      const many = new vscode.CompletionItem(
        language === 'python' ? `list[${m.name}]` : language === 'go' ? `[]${m.name}` : `${m.name}[]`,
        vscode.CompletionItemKind.Class,
      );
      many.detail = `a list of ${m.name}`;
      many.range = range;
      many.sortText = `1${m.name}`;
      items.push(one, many);
    }
    for (const t of language === 'python' ? ['dict'] : language === 'go' ? ['map[string]any'] : ['object']) {
      const item = new vscode.CompletionItem(t, vscode.CompletionItemKind.TypeParameter);
      item.range = range;
      item.sortText = `2${t}`;
      items.push(item);
    }
    return items;
  }

  private rules(before: string, position: vscode.Position): vscode.CompletionItem[] {
    const typed = /^\s*[-*]\s*/.exec(before)![0].length;
    const range = new vscode.Range(position.line, typed, position.line, before.length);
    return RULES.map((rule, i) => {
      const item = new vscode.CompletionItem(rule, vscode.CompletionItemKind.Text);
      item.range = range;
      item.sortText = String(i).padStart(2, '0');
      return item;
    });
  }

  private types(language: ModelLanguage, range: vscode.Range): vscode.CompletionItem[] {
    return FIELD_TYPES[language].map((t, i) => {
      const item = new vscode.CompletionItem(t, vscode.CompletionItemKind.TypeParameter);
      item.detail = `${language} type`;
      item.range = range;
      item.sortText = String(i).padStart(2, '0');
      return item;
    });
  }
}
