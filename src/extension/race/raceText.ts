/**
 * The words a race shows in the editor, kept without `vscode` so plain unit tests reach them: the
 * progress line of each candidate and each candidate's verdict in the comparison view.
 */
import type { CandidateProgress, CandidateResult } from '../../core/race/types';
import { safeInline } from '../../core/terminalText';

/** 950 → "950", 1234 → "1.2k", 56_789 → "57k". */
export function shortCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  const k = n / 1000;
  return `${k < 10 ? k.toFixed(1).replace(/\.0$/, '') : Math.round(k)}k`;
}

/** One candidate's state: "streaming 1.2k tok", "testing", "3/4 passed", "failed". */
export function candidateState(p: CandidateProgress): string {
  switch (p.phase) {
    case 'waiting':
      return 'waiting';
    case 'streaming':
      return `streaming ${shortCount(p.tokens)} tok`;
    case 'testing':
      return 'testing';
    case 'checking':
      return 'checking the contract';
    case 'done':
      return p.passed !== undefined || p.failed !== undefined
        ? `${p.passed ?? 0}/${(p.passed ?? 0) + (p.failed ?? 0)} passed`
        : 'done';
    case 'failed':
      return 'failed';
    case 'not_run':
      return 'not run';
  }
}

/** The progress notification's message: "#1 streaming 1.2k tok · #2 testing · #3 3/4 passed". */
export function progressLine(candidates: readonly CandidateProgress[]): string {
  return candidates.map((p) => `#${p.candidate} ${candidateState(p)}`).join(' · ');
}

/** What a candidate's tests (or, without tests, the contract check) said, for its row. */
export function verdictText(c: CandidateResult, hadTests: boolean): string {
  if (c.error && c.files.length === 0) return safeInline(c.error);
  if (hadTests) {
    if (c.test?.cancelled) return 'cancelled while testing';
    if (!c.loads) return 'does not load';
    const counts = `${c.passed ?? 0} passed, ${c.failed ?? 0} failed`;
    return c.notGreenBecause ? `${counts} (${safeInline(c.notGreenBecause)})` : counts;
  }
  if (c.conformance) return `${c.conformance.met}/${c.conformance.total} contract clauses met`;
  return 'not checked';
}

/** Seconds with one decimal: "1.4 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
