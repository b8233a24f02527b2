import { randomBytes } from 'node:crypto';
import * as fsSync from 'node:fs';
import * as fs from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';

/**
 * Temporary files beside their targets (`.name.turbo-<pid>-<random>-<n>`). Every one in flight is
 * registered, so whatever ends the process (a normal exit, `process.exit`, a signal Turbo handles)
 * removes them; one left by a process that was killed outright is removed by the next run that
 * writes into its folder, once its pid is no longer alive.
 */
const inFlight = new Set<string>();
/** Random once per process, then counted: the CSPRNG per file costs more than the write. */
const prefix = `turbo-${process.pid}-${randomBytes(3).toString('hex')}-`;
let count = 0;
let exitHooked = false;

/** A new temporary name beside `target`, registered until `release`d. */
export function tempFor(target: string): string {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', removeTempsNow);
  }
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${prefix}${(count++).toString(36)}`);
  inFlight.add(temp);
  return temp;
}

export function release(temp: string): void {
  inFlight.delete(temp);
}

/** Synchronous, for `process.on('exit')` and signal handlers, where nothing asynchronous runs. */
export function removeTempsNow(): void {
  for (const temp of inFlight) {
    try {
      fsSync.rmSync(temp, { force: true });
    } catch {
      // Best effort: the process is ending.
    }
  }
  inFlight.clear();
}

/**
 * For a process entry (CLI, MCP server): these signals remove the temporaries, then end the process
 * with the conventional 128 + signal number. Without a handler Node dies at once and leaves them.
 */
export function cleanUpOnSignals(signals: NodeJS.Signals[]): void {
  for (const signal of signals) {
    process.on(signal, () => {
      removeTempsNow();
      process.exit(128 + (osConstants.signals[signal] ?? 0));
    });
  }
}

const STALE = /^\..+\.turbo-(\d+)-[0-9a-f]+-[0-9a-z]+$/;

/** Removes temporaries in `dir` left by processes that are gone. Never fails the caller. */
export async function sweepStaleTemps(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = STALE.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isAlive(Number(pid))) continue;
    await fs.rm(path.join(dir, name), { force: true }).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, owned by someone else.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
