import * as vscode from 'vscode';
import { typeNames, type ModelDecl, type Route, type Section } from '../../core/contract/language';
import { contractOf, toRange } from './documents';

/** Outline: sections, with the models and routes inside them. */
export class ContractSymbolProvider implements vscode.DocumentSymbolProvider {
  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    const doc = contractOf(document);
    const { roots, sections } = sectionTree(document, doc.sections);
    // Each model and route goes into the innermost section around it (the last one that starts before it).
    const container = (line: number) => {
      let found: vscode.DocumentSymbol | undefined;
      for (const { s, symbol } of sections) if (s.heading.line <= line && line <= s.endLine) found = symbol;
      return found ? found.children : roots;
    };
    for (const m of doc.models) container(m.span.line).push(modelSymbol(document, m));
    for (const r of doc.routes) container(r.span.line).push(routeSymbol(r));
    sortByPosition(roots);
    return roots;
  }
}

/** A symbol per section, nested by heading level; `roots` are the top-level ones. */
function sectionTree(document: vscode.TextDocument, sections: Section[]) {
  const roots: vscode.DocumentSymbol[] = [];
  const symbols = sections.map((s) => {
    const end = document.lineAt(Math.max(s.heading.line, s.endLine)).range.end;
    // The heading alone ("RULES"): the kind beside it would only repeat it.
    const symbol = new vscode.DocumentSymbol(
      s.title.replace(/\s*:\s*$/, '') || '(untitled)',
      '',
      vscode.SymbolKind.Namespace,
      new vscode.Range(s.heading.line, 0, end.line, end.character),
      toRange(s.heading),
    );
    return { s, symbol };
  });
  const stack: { level: number; symbol: vscode.DocumentSymbol }[] = [];
  for (const { s, symbol } of symbols) {
    while (stack.length > 0 && stack[stack.length - 1].level >= s.level) stack.pop();
    (stack.length > 0 ? stack[stack.length - 1].symbol.children : roots).push(symbol);
    stack.push({ level: s.level, symbol });
  }
  return { roots, sections: symbols };
}

function modelSymbol(document: vscode.TextDocument, m: ModelDecl): vscode.DocumentSymbol {
  const end = document.lineAt(Math.max(m.span.line, m.endLine)).range.end;
  const symbol = new vscode.DocumentSymbol(
    m.name,
    `${m.language} model`,
    vscode.SymbolKind.Class,
    new vscode.Range(m.span.line, 0, end.line, end.character),
    toRange(m.span),
  );
  symbol.children = m.fields.map(
    (f) =>
      new vscode.DocumentSymbol(
        f.name,
        f.type ?? '(no type)',
        vscode.SymbolKind.Field,
        toRange(f.span),
        toRange(f.span),
      ),
  );
  return symbol;
}

function routeSymbol(r: Route): vscode.DocumentSymbol {
  return new vscode.DocumentSymbol(
    `${r.method} ${r.path}`,
    r.returnType ? `-> ${r.returnType}` : '',
    vscode.SymbolKind.Method,
    toRange(r.span),
    toRange(r.pathSpan),
  );
}

function sortByPosition(list: vscode.DocumentSymbol[]): void {
  list.sort((a, b) => a.range.start.compareTo(b.range.start));
  list.forEach((s) => sortByPosition(s.children));
}

/** One fold per section. */
export class ContractFoldingProvider implements vscode.FoldingRangeProvider {
  provideFoldingRanges(document: vscode.TextDocument): vscode.FoldingRange[] {
    return contractOf(document)
      .sections.filter((s) => s.endLine > s.heading.line)
      .map((s) => {
        let end = s.endLine;
        while (end > s.heading.line && document.lineAt(end).isEmptyOrWhitespace) end--;
        return new vscode.FoldingRange(s.heading.line, end, vscode.FoldingRangeKind.Region);
      })
      .filter((r) => r.end > r.start);
  }
}

/** From a type in a route (or a field) to the model that declares it. */
export class ContractDefinitionProvider implements vscode.DefinitionProvider {
  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location | undefined {
    const range = document.getWordRangeAtPosition(position, /[A-Za-z_][\w]*/);
    if (!range) return undefined;
    const word = document.getText(range);
    if (typeNames(word).length === 0) return undefined;
    const model = contractOf(document).models.find((m) => m.name === word);
    return model ? new vscode.Location(document.uri, toRange(model.span)) : undefined;
  }
}
