import { TurboError } from '../errors';
import type { ParsedFile } from './fileParser';
import { ioErrorText } from '../fsIo';
import { semaphore } from '../semaphore';
import { checkRelativePath } from './pathGuard';
import type { GenerateOptions, GenerationReport, WrittenFile } from './pipeline';
import { countLines, type Settlement, type WriteOutcome } from './sink';

/**
 * The pipeline's writing half: each parsed file through the path guard into the sink (a few at a
 * time), and each outcome into the report, in stream order.
 */

const bytesOf = (s: string) => Buffer.byteLength(s, 'utf8');

/** What the writes need of a generation's options: where files go, and whom to tell. */
export type WriteTarget = Pick<GenerateOptions, 'sink' | 'onFile'>;

interface WriteResult {
  file: ParsedFile;
  outcome: WriteOutcome;
  /** A write that failed (full disk, no permission, not a folder): the generation did not complete. */
  error?: TurboError;
}

/**
 * Files are written as they complete, up to the sink's concurrency at once (a repeated path waits
 * for its earlier version); outcomes are recorded in stream order, and `onRecorded` told after each.
 */
export class WriteQueue {
  /** Files handed over so far. */
  parsed = 0;
  private writes: Promise<void> = Promise.resolve();
  private readonly slots: ReturnType<typeof semaphore>;
  private readonly byPath = new Map<string, Promise<unknown>>();
  private readonly recorded: Recorded;

  constructor(
    private readonly options: WriteTarget,
    private readonly deny: readonly string[],
    report: GenerationReport,
    private readonly onRecorded: () => void,
  ) {
    this.slots = semaphore(options.sink.concurrency ?? 1);
    this.recorded = { report, byPath: new Map() };
  }

  add(files: ParsedFile[]): void {
    for (const file of files) {
      this.parsed++;
      const before = this.byPath.get(file.path) ?? Promise.resolve();
      const done = before.then(() => this.slots.run(() => writeOne(file, this.options, this.deny)));
      const settled = done.catch(() => undefined);
      this.byPath.set(file.path, settled);
      // Forgotten once written, unless repeated meanwhile: 100,000 files need not stay reachable.
      void settled.then(() => this.byPath.get(file.path) === settled && this.byPath.delete(file.path));
      this.writes = this.writes.then(async () => {
        record(await done, this.options, this.recorded);
        this.onRecorded();
      });
    }
  }

  /** Resolves once every file added so far is written and recorded. */
  written(): Promise<void> {
    return this.writes;
  }

  /** Lets the sink settle what it held back, once everything is written. */
  settle(): Promise<void> {
    return settle(this.options, this.recorded);
  }
}

async function writeOne(file: ParsedFile, options: WriteTarget, deny: readonly string[]): Promise<WriteResult> {
  const verdict = checkRelativePath(file.path, deny);
  if (!verdict.ok) return { file, outcome: { status: 'rejected', reason: verdict.reason } };
  const guarded = { path: verdict.path, content: file.content };
  try {
    return { file: guarded, outcome: await options.sink.write(guarded) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EGUARD')
      return { file: guarded, outcome: { status: 'rejected', reason: (err as Error).message } };
    const cause = ioErrorText(err);
    return {
      file: guarded,
      outcome: { status: 'rejected', reason: `write failed: ${cause}` },
      error: new TurboError('io', `Could not write ${guarded.path}: ${cause}.`, { cause: err }),
    };
  }
}

/** The report and, by path, what it lists: a file repeated by the model is found without a search. */
interface Recorded {
  report: GenerationReport;
  byPath: Map<string, WrittenFile>;
}

function record({ file, outcome, error }: WriteResult, options: WriteTarget, recorded: Recorded): void {
  const { report } = recorded;
  report.error ??= error;
  if (outcome.status === 'deferred') return;
  if (outcome.status === 'skipped' || outcome.status === 'rejected') {
    report.rejected.push({ path: file.path, reason: outcome.reason, status: outcome.status });
    return;
  }
  const previous = recorded.byPath.get(file.path);
  if (previous) {
    // Searched from the end: a repeated file is most often the one just written.
    report.files.splice(report.files.lastIndexOf(previous), 1);
    report.warnings.push(`${file.path} appeared more than once; the last version was kept.`);
  }
  const written = {
    path: file.path,
    lines: countLines(file.content),
    bytes: bytesOf(file.content),
    overwritten: outcome.status === 'overwritten',
  };
  report.files.push(written);
  recorded.byPath.set(file.path, written);
  options.onFile?.(written);
}

/** Lets the sink settle what it held back (one question about existing files, or a preview). */
async function settle(options: WriteTarget, recorded: Recorded): Promise<void> {
  const report = recorded.report;
  if (!options.sink.settle) return;
  let settlement: Settlement;
  try {
    settlement = await options.sink.settle({ cancelled: report.error?.kind === 'cancelled' });
  } catch (err) {
    report.error ??= new TurboError('io', `Could not finish writing the generated files: ${ioErrorText(err)}.`, {
      cause: err,
    });
    return;
  }
  for (const settled of settlement.files) record(settled, options, recorded);
  if (settlement.cancelled) report.error ??= new TurboError('cancelled', 'Generation cancelled.');
  if (settlement.discarded)
    report.error = new TurboError(
      'discarded',
      settlement.why ?? 'Generation discarded: no existing file was replaced.',
    );
}
