import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
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
  const marker = randomUUID();
  const prepared = testEnvironment(
    process.env,
    { ...NO_COLOUR_ENV, ...options.env, [RUN_MARKER_ENV]: marker },
    options.denyEnv,
  );
  const secrets = uniqueSecrets([...prepared.secrets, ...(options.secrets ?? [])]);
  const output = new CapturedOutput(options.maxOutputBytes ?? 5 * 1024 * 1024, secrets, options.onOutput);

  return new Promise((resolve) => {
    const child = spawnInOwnGroup(options, prepared.env);
    let exit: { code: number | null; signal: string | null } | undefined;
    const tree = processTree(child, marker, () => exit !== undefined);
    const ending = endOnTimeoutOrCancel(options, tree);
    let finished = false;
    const collect = (data: Buffer) => {
      if (!finished) output.add(data);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);

    const finish = async () => {
      if (finished) return;
      finished = true;
      ending.dispose();
      output.end();
      const durationMs = Math.round(performance.now() - started);
      // Whatever the command left running, in its group or out of it, goes too.
      await waitStopped(await tree.killAll('SIGKILL'));
      const tail = output.tail();
      resolve({
        command: options.command,
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut: ending.timedOut,
        cancelled: ending.cancelled,
        output: tail.output,
        droppedBytes: tail.dropped,
        durationMs,
      });
    };
    child.on('error', (err) => {
      output.note(`\n${err.message}\n`);
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

/** The command through a shell, piped, in a process group of its own so that its tree can be ended. */
function spawnInOwnGroup(
  options: TestRunOptions,
  env: NodeJS.ProcessEnv,
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(options.command, {
    cwd: options.cwd,
    shell: true,
    detached: process.platform !== 'win32',
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

/**
 * Ends a command's whole tree: its process group, and the processes that carry the run's marker in
 * their environment (children that forked away or left the group).
 */
function processTree(child: ChildProcess, marker: string, exited: () => boolean) {
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
    canScanProcesses() ? runProcesses(marker, exited() ? undefined : child.pid).catch(() => []) : Promise.resolve([]);
  const killAll = async (sig: NodeJS.Signals) => {
    // Parent links are read before the group dies; what was re-parented meanwhile carries the marker.
    const before = exited() ? [] : await escaped();
    killGroup(sig);
    signalAll(before, sig);
    const after = await escaped();
    signalAll(after, sig);
    return [...before, ...after];
  };
  return {
    killAll,
    /** SIGTERM now, SIGKILL after a grace period. */
    stop: () => {
      void killAll('SIGTERM');
      setTimeout(() => void killAll('SIGKILL'), KILL_GRACE_MS).unref();
    },
  };
}

/** Stops the tree when the timeout passes or the signal aborts, and remembers which did. */
function endOnTimeoutOrCancel(options: TestRunOptions, tree: { stop: () => void }) {
  const state = { timedOut: false, cancelled: false, dispose: () => {} };
  const timer = setTimeout(
    () => {
      state.timedOut = true;
      tree.stop();
    },
    clampTimerMs(options.timeoutMs ?? 300_000),
  );
  const onAbort = () => {
    state.cancelled = true;
    tree.stop();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  state.dispose = () => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  };
  return state;
}

/**
 * The command's output: the last `max` bytes kept, and, when someone listens, each piece decoded
 * and redacted as it arrives.
 */
class CapturedOutput {
  private readonly chunks: Buffer[] = [];
  private keptBytes = 0;
  private droppedBytes = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private readonly redactor: SecretStream;

  constructor(
    private readonly max: number,
    private readonly secrets: readonly string[],
    private readonly onOutput: ((text: string) => void) | undefined,
  ) {
    this.redactor = new SecretStream(secrets);
  }

  add(data: Buffer): void {
    const chunks = this.chunks;
    chunks.push(data);
    this.keptBytes += data.length;
    while (this.keptBytes > this.max && chunks.length > 0) {
      const over = this.keptBytes - this.max;
      if (chunks[0].length <= over) {
        this.keptBytes -= chunks[0].length;
        this.droppedBytes += chunks.shift()!.length;
      } else {
        chunks[0] = chunks[0].subarray(over);
        this.keptBytes -= over;
        this.droppedBytes += over;
      }
    }
    this.emit(() => this.redactor.push(this.decoder.decode(data, { stream: true })));
  }

  /** Text of Turbo's own (why the command could not start), kept but not shown as it streams. */
  note(text: string): void {
    this.chunks.push(Buffer.from(text));
  }

  /** Shows what the decoder and the redactor still held back. */
  end(): void {
    this.emit(() => this.redactor.push(this.decoder.decode()) + this.redactor.end());
  }

  /** The kept tail, decoded and redacted. */
  tail(): { output: string; dropped: number } {
    return keptOutput(this.chunks, this.droppedBytes, this.secrets);
  }

  private emit(text: () => string): void {
    if (!this.onOutput) return;
    const shown = text();
    if (shown) this.onOutput(shown);
  }
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
