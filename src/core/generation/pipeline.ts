import type { ChatRequest, ModelClient, StreamEvent, StreamOptions, TimeInfo, Usage } from './modelClient';
import { mapError } from './client';
import { formatWait } from './clientErrors';
import { classifyContinuation, continuationRequest } from './continuation';
import { TurboError } from '../errors';
import { FileStreamParser } from './fileParser';
import { optionalNumber } from '../inputs';
import { costOf } from './models';
import { DEFAULT_DENY } from './pathGuard';
import { buildChatRequest, type PromptOptions } from './prompt';
import { WriteQueue } from './pipelineWrites';
import type { FileSink } from './sink';

export interface WrittenFile {
  path: string;
  lines: number;
  bytes: number;
  overwritten: boolean;
}

export interface RejectedFile {
  path: string;
  reason: string;
  /** `skipped`: the sink chose not to write it (an existing file); `rejected`: not allowed at all. */
  status?: 'skipped' | 'rejected';
}

export interface GenerationProgress {
  /** Completion tokens so far: estimated while streaming, exact once the service reports usage. */
  tokens: number;
  tokensPerSecond: number;
  filesWritten: number;
  elapsedMs: number;
  /** The file the model is writing now, if any. */
  currentFile: string | undefined;
}

export interface GenerationReport {
  model: string;
  files: WrittenFile[];
  rejected: RejectedFile[];
  /** Things worth telling that did not stop the generation, e.g. a file the model wrote twice. */
  warnings: string[];
  /** Files the stream cut off before their end; never written. */
  unfinished: string[];
  finishReason: string | undefined;
  truncated: boolean;
  /** Follow-up requests made because an answer was cut off. */
  continuations: number;
  /** Summed over the first request and its continuations. */
  usage: Usage | undefined;
  timeInfo: TimeInfo | undefined;
  /** Dollars, from the price table; undefined for a model Turbo has no price for. */
  costUsd: number | undefined;
  /** From the request to the last file written while streaming: the model's and the writes' time. */
  streamMs: number;
  /** Wall time, including any question settled after the stream (e.g. about existing files). */
  durationMs: number;
  /** Set when the generation did not complete: network, auth, cancellation, a stalled stream. */
  error: TurboError | undefined;
}

export interface GenerateOptions extends PromptOptions {
  client: ModelClient;
  contract: string;
  sink: FileSink;
  signal?: AbortSignal;
  deny?: readonly string[];
  /** Follow-up requests when the answer is cut off (default 2; 0 turns continuation off). */
  maxContinuations?: number;
  onProgress?: (progress: GenerationProgress) => void;
  onFile?: (file: WrittenFile) => void;
  /** Retries, continuations: short lines a front end may show beside the progress. */
  onNotice?: (message: string) => void;
}

/**
 * contract → prompt → stream → parsed files → guard → sink → report. Files are handed to the sink
 * as they complete, while the stream goes on; the report is returned when both have finished. An
 * answer cut off by the output limit is continued, and the continuation stitched onto the open file.
 * It never throws for a failed generation: the report's `error` says why, and lists what landed.
 * Invalid options throw a TurboError('config') before any request.
 */
export async function generate(options: GenerateOptions): Promise<GenerationReport> {
  const started = performance.now();
  const base = buildChatRequest(options.contract, options);
  // Checked here too, whatever the front end: a NaN limit once meant continuing for ever.
  const maxContinuations = optionalNumber(options.maxContinuations, 'maxContinuations', { min: 0, max: 10 }, 2);
  const run = new GenerationRun(options, base.model, started);
  let request: ChatRequest = base;
  for (let round = 0; ; round++) {
    const streamed = await run.streamAnswer(request, round > 0);
    if (!streamed || !run.cutOff() || round >= maxContinuations || run.contentChars === 0) break;
    request = run.continuation(base);
  }
  return run.finish();
}

/** One generation's state: its report, the parser the answer streams through, and the writes. */
class GenerationRun {
  private readonly report: GenerationReport;
  private readonly parser = new FileStreamParser();
  private readonly writes: WriteQueue;
  private streamedChars = 0;
  contentChars = 0;
  private firstTokenAt: number | undefined;
  /** Everything the model said so far, sent back as its own turn when asking it to continue. */
  private answer = '';
  /** The file open when this round began. */
  private openPath: string | undefined;
  /** A continuation's first characters, held until they tell whether it resumes that file; then undefined. */
  private undecided: string | undefined;

  constructor(
    private readonly options: GenerateOptions,
    model: string,
    private readonly started: number,
  ) {
    this.report = emptyReport(model);
    // A file that lands while the stream pauses is counted now, not at the next chunk.
    this.writes = new WriteQueue(options, options.deny ?? DEFAULT_DENY, this.report, () => this.progress());
  }

  /** Streams one request's answer into the parser; false when the stream failed (the report says why). */
  async streamAnswer(request: ChatRequest, continuing: boolean): Promise<boolean> {
    this.openPath = this.parser.currentPath;
    // A continuation's first characters tell whether it resumes the open file or starts it again.
    this.undecided = continuing && this.openPath !== undefined ? '' : undefined;
    try {
      for await (const event of this.options.client.stream(request, streamOptions(this.options))) {
        if (event.type === 'end') {
          this.recordEnd(event);
          break;
        }
        this.firstTokenAt ??= performance.now();
        this.streamedChars += event.text.length;
        // A stream that arrives faster than it is read keeps the loop in microtasks: let the file
        // system's callbacks in, so a finished file lands now rather than after the whole answer.
        if (event.type === 'content' && this.readContent(event.text))
          await new Promise<void>((resolve) => setImmediate(resolve));
        this.progress();
      }
      if (this.undecided !== undefined) this.writes.add(this.parser.push(this.undecided));
    } catch (err) {
      this.report.error = mapError(err);
      return false;
    }
    return true;
  }

  /** Whether the answer so far was cut off: a model that stopped inside a file was too. */
  cutOff(): boolean {
    // One that stopped right after a closing fence without its line break was not.
    return this.report.finishReason === 'length' || this.parser.unfinishedAtEnd !== undefined;
  }

  /** The request that asks the model to go on where its answer was cut off. */
  continuation(base: ChatRequest): ChatRequest {
    this.report.continuations++;
    const open = this.parser.currentPath;
    this.options.onNotice?.(
      open
        ? `The answer was cut off inside ${open}; asking the model to continue…`
        : 'The answer was cut off; asking the model for the rest…',
    );
    return continuationRequest(base, this.answer, open);
  }

  /** Ends the stream, waits for the writes and what the sink settles, and completes the report. */
  async finish(): Promise<GenerationReport> {
    const { report, parser } = this;
    const end = parser.finish();
    this.writes.add(end.files);
    report.warnings.push(...parser.warnings);
    if (end.unfinished) report.unfinished.push(end.unfinished.path);
    if (!report.error) checkCompleteness(report, this.contentChars, this.writes.parsed);

    await this.writes.written();
    report.streamMs = Math.round(performance.now() - this.started);
    await this.writes.settle();
    report.costUsd = costOf(report.model, report.usage);
    report.durationMs = Math.round(performance.now() - this.started);
    this.progress(report.usage?.completion_tokens);
    return report;
  }

  /** Reads a piece of the answer; true when it completed a file. */
  private readContent(text: string): boolean {
    this.contentChars += text.length;
    this.answer += text;
    const before = this.writes.parsed;
    if (this.undecided !== undefined) {
      this.undecided += text;
      const how = classifyContinuation(this.undecided, this.openPath as string);
      if (!how) return false;
      if (how === 'restart') {
        this.parser.abandon();
        this.options.onNotice?.(`The model restarted ${this.openPath}.`);
      }
      text = this.undecided;
      this.undecided = undefined;
    }
    this.writes.add(this.parser.push(text));
    return this.writes.parsed !== before;
  }

  private recordEnd(event: Extract<StreamEvent, { type: 'end' }>): void {
    this.report.finishReason = event.finishReason;
    this.report.usage = addUsage(this.report.usage, event.usage);
    this.report.timeInfo = event.timeInfo;
    if (event.model) this.report.model = event.model;
  }

  private progress(tokens?: number): void {
    if (!this.options.onProgress) return;
    const now = performance.now();
    const est = tokens ?? Math.ceil(this.streamedChars / 4);
    const genMs = this.firstTokenAt === undefined ? 0 : now - this.firstTokenAt;
    this.options.onProgress({
      tokens: est,
      tokensPerSecond: genMs > 50 ? (est * 1000) / genMs : 0,
      filesWritten: this.report.files.length,
      elapsedMs: now - this.started,
      currentFile: this.parser.currentPath,
    });
  }
}

/** The client's stream options: the signal, and each retry told as a notice. */
function streamOptions(options: GenerateOptions): StreamOptions {
  return {
    signal: options.signal,
    onRetry: (r) =>
      options.onNotice?.(
        `${r.reason} Retrying (attempt ${r.attempt} of ${r.attempts}) ${r.waitMs < 50 ? 'now' : `in ${formatWait(r.waitMs)}`}…`,
      ),
    onRetrySent: (r) =>
      options.onNotice?.(`Sent again (attempt ${r.attempt} of ${r.attempts}); waiting for the answer…`),
  };
}

export function emptyReport(model: string): GenerationReport {
  return {
    model,
    files: [],
    rejected: [],
    warnings: [],
    unfinished: [],
    finishReason: undefined,
    truncated: false,
    continuations: 0,
    usage: undefined,
    timeInfo: undefined,
    costUsd: undefined,
    streamMs: 0,
    durationMs: 0,
    error: undefined,
  };
}

function checkCompleteness(report: GenerationReport, contentChars: number, filesParsed: number): void {
  const continued =
    report.continuations > 0
      ? ` after ${report.continuations} continuation${report.continuations === 1 ? '' : 's'}`
      : '';
  if (report.finishReason === 'length' || report.unfinished.length > 0) {
    report.truncated = true;
    report.error = new TurboError(
      'incomplete',
      report.unfinished.length > 0
        ? `The model's answer was cut off${continued}; ${report.unfinished.join(', ')} was not finished and not written.`
        : contentChars === 0
          ? 'The model spent its whole output limit reasoning and wrote no files. Raise the token limit or simplify the contract.'
          : `The model hit its output limit${continued}; files after the last complete one may be missing.`,
    );
  } else if (filesParsed === 0) {
    report.error = new TurboError(
      'format',
      contentChars === 0
        ? 'The model returned an empty answer, so nothing was written. Try again, or try another model.'
        : 'The model answered without any file Turbo could read (a <FILE path="…"> block, or a fenced block with a path), so nothing was written. Try again, or try another model.',
    );
  }
}

function addUsage(total: Usage | undefined, more: Usage | undefined): Usage | undefined {
  if (!more) return total;
  if (!total) return { ...more };
  return {
    prompt_tokens: total.prompt_tokens + more.prompt_tokens,
    completion_tokens: total.completion_tokens + more.completion_tokens,
    total_tokens: total.total_tokens + more.total_tokens,
  };
}
