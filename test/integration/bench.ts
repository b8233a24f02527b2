/**
 * Figures from inside the real editor, for `npm run bench` (not a test suite): extension activation
 * and `turbo.generate` of the example answer. The harness runs it with TURBO_IT_ONLY=bench; results
 * go to the JSON file named by TURBO_BENCH_OUT.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GenerationReport } from '../../src/core/generation/pipeline';
import { EXTENSION_ID, openContract, setSetting, useStandIn } from './helpers';

export async function run(): Promise<void> {
  const out = process.env.TURBO_BENCH_OUT;
  if (!out) throw new Error('TURBO_BENCH_OUT is not set');
  const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
  if (extension.isActive) throw new Error('Turbo was already active: activation cannot be timed');
  const t = performance.now();
  const api = (await extension.activate()) as {
    activation: { loadMs: number; vscodeApiMs: number; hostMs: number; activateMs: number };
  };
  const activationMs = performance.now() - t;

  const answer = fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/tasks.answer.txt'), 'utf8');
  const generateMs: Record<string, number[]> = {};
  const { standin } = await useStandIn('bench-out');
  await setSetting('overwrite', 'always');
  await openContract();
  for (const [label, rate] of [
    ['example answer (7 files), unthrottled', 0],
    ['example answer (7 files), 3000 tok/s', 3000],
  ] as const) {
    generateMs[label] = [];
    for (let r = 0; r < 6; r++) {
      standin.enqueue({ content: answer, tokensPerSecond: rate || undefined });
      const start = performance.now();
      const report = (await vscode.commands.executeCommand('turbo.generate')) as GenerationReport;
      const ms = performance.now() - start;
      if (report.error || report.files.length === 0) throw new Error(`generate failed: ${report.error?.message}`);
      // The first run loads the SDK; it is not counted.
      if (r > 0) generateMs[label].push(ms);
    }
  }
  fs.writeFileSync(
    out,
    JSON.stringify({
      activationMs: [activationMs],
      parts: api.activation,
      generateMs,
      vscode: `VS Code ${vscode.version}`,
    }),
  );
}
