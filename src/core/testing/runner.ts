import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { redactSecrets } from '../errors';
import { clampTimerMs } from '../inputs';
import { canScanProcesses, RUN_MARKER_ENV, runProcesses, signalAll, waitStopped } from './processTree';
import { SecretStream, testEnvironment, trimCutFront, uniqueSecrets } from './env';

export interface TestRunOptions {
  cwd: string;
  /** A shell command line, e.g. `pytest` or `npm test`. */
  command: string;
  /** Default 300 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Only the last this-many bytes of output are kept (default 5 MB). */
  maxOutputBytes?: number;
  /** Output as it arrives, decoded (invalid UTF-8 becomes U+FFFD), with secrets redacted. */
  onOutput?: (text: string) => void;
  env?: Record<string, string | undefined>;
  /** Variables removed from the command's environment besides CEREBRAS_API_KEY (their values are redacted too). */
  denyEnv?: readonly string[];
  /** Values redacted from the output (e.g. the editor's key, which is not in the environment). */
  secrets?: readonly (string | undefined)[];
}

export interface TestRunResult {
  command: string;
  exitCode: number | null;
  /** The signal that ended the process, when one did. */
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** stdout and stderr interleaved as they arrived, secrets redacted; the tail when the output was longer than the cap. */
  output: string;
  /** Bytes dropped from the front to stay under the cap. */
  droppedBytes: number;
  durationMs: number;
}

/** Turns colour off in the runners Turbo parses (pytest, jest, vitest, mocha, cargo, go …). */
export const NO_COLOUR_ENV = {
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  CARGO_TERM_COLOR: 'never',
  CI: 'true',
  PY_COLORS: '0',
  TERM: 'dumb',
};

const KILL_GRACE_MS = 2000;

/**
 * Runs a test command in its own process group and captures its output. On timeout or cancel the
 * whole tree is ended (SIGTERM, then SIGKILL), including children that forked away from the shell
 * and, on Linux, children that left the group (`setsid`). The command runs without Turbo's key, and
 * secrets are redacted from the output as it streams and from what is kept.
 * Never rejects: the result says what happened.
 */
export function runTestCommand(options: TestRunOptions): Promise<TestRunResult> {
  const started = performance.now();
  const max = options.maxOutputBytes ?? 5 * 1024 * 1024;
  const marker = randomUUID();
  const prepared = testEnvironment(
    process.env,
    { ...NO_COLOUR_ENV, ...options.env, [RUN_MARKER_ENV]: marker },
    options.denyEnv,
  );
  const secrets = uniqueSecrets([...prepared.secrets, ...(options.secrets ?? [])]);
  const redactor = new SecretStream(secrets);
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const emit = (text: () => string) => {
    if (!options.onOutput) return;
    const shown = text();
    if (shown) options.onOutput(shown);
  };

  return new Promise((resolve) => {
    const child = spawn(options.command, {
      cwd: options.cwd,
      shell: true,
      detached: process.platform !== 'win32',
      env: prepared.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let timedOut = false;
    let cancelled = false;
    let exit: { code: number | null; signal: string | null } | undefined;
    let finished = false;

    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        if (process.platform === 'win32')
          spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { windowsHide: true });
        else process.kill(-child.pid, sig);
      } catch {
        // Already gone.
      }
    };
    // The shell's pid names its tree only until it is reaped; after that only the marker is safe.
    const escaped = () =>
      canScanProcesses()
        ? runProcesses(marker, exit === undefined ? child.pid : undefined).catch(() => [])
        : Promise.resolve([]);
    const killAll = async (sig: NodeJS.Signals) => {
      // Parent links are read before the group dies; what was re-parented meanwhile carries the marker.
      const before = exit === undefined ? await escaped() : [];
      killGroup(sig);
      signalAll(before, sig);
      const after = await escaped();
      signalAll(after, sig);
      return [...before, ...after];
    };
    const stop = () => {
      void killAll('SIGTERM');
      setTimeout(() => void killAll('SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(
      () => {
        timedOut = true;
        stop();
      },
      clampTimerMs(options.timeoutMs ?? 300_000),
    );
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    const collect = (data: Buffer) => {
      if (finished) return;
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
      emit(() => redactor.push(decoder.decode(data, { stream: true })));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);

    const finish = async () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      emit(() => redactor.push(decoder.decode()) + redactor.end());
      const durationMs = Math.round(performance.now() - started);
      // Whatever the command left running, in its group or out of it, goes too.
      await waitStopped(await killAll('SIGKILL'));
      const tail = keptOutput(chunks, dropped, secrets);
      resolve({
        command: options.command,
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        cancelled,
        output: tail.output,
        droppedBytes: tail.dropped,
        durationMs,
      });
    };
    child.on('error', (err) => {
      chunks.push(Buffer.from(`\n${err.message}\n`));
      void finish();
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // A child that forked away may keep the pipes open: do not wait for it for long.
      setTimeout(() => void finish(), 500).unref();
    });
    child.on('close', () => void finish());
  });
}

/** The kept tail, decoded and redacted; a tail cut mid-line starts at the next line (the cut may fall inside a secret). */
function keptOutput(
  chunks: Buffer[],
  dropped: number,
  secrets: readonly string[],
): { output: string; dropped: number } {
  let output = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
  if (dropped > 0) {
    const trimmed = trimCutFront(output, secrets);
    dropped += Buffer.byteLength(output) - Buffer.byteLength(trimmed);
    output = trimmed;
  }
  return { output: redactSecrets(output, ...secrets), dropped };
}
