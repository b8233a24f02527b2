import type { TestReport } from './loop';

// Placeholder until the protected-tests part lands (issue 17): the race core codes against this API.
export function looksLikeTest(rel: string): boolean {
  return (
    /(^|\/)(tests?|__tests__)\//.test(rel) ||
    /(^|\/)(test_[^/]*\.py|[^/]*_test\.(py|go)|[^/]*\.(test|spec)\.[^/]+|conftest\.py)$/.test(rel)
  );
}
export interface Protection {
  refuse(rel: string): string | undefined;
  isNewTest(rel: string): boolean;
}
export async function protectionFor(root: string, globs: readonly string[] = []): Promise<Protection> {
  const fs = await import('node:fs/promises');
  const existing = new Set<string>();
  const names = await fs.readdir(root, { recursive: true }).catch(() => [] as string[]);
  for (const name of names) if (!name.includes('node_modules')) existing.add(name.split('\\').join('/'));
  void globs;
  return {
    refuse: (rel) => (looksLikeTest(rel) && existing.has(rel) ? `${rel} is a test file` : undefined),
    isNewTest: (rel) => looksLikeTest(rel) && !existing.has(rel),
  };
}
export function testsRan(report: { passed: number | undefined; failed: number | undefined }): number | undefined {
  return report.passed === undefined && report.failed === undefined
    ? undefined
    : (report.passed ?? 0) + (report.failed ?? 0);
}
export function countVerdict(report: TestReport, baselineRan: number | undefined): { green: boolean; why?: string } {
  const ran = testsRan(report);
  if (!report.green) return { green: false };
  if (baselineRan === undefined) return { green: true };
  if (ran === undefined || ran < baselineRan)
    return { green: false, why: `only ${ran ?? 'an unknown number of'} tests ran; ${baselineRan} ran before` };
  return { green: true };
}
