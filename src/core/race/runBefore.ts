import { runTests } from '../testing/loop';
import { testsRan } from '../testing/protectedTests';
import type { semaphore } from '../semaphore';
import { createScratch, type Scratch } from './scratch';
import type { RaceOptions } from './types';

/**
 * "At least as many tests as the last run before the change": when the front end knows no such run, the
 * race makes one, on a copy of the folder as it is, while the candidates stream (their tests cannot start
 * before their answers end, so the slot it takes is mostly idle). Undefined when it could not be read.
 */
export async function runBefore(
  options: RaceOptions,
  signal: AbortSignal,
  tests: ReturnType<typeof semaphore>,
  scratches: Set<Scratch>,
): Promise<number | undefined> {
  if (!options.testCommand || options.baselineRan !== undefined) return options.baselineRan;
  let scratch: Scratch | undefined;
  try {
    scratch = await createScratch(options.folder);
    scratches.add(scratch);
    const dir = scratch.dir;
    const report = await tests.run(() =>
      runTests({
        cwd: dir,
        command: options.testCommand!,
        timeoutMs: options.testTimeoutMs,
        signal,
        denyEnv: options.denyEnv,
        secrets: options.secrets,
      }),
    );
    return report.cancelled || report.timedOut ? undefined : testsRan(report);
  } catch {
    // A folder that cannot be copied fails the candidates too, and says so there.
    return undefined;
  } finally {
    if (scratch) {
      scratches.delete(scratch);
      await scratch.remove().catch(() => undefined);
    }
  }
}
