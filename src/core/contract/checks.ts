import { modelNames, parseContract, typeNames, type ContractDoc, type SectionKind, type Span } from './language';

export type CheckCode =
  'empty-contract' | 'missing-section' | 'placeholder' | 'undeclared-type' | 'duplicate-route' | 'field-without-type';

export interface ContractIssue {
  code: CheckCode;
  severity: 'error' | 'warning' | 'info';
  message: string;
  span: Span;
  /** What a quick fix needs: the missing section, the model to declare, the route declared first. */
  section?: SectionKind;
  model?: string;
  other?: Span;
}

export const SECTION_HEADINGS: Record<'data' | 'api' | 'rules', string> = {
  data: '## DATA CONTRACT (use exactly these models):',
  api: '## API CONTRACT (use exactly these routes):',
  rules: '## RULES:',
};

const SERVICE_WORDS =
  /\b(API|REST|HTTP|endpoints?|routes?|FastAPI|Flask|Django|Express|Fastify|Koa|NestJS|Gin|Echo|Axum|Actix|web ?service|server)\b/i;

/** Everything the contract checks find, in document order. Never throws. */
export function checkContract(text: string, doc: ContractDoc = parseContract(text)): ContractIssue[] {
  const top: Span = {
    line: 0,
    start: 0,
    end: Math.min(text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'), 200),
  };
  if (!doc.hasBody) {
    return [
      {
        code: 'empty-contract',
        severity: 'info',
        message:
          'The contract is empty: describe the data models, the routes and the rules (type "contract" for a skeleton).',
        span: top,
      },
    ];
  }
  const issues = [
    ...missingSections(text, doc, top),
    ...doc.placeholders.map((p): ContractIssue => ({
      code: 'placeholder',
      severity: 'warning',
      message: `Unfilled placeholder ${p.text}: replace it with the real value.`,
      span: p.span,
    })),
    ...routeIssues(doc),
    ...untypedFields(doc),
  ];
  return issues.sort((a, b) => a.span.line - b.span.line || a.span.start - b.span.start);
}

/** A contract that describes a service needs its DATA, API and RULES sections. */
function missingSections(text: string, doc: ContractDoc, top: Span): ContractIssue[] {
  const describesService =
    doc.routes.length > 0 || doc.sections.some((s) => s.kind === 'api') || SERVICE_WORDS.test(text);
  if (!describesService) return [];
  const issues: ContractIssue[] = [];
  for (const kind of ['data', 'api', 'rules'] as const) {
    if (doc.sections.some((s) => s.kind === kind)) continue;
    const name = SECTION_HEADINGS[kind].replace(/^## /, '').replace(/ \(.*|:$/g, '');
    issues.push({
      code: 'missing-section',
      severity: 'warning',
      message: `This contract describes a service but has no ${name} section: without it the model guesses ${kind === 'data' ? 'the models' : kind === 'api' ? 'the routes' : 'the framework, storage and status codes'}.`,
      span: top,
      section: kind,
    });
  }
  return issues;
}

/** Each route declared twice, and each model a route returns that the contract does not declare. */
function routeIssues(doc: ContractDoc): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const declared = modelNames(doc);
  const seen = new Map<string, Span>();
  for (const route of doc.routes) {
    const key = `${route.method} ${normalizePath(route.path)}`;
    const first = seen.get(key);
    if (first) {
      issues.push({
        code: 'duplicate-route',
        severity: 'error',
        message: `Duplicate route ${route.method} ${route.path} (also on line ${first.line + 1}).`,
        span: route.span,
        other: first,
      });
    } else {
      seen.set(key, route.span);
    }
    if (!route.returnType || !route.typeSpan) continue;
    for (const name of typeNames(route.returnType)) {
      if (declared.has(name)) continue;
      const at = route.returnType.indexOf(name);
      issues.push({
        code: 'undeclared-type',
        severity: 'error',
        message: `${route.method} ${route.path} returns ${name}, which the DATA CONTRACT does not declare.`,
        span: {
          line: route.typeSpan.line,
          start: route.typeSpan.start + at,
          end: route.typeSpan.start + at + name.length,
        },
        model: name,
      });
    }
  }
  return issues;
}

function untypedFields(doc: ContractDoc): ContractIssue[] {
  return doc.models.flatMap((model) =>
    model.fields
      .filter((field) => !field.type)
      .map((field): ContractIssue => ({
        code: 'field-without-type',
        severity: 'warning',
        message: `Field ${model.name}.${field.name} has no type: give it one so the model cannot guess.`,
        span: field.span,
      })),
  );
}

/** `/tasks/{id}`, `/tasks/:id` and `/tasks/<id>/` are the same route. */
export function normalizePath(p: string): string {
  return p.replace(/\{[^}]*\}|:[A-Za-z_]\w*|<[^>]*>/g, '{}').replace(/\/+$/, '') || '/';
}
