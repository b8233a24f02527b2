import type { CandidateResult } from './types';

/**
 * The order candidates are ranked in, best first. Each step decides only when the ones before it tie:
 * 1. a complete answer (files written, no generation error) over one that failed or was cut off;
 * 2. green over not green;
 * 3. more tests passed;
 * 4. code whose tests ran at all over code that does not load;
 * 5. fewer tests failed;
 * 6. more contract clauses met (the only signal when the folder has no tests);
 * 7. fewer lines (the smaller of two equally good answers is the easier one to read);
 * 8. the earlier candidate, so the order never depends on timing.
 */
export function compareCandidates(a: CandidateResult, b: CandidateResult): number {
  const steps: [number, number][] = [
    [complete(b), complete(a)],
    [Number(b.green), Number(a.green)],
    [b.passed ?? 0, a.passed ?? 0],
    [Number(b.loads), Number(a.loads)],
    [a.failed ?? 0, b.failed ?? 0],
    [b.conformance?.met ?? 0, a.conformance?.met ?? 0],
    [a.lines, b.lines],
    [a.candidate, b.candidate],
  ];
  for (const [x, y] of steps) if (x !== y) return x - y;
  return 0;
}

/** 1 for a candidate that wrote files and whose generation completed. */
function complete(c: CandidateResult): number {
  return c.files.length > 0 && !c.generation?.error ? 1 : 0;
}

/** The winner: the best candidate that has files to write; undefined when none has. */
export function pickWinner(candidates: readonly CandidateResult[]): CandidateResult | undefined {
  return [...candidates].sort(compareCandidates).find((c) => c.files.length > 0);
}
