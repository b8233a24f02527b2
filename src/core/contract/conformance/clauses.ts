/** How a clause reads to a person, and which clauses a fix acts on: shared by the editor, the CLI and the fix. */
import type { Clause, ClauseStatus, ConformanceReport } from './types';

/** What a clause's status says when the check gave no detail. */
const STATUS_TEXT: Record<ClauseStatus, string> = {
  met: 'met',
  missing: 'not found in the generated code',
  mismatch: 'does not match the contract',
  unknown: 'not checked: Turbo cannot read this language or framework',
};

/**
 * A fix acts on the clauses the code contradicts or lacks. `unknown` ones are left out: Turbo could
 * not judge them, so asking the model to "meet" them would ask for a guess.
 */
export function unmetClauses(report: Pick<ConformanceReport, 'clauses'>): Clause[] {
  return report.clauses.filter((c) => c.status === 'missing' || c.status === 'mismatch');
}

/** `Task.completed: not found in the generated code`, `Task.completed: declared bool, found str in app/models.py:12`. */
export function clauseMessage(clause: Clause): string {
  const detail = clause.detail ?? STATUS_TEXT[clause.status];
  const where = clause.file && !detail.includes(clause.file) ? ` in ${clauseLocation(clause)}` : '';
  return `${clause.name}: ${detail}${where}`;
}

/** `app/models.py:12`, or the file alone when the clause has no line; undefined without a file. */
export function clauseLocation(clause: Clause): string | undefined {
  if (!clause.file) return undefined;
  return clause.line ? `${clause.file}:${clause.line}` : clause.file;
}
