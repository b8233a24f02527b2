import type { ParsedFile } from './fileParser';

export type { OverwritePolicy } from './choices';

export type WriteOutcome =
  | { status: 'created' | 'overwritten' }
  | { status: 'skipped' | 'rejected'; reason: string }
  /** Held back until the stream ends, when `settle()` decides (e.g. one question about all existing files). */
  | { status: 'deferred' };

export interface SettledFile {
  file: ParsedFile;
  outcome: WriteOutcome;
}

export interface Settlement {
  files: SettledFile[];
  /** The person chose to discard the whole generation. */
  discarded: boolean;
  /** What to tell them when it was discarded (a sentence), if the sink knows better than the default. */
  why?: string;
  /** The run was cancelled while the sink waited for the person: the generation ends as cancelled. */
  cancelled?: boolean;
}

/**
 * Where finished files go: the file system for the CLI and MCP server, a WorkspaceEdit in the
 * editor. The pipeline has already applied the pure path checks; a sink adds what depends on its
 * target (symlinks, existing files, open documents, the person's answer).
 */
export interface FileSink {
  write(file: ParsedFile): Promise<WriteOutcome>;
  /** How many writes may run at once (default 1). Writes to the same path never overlap. */
  readonly concurrency?: number;
  /**
   * Called once after the stream ended, for the files `write` deferred. After a cancellation the
   * deferred files are skipped without a question: Cancel means stop.
   */
  settle?(options?: { cancelled?: boolean }): Promise<Settlement>;
}

/** Answers the question about existing files: which to replace, or `discard` for the whole run. */
/** `cancel`: the run was cancelled while the question was open (Cancel means stop: nothing more is written). */
export type OverwriteQuestion = (existing: string[]) => Promise<'overwrite' | 'skip' | 'discard' | 'cancel'>;

/** The outcome of every file held back when the run was cancelled before `settle`. */
export function skippedByCancel(files: readonly ParsedFile[]): Settlement {
  return {
    files: files.map((file) => ({ file, outcome: { status: 'skipped', reason: 'generation cancelled' } })),
    discarded: false,
    cancelled: true,
  };
}

export function countLines(content: string): number {
  if (content.length === 0) return 0;
  let n = 0;
  for (let i = content.indexOf('\n'); i >= 0; i = content.indexOf('\n', i + 1)) n++;
  return content.endsWith('\n') ? n : n + 1;
}
