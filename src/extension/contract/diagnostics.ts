import * as vscode from 'vscode';
import { dominantLanguage, type ModelLanguage } from '../../core/contract/language';
import { checkContract, SECTION_HEADINGS, type CheckCode } from '../../core/contract/checks';
import { CONTRACT_LANGUAGE, contractOf, toRange } from './documents';

const DEBOUNCE_MS = 250;
const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Contract checks as diagnostics ("turbo-contract"), refreshed as you type after a short pause. */
export function registerContractDiagnostics(): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('turbo-contract');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const refresh = (document: vscode.TextDocument) => {
    if (document.languageId !== CONTRACT_LANGUAGE) return;
    const issues = checkContract(document.getText(), contractOf(document));
    collection.set(
      document.uri,
      issues.map((issue) => {
        const d = new vscode.Diagnostic(toRange(issue.span), issue.message, SEVERITY[issue.severity]);
        d.source = 'turbo-contract';
        d.code = issue.code;
        return d;
      }),
    );
  };
  const schedule = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        refresh(document);
      }, DEBOUNCE_MS),
    );
  };
  vscode.workspace.textDocuments.forEach(refresh);
  return vscode.Disposable.from(
    collection,
    vscode.workspace.onDidOpenTextDocument(refresh),
    // Only contracts get a timer: other files change on every keystroke too.
    vscode.workspace.onDidChangeTextDocument(
      (e) => e.document.languageId === CONTRACT_LANGUAGE && schedule(e.document),
    ),
    vscode.workspace.onDidCloseTextDocument((d) => collection.delete(d.uri)),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
}

const MODEL_SKELETON: Record<ModelLanguage, (name: string) => string> = {
  python: (name) => `class ${name}(BaseModel):\n    id: str\n`,
  typescript: (name) => `interface ${name} {\n  id: string;\n}\n`,
  go: (name) => `type ${name} struct {\n\tID string \`json:"id"\`\n}\n`,
};

/**
 * Quick fixes where one is obvious: insert a missing section, declare a missing model, select a
 * placeholder to type over it, go to the first declaration of a duplicate route.
 */
export class ContractCodeActionProvider implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    // Diagnostics come back from the workbench without extra fields: find the issue behind each again.
    // The missing-section warnings share one range, so the message tells them apart.
    const issues = checkContract(document.getText(), contractOf(document));
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'turbo-contract') continue;
      const code = diagnostic.code as CheckCode;
      const issue = issues.find(
        (i) => i.code === code && i.message === diagnostic.message && toRange(i.span).isEqual(diagnostic.range),
      );
      if (code === 'missing-section' && issue?.section)
        actions.push(this.insertSection(document, issue.section as keyof typeof SECTION_HEADINGS, diagnostic));
      if (code === 'undeclared-type' && issue?.model)
        actions.push(this.declareModel(document, issue.model, diagnostic));
      if (code === 'placeholder' && issue)
        actions.push(goTo('Select the placeholder to type over it', document, toRange(issue.span), diagnostic));
      if (code === 'duplicate-route' && issue?.other) {
        const line = issue.other.line;
        actions.push(
          goTo(
            `Go to the other declaration on line ${line + 1}`,
            document,
            new vscode.Range(line, issue.other.start, line, issue.other.start),
            diagnostic,
          ),
        );
      }
    }
    return actions;
  }

  private insertSection(
    document: vscode.TextDocument,
    section: keyof typeof SECTION_HEADINGS,
    diagnostic: vscode.Diagnostic,
  ): vscode.CodeAction {
    const heading = SECTION_HEADINGS[section];
    const action = new vscode.CodeAction(
      `Add the ${heading.replace(/^## /, '').replace(/ \(.*|:$/g, '')} section`,
      vscode.CodeActionKind.QuickFix,
    );
    const body =
      section === 'data' ? '\n' : section === 'api' ? '\nGET /items -> list[Item]    # List items\n' : '\n- \n';
    const doc = contractOf(document);
    // Sections go in their usual order: DATA, API, (ALGORITHM), RULES.
    const order = ['data', 'api', 'algorithm', 'rules'];
    const next = doc.sections.find((s) => order.indexOf(s.kind) > order.indexOf(section));
    const edit = new vscode.WorkspaceEdit();
    if (next) edit.insert(document.uri, new vscode.Position(next.heading.line, 0), `${heading}\n${body}\n`);
    else {
      const end = document.lineAt(document.lineCount - 1).range.end;
      edit.insert(document.uri, end, `${document.getText().endsWith('\n') ? '' : '\n'}\n${heading}\n${body}`);
    }
    action.edit = edit;
    action.diagnostics = [diagnostic];
    action.isPreferred = true;
    return action;
  }

  private declareModel(document: vscode.TextDocument, name: string, diagnostic: vscode.Diagnostic): vscode.CodeAction {
    const doc = contractOf(document);
    const action = new vscode.CodeAction(`Declare model ${name} in the DATA CONTRACT`, vscode.CodeActionKind.QuickFix);
    const language = dominantLanguage(doc, document.getText());
    const data = doc.sections.find((s) => s.kind === 'data');
    const edit = new vscode.WorkspaceEdit();
    const skeleton = MODEL_SKELETON[language](name);
    if (data) {
      let line = data.endLine;
      while (line > data.heading.line && document.lineAt(line).isEmptyOrWhitespace) line--;
      const inFence = /^\s*(```|~~~)\s*$/.test(document.lineAt(line).text);
      const at = inFence ? new vscode.Position(line, 0) : document.lineAt(line).range.end;
      edit.insert(document.uri, at, inFence ? `\n${skeleton}` : `\n\n${skeleton.replace(/\n$/, '')}`);
    } else {
      edit.insert(document.uri, new vscode.Position(0, 0), `${SECTION_HEADINGS.data}\n\n${skeleton}\n`);
    }
    action.edit = edit;
    action.diagnostics = [diagnostic];
    action.isPreferred = true;
    return action;
  }
}

/** A fix that moves the selection: the editor opens the document there (`vscode.open` takes the selection). */
function goTo(
  title: string,
  document: vscode.TextDocument,
  selection: vscode.Range,
  diagnostic: vscode.Diagnostic,
): vscode.CodeAction {
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  action.command = {
    title,
    command: 'vscode.open',
    arguments: [document.uri, { selection } satisfies vscode.TextDocumentShowOptions],
  };
  action.diagnostics = [diagnostic];
  return action;
}
