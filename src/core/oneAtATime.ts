/** What an editor's cancellation token offers (VS Code's `CancellationToken` has this shape). */
export interface Cancellation {
  onCancellationRequested(listener: () => unknown): { dispose(): unknown };
}

/**
 * One piece of work at a time: the generation under way, or the test run or fix under way. The slot
 * is claimed before the first await, so two commands started together cannot both run; the work
 * gets an AbortController that `stop` aborts.
 */
export class OneAtATime {
  private current: AbortController | undefined;

  /** `onBusy` hears when the slot is taken and freed (the extension sets a `when` context with it). */
  constructor(private readonly onBusy?: (busy: boolean) => void) {}

  /** The work under way, if any. */
  get running(): AbortController | undefined {
    return this.current;
  }

  /** Runs `work` as the one under way, or returns 'busy' without running it when another is. */
  async run<T>(work: (abort: AbortController) => PromiseLike<T>): Promise<T | 'busy'> {
    if (this.current) return 'busy';
    const abort = new AbortController();
    this.current = abort;
    this.onBusy?.(true);
    try {
      return await work(abort);
    } finally {
      this.current = undefined;
      this.onBusy?.(false);
    }
  }

  /** Stops the work under way; false when there is none. */
  stop(): boolean {
    if (!this.current) return false;
    this.current.abort();
    return true;
  }

  /**
   * Stops `work` only while it is still the one under way: a Stop button shown for one run must
   * never stop a later one. False when it has already finished.
   */
  stopIfStill(work: AbortController): boolean {
    if (work.signal.aborted || this.current !== work) return false;
    work.abort();
    return true;
  }
}

/**
 * Runs `work` with the token's cancellation aborting `abort`. The listener is disposed when the work
 * ends, however it ends, so a token that outlives the work holds nothing of it.
 */
export async function abortingOnCancel<T>(
  token: Cancellation,
  abort: AbortController,
  work: () => PromiseLike<T>,
): Promise<T> {
  const listener = token.onCancellationRequested(() => abort.abort());
  try {
    return await work();
  } finally {
    listener.dispose();
  }
}
