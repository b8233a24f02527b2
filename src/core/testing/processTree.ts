import * as fs from 'node:fs/promises';
import { setTimeout as wait } from 'node:timers/promises';

/**
 * A test command can start children that leave its process group (`setsid`, daemons), so killing
 * the group misses them. On Linux they are found through /proc: by the run's marker variable in
 * their environment (which survives re-parenting to init) and by parent links from the command's
 * pid (which catch children that cleared their environment while their parent lives).
 */

/** The variable that marks every process of one test run. */
export const RUN_MARKER_ENV = 'TURBO_TEST_RUN';

export const canScanProcesses = () => process.platform === 'linux';

interface ProcInfo {
  pid: number;
  ppid: number;
  marked: boolean;
}

/**
 * Pids of the run's processes: those carrying `marker`, and the descendants of `rootPid`. Pass
 * `rootPid` only while that process has not been reaped, or its number may belong to another.
 */
export async function runProcesses(marker: string, rootPid: number | undefined): Promise<number[]> {
  if (!canScanProcesses()) return [];
  const names = await fs.readdir('/proc').catch(() => [] as string[]);
  const infos = await Promise.all(
    names.filter((n) => /^\d+$/.test(n)).map((n) => procInfo(Number(n), `${RUN_MARKER_ENV}=${marker}`)),
  );
  const all = infos.filter((i): i is ProcInfo => i !== undefined && i.pid !== process.pid);
  const found = new Set(all.filter((i) => i.marked).map((i) => i.pid));
  if (rootPid !== undefined) {
    const children = new Map<number, number[]>();
    for (const i of all) children.set(i.ppid, [...(children.get(i.ppid) ?? []), i.pid]);
    const visited = new Set([rootPid]);
    const queue = [rootPid];
    while (queue.length) {
      for (const child of children.get(queue.pop()!) ?? []) {
        if (visited.has(child)) continue;
        visited.add(child);
        found.add(child);
        queue.push(child);
      }
    }
  }
  found.delete(process.pid);
  return [...found];
}

async function procInfo(pid: number, entry: string): Promise<ProcInfo | undefined> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  // Other users' environments are unreadable: those processes are not ours to stop anyway.
  const environ = await fs.readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
  return { pid, ppid, marked: environ.split('\0').includes(entry) };
}

/** Sends `signal` to each pid; ones already gone are skipped. */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone, or not ours.
    }
  }
}

/** Running, as opposed to gone or a zombie waiting for its parent (or init) to reap it. */
async function running(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !'ZX'.includes(stat.slice(stat.lastIndexOf(')') + 2)[0]);
}

/** Waits (at most `ms`) until the signalled processes have died, so "stopped" means stopped. */
export async function waitStopped(pids: readonly number[], ms = 1000): Promise<void> {
  if (!canScanProcesses()) return;
  const deadline = performance.now() + ms;
  let left = [...pids];
  while (left.length && performance.now() < deadline) {
    const states = await Promise.all(left.map(running));
    left = left.filter((_, i) => states[i]);
    if (left.length) await wait(20);
  }
}
