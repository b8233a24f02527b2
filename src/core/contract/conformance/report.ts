/** The conformance report as the CLI prints it and as the CLI's --json and the MCP tools return it. */
import { safeInline } from '../../terminalText';
import { clauseMessage } from './clauses';
import type { Clause, ConformanceReport } from './types';

export interface ClauseJson {
  kind: Clause['kind'];
  name: string;
  contract_line: number;
  status: Clause['status'];
  detail: string | null;
  file: string | null;
  line: number | null;
}

export function clauseJson(c: Clause): ClauseJson {
  return {
    kind: c.kind,
    name: c.name,
    contract_line: c.contractLine,
    status: c.status,
    detail: c.detail,
    file: c.file,
    line: c.line,
  };
}

export function conformanceJson(report: ConformanceReport) {
  return {
    clauses: report.clauses.map(clauseJson),
    met: report.met,
    total: report.total,
    files_read: report.filesRead,
    languages: report.languages,
    frameworks: report.frameworks,
    duration_ms: report.durationMs,
  };
}

/** What an agent needs after a generation: the counts and the names of the unmet clauses. */
export function conformanceSummary(report: ConformanceReport) {
  return {
    met: report.met,
    total: report.total,
    unmet: report.clauses.filter((c) => c.status !== 'met').map((c) => c.name),
  };
}

/** `contract.md:7: missing: Task.completed: not found in the generated code`, one line per unmet clause. */
export function unmetLines(contractName: string, report: ConformanceReport): string {
  return (
    report.clauses
      .filter((c) => c.status !== 'met')
      // Names and details come from files: a newline in a file name must not start a line of its own.
      .map((c) => safeInline(`${contractName}:${c.contractLine}: ${c.status}: ${clauseMessage(c)}`) + '\n')
      .join('')
  );
}

/** `12/13 clauses met · 4 files read (python; fastapi) · 23 ms` */
export function conformanceCounts(report: ConformanceReport): string {
  const what = [report.languages.join(', '), report.frameworks.join(', ')].filter(Boolean).join('; ');
  const files = `${report.filesRead} file${report.filesRead === 1 ? '' : 's'} read${what ? ` (${what})` : ''}`;
  return `${report.met}/${report.total} clauses met · ${files} · ${report.durationMs} ms`;
}
