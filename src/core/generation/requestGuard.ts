import { formatWait } from './clientErrors';
import { TurboError } from '../errors';
import { clampTimerMs } from '../inputs';
import { safeInline } from '../terminalText';

/**
 * Calls `onIdle` once nothing has touched it for `ms`. A stream touches it for every chunk, hundreds
 * of times a second: one timer that re-arms itself for the time left, not a new timer per chunk.
 */
export class IdleWatch {
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  private readonly ms: number;

  constructor(
    ms: number,
    private readonly onIdle: () => void,
  ) {
    this.ms = clampTimerMs(ms);
  }

  touch(): void {
    this.last = performance.now();
    if (!this.timer) this.arm(this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => {
      const quiet = performance.now() - this.last;
      if (quiet >= this.ms) {
        this.timer = undefined;
        this.onIdle();
      } else this.arm(this.ms - quiet);
    }, delay);
  }
}

/**
 * One request's cancellation: the caller's signal, the idle watchdog and the overall deadline all
 * abort the same controller, and `reason()` says which one did.
 */
export class RequestGuard {
  readonly controller = new AbortController();
  readonly idle: IdleWatch;
  private why: 'cancelled' | 'stalled' | 'deadline' | undefined;
  private readonly deadline: ReturnType<typeof setTimeout>;
  private readonly onOuterAbort = () => this.abort('cancelled');

  constructor(
    private readonly outer: AbortSignal | undefined,
    private readonly idleMs: number,
    private readonly deadlineMs: number,
    private readonly url: string,
  ) {
    this.idle = new IdleWatch(idleMs, () => this.abort('stalled'));
    this.deadline = setTimeout(() => this.abort('deadline'), clampTimerMs(deadlineMs));
    outer?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  reason(): TurboError {
    if (this.why === 'stalled')
      return new TurboError('stalled', `The model stopped sending for ${formatWait(this.idleMs)}. Try again.`);
    if (this.why === 'deadline') {
      return new TurboError(
        'network',
        `The request to ${safeInline(this.url)} did not finish within ${formatWait(this.deadlineMs)} (the overall deadline per request, retries included). Try again.`,
      );
    }
    return new TurboError('cancelled', 'Generation cancelled.');
  }

  dispose(): void {
    this.idle.stop();
    clearTimeout(this.deadline);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }

  private abort(why: 'cancelled' | 'stalled' | 'deadline'): void {
    this.why ??= why;
    this.controller.abort();
  }
}
