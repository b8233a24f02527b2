/**
 * The methods a net/http handler serves when its pattern names none, read only from forms whose meaning
 * is certain: a `switch r.Method` whose cases serve or refuse, and an early-return guard
 * `if r.Method != X { …; return }`. A comparison in any other form (`if r.Method == POST { reject }`
 * then serve the rest) could mean "serves" or "refuses": the handler's methods are then not known.
 */
import type { Node } from 'web-tree-sitter';
import { namedChildren } from './nodes';
import { argsOf, type GoFile, methodValue } from './goValues';

/** A form read: the r.Method comparisons it accounts for and the methods it lets through. */
interface Form {
  checks: Node[];
  methods: string[];
}

/**
 * The methods a handler serves, sorted; undefined when it compares r.Method nowhere, or somewhere in a
 * form Turbo does not read, or when the bodies it runs (a wrapper's and the wrapped function's) disagree.
 */
export function handlerMethods(handler: Node, go: GoFile): string[] | undefined {
  let found: string[] | undefined;
  for (const body of handlerBodies(handler, go, 0)) {
    const reading = readBody(body, go);
    if (reading === 'none') continue;
    if (reading === 'unsure' || (found && found.join() !== reading.join())) return undefined;
    found = reading;
  }
  return found;
}

function readBody(body: Node, go: GoFile): string[] | 'none' | 'unsure' {
  const checks = body.descendantsOfType(['binary_expression', 'expression_switch_statement']).filter(isCheck);
  if (checks.length === 0) return 'none';
  const statements = statementsOf(servingBlock(body, go));
  const covered = new Set<number>();
  let served: string[] | undefined;
  for (const [i, statement] of statements.entries()) {
    const form = guard(statement, go) ?? methodSwitch(statement, statements.slice(i + 1), go);
    if (!form) continue;
    for (const check of form.checks) covered.add(check.id);
    served = served ? served.filter((m) => form.methods.includes(m)) : [...new Set(form.methods)];
  }
  if (!served || checks.some((c) => !covered.has(c.id))) return 'unsure';
  return served.sort();
}

/** `r.Method == …`, `… != r.Method`, `switch r.Method {`: any of them makes the handler's methods matter. */
function isCheck(node: Node): boolean {
  if (node.type === 'expression_switch_statement') return isMethodField(node.childForFieldName('value'));
  const op = node.childForFieldName('operator')?.type;
  return (
    (op === '==' || op === '!=') &&
    [node.childForFieldName('left'), node.childForFieldName('right')].some(isMethodField)
  );
}

/** `if r.Method != X && r.Method != Y { …; return }`: only X and Y get past it. */
function guard(statement: Node, go: GoFile): Form | undefined {
  if (statement.type !== 'if_statement') return undefined;
  if (statement.childForFieldName('initializer') || statement.childForFieldName('alternative')) return undefined;
  const checks = notEqualChain(statement.childForFieldName('condition'));
  if (!checks || statementsOf(statement.childForFieldName('consequence')).at(-1)?.type !== 'return_statement')
    return undefined;
  const methods = checks.map((c) => methodValue(otherSide(c), go));
  return methods.every((m) => m !== undefined) ? { checks, methods: methods as string[] } : undefined;
}

function notEqualChain(node: Node | null): Node[] | undefined {
  if (node?.type === 'parenthesized_expression') return notEqualChain(node.namedChildren[0]);
  if (node?.type !== 'binary_expression') return undefined;
  const op = node.childForFieldName('operator')?.type;
  if (op === '!=' && isCheck(node)) return [node];
  if (op !== '&&') return undefined;
  const left = notEqualChain(node.childForFieldName('left'));
  const right = notEqualChain(node.childForFieldName('right'));
  return left && right ? [...left, ...right] : undefined;
}

/**
 * `switch r.Method { case …: }`: a case serves its methods unless it only refuses. What a method no case
 * names gets (the default, or without one the statements after the switch) must refuse or be nothing.
 */
function methodSwitch(statement: Node, after: Node[], go: GoFile): Form | undefined {
  if (statement.type !== 'expression_switch_statement' || !isCheck(statement)) return undefined;
  if (statement.childForFieldName('initializer')) return undefined;
  const methods: string[] = [];
  let rest = after;
  for (const c of namedChildren(statement)) {
    // A default that does not return goes on to the statements after the switch.
    const own = c.type === 'default_case' ? statementsOf(c) : [];
    if (c.type === 'default_case') rest = own.at(-1)?.type === 'return_statement' ? own : [...own, ...after];
    if (c.type !== 'expression_case') continue;
    const values = c.childrenForFieldName('value').flatMap(namedChildren);
    const read = values.map((v) => methodValue(v, go));
    const body = statementsOf(c);
    if (read.some((m) => m === undefined) || body.some((s) => s.type === 'fallthrough_statement')) return undefined;
    if (!refuses(body, go)) methods.push(...(read as string[]));
  }
  if (rest.length && !refuses(rest, go)) return undefined;
  return { checks: [statement], methods };
}

/** Statements that only refuse the request: `http.Error(…)` or a 405 written, an Allow header, a bare return. */
function refuses(statements: Node[], go: GoFile): boolean {
  let error = false;
  for (const s of statements) {
    if (s.type === 'return_statement' && s.namedChildCount === 0) continue;
    const call = s.type === 'expression_statement' ? s.namedChildren[0] : null;
    if (call?.type !== 'call_expression') return false;
    const fn = call.childForFieldName('function');
    const field = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : undefined;
    const operand = fn?.childForFieldName('operand');
    if (operand?.type === 'identifier' && operand.text === go.http && field === 'Error') error = true;
    else if (argsOf(call).some((a) => a.text === '405' || a.text === `${go.http}.StatusMethodNotAllowed`)) error = true;
    else if (!(operand?.type === 'call_expression' && operand.text.endsWith('.Header()'))) return false;
  }
  return error;
}

/** A handler factory's body (`func (s *Server) handleX() http.HandlerFunc { …; return func(w, r) {…} }`) serves from the literal it returns. */
function servingBlock(body: Node, go: GoFile): Node {
  const last = statementsOf(body).at(-1);
  const list = last?.type === 'return_statement' ? last.namedChildren[0] : undefined;
  let value = list?.type === 'expression_list' && list.namedChildCount === 1 ? list.namedChildren[0] : undefined;
  const fn = value?.type === 'call_expression' ? value.childForFieldName('function') : undefined;
  if (fn?.text === `${go.http}.HandlerFunc` && value) value = argsOf(value)[0];
  return (value?.type === 'func_literal' && value.childForFieldName('body')) || body;
}

/** The statements of a block or a case, comments left out. */
function statementsOf(node: Node | null | undefined): Node[] {
  const list = node ? namedChildren(node).find((c) => c.type === 'statement_list') : undefined;
  return list ? namedChildren(list).filter((c) => c.type !== 'comment') : [];
}

const otherSide = (check: Node): Node | null =>
  isMethodField(check.childForFieldName('left')) ? check.childForFieldName('right') : check.childForFieldName('left');

const isMethodField = (node: Node | null | undefined): boolean =>
  node?.type === 'selector_expression' && node.childForFieldName('field')?.text === 'Method';

/**
 * The bodies that decide what a handler does: a func literal's, a same-file function's or method's,
 * and through a call (`http.HandlerFunc(f)`, `s.handleTasks()`, `logged(f)`) the callee's and its arguments'.
 */
function handlerBodies(node: Node | null | undefined, go: GoFile, depth: number): Node[] {
  if (!node || depth > 3) return [];
  switch (node.type) {
    case 'func_literal':
      return [node.childForFieldName('body')].filter((b): b is Node => b !== null);
    case 'identifier':
      return go.bodies.get(node.text) ?? [];
    case 'selector_expression': {
      const operand = node.childForFieldName('operand');
      if (operand?.type === 'identifier' && go.imports.has(operand.text)) return [];
      return go.bodies.get(node.childForFieldName('field')?.text ?? '') ?? [];
    }
    case 'parenthesized_expression':
      return handlerBodies(node.namedChildren[0], go, depth + 1);
    case 'call_expression': {
      return [node.childForFieldName('function'), ...argsOf(node)].flatMap((n) => handlerBodies(n, go, depth + 1));
    }
    default:
      return [];
  }
}
