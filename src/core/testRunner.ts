import { spawn } from 'node:child_process';

export interface TestRunOptions {
  cwd: string;
  /** A shell command line, e.g. `pytest` or `npm test`. */
  command: string;
  /** Default 300 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Only the last this-many bytes of output are kept (default 5 MB). */
  maxOutputBytes?: number;
  /** Output as it arrives, decoded (invalid UTF-8 becomes U+FFFD). */
  onOutput?: (text: string) => void;
  env?: Record<string, string | undefined>;
}

export interface TestRunResult {
  command: string;
  exitCode: number | null;
  /** The signal that ended the process, when one did. */
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** stdout and stderr interleaved as they arrived; the tail when the output was longer than the cap. */
  output: string;
  /** Bytes dropped from the front to stay under the cap. */
  droppedBytes: number;
  durationMs: number;
}

/** Turns colour off in the runners Turbo parses (pytest, jest, vitest, mocha, cargo, go …). */
export const NO_COLOUR_ENV = { NO_COLOR: '1', FORCE_COLOR: '0', CARGO_TERM_COLOR: 'never', CI: 'true', PY_COLORS: '0', TERM: 'dumb' };

const KILL_GRACE_MS = 2000;

/**
 * Runs a test command in its own process group and captures its output. On timeout or cancel the
 * whole tree is ended (SIGTERM, then SIGKILL), including children that forked away from the shell.
 * Never rejects: the result says what happened.
 */
export function runTestCommand(options: TestRunOptions): Promise<TestRunResult> {
  const started = performance.now();
  const max = options.maxOutputBytes ?? 5 * 1024 * 1024;
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  const decoder = new TextDecoder('utf-8', { fatal: false });

  return new Promise((resolve) => {
    const child = spawn(options.command, {
      cwd: options.cwd,
      shell: true,
      detached: process.platform !== 'win32',
      env: { ...process.env, ...NO_COLOUR_ENV, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let timedOut = false;
    let cancelled = false;
    let exit: { code: number | null; signal: string | null } | undefined;
    let finished = false;

    const killTree = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        if (process.platform === 'win32') spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { windowsHide: true });
        else process.kill(-child.pid, sig);
      } catch {
        // Already gone.
      }
    };
    const stop = () => {
      killTree('SIGTERM');
      setTimeout(() => killTree('SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs ?? 300_000);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    const collect = (data: Buffer) => {
      chunks.push(data);
      kept += data.length;
      while (kept > max && chunks.length > 0) {
        const over = kept - max;
        if (chunks[0].length <= over) {
          kept -= chunks[0].length;
          dropped += chunks.shift()!.length;
        } else {
          chunks[0] = chunks[0].subarray(over);
          kept -= over;
          dropped += over;
        }
      }
      options.onOutput?.(decoder.decode(data, { stream: true }));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);

    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Whatever the command left running in its group goes too.
      killTree('SIGKILL');
      resolve({
        command: options.command,
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        cancelled,
        output: new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks)),
        droppedBytes: dropped,
        durationMs: Math.round(performance.now() - started),
      });
    };
    child.on('error', (err) => {
      chunks.push(Buffer.from(`\n${err.message}\n`));
      finish();
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // A child that forked away may keep the pipes open: do not wait for it for long.
      setTimeout(finish, 500).unref();
    });
    child.on('close', finish);
  });
}
