import type { ChatRequest, ModelClient, TimeInfo, Usage } from './modelClient';
import { mapError } from './client';
import { formatWait } from './clientErrors';
import { classifyContinuation, continuationRequest } from './continuation';
import { TurboError } from '../errors';
import { FileStreamParser, type ParsedFile } from './fileParser';
import { optionalNumber } from '../inputs';
import { costOf } from './models';
import { DEFAULT_DENY } from './pathGuard';
import { buildChatRequest, type PromptOptions } from './prompt';
import { record, semaphore, settle, writeOne, type Recorded } from './pipelineWrites';
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
  /** Retries, continuations: short lines a face may show beside the progress. */
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
  const parser = new FileStreamParser();
  const deny = options.deny ?? DEFAULT_DENY;
  // Checked here too, whatever the face: a NaN limit once meant continuing for ever.
  const maxContinuations = optionalNumber(options.maxContinuations, 'maxContinuations', { min: 0, max: 10 }, 2);
  const report: GenerationReport = {
    model: base.model,
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

  // Files are written as they complete, up to the sink's concurrency at once (a repeated path waits
  // for its earlier version); outcomes are recorded in stream order.
  let writes: Promise<void> = Promise.resolve();
  let filesParsed = 0;
  const slots = semaphore(options.sink.concurrency ?? 1);
  const byPath = new Map<string, Promise<unknown>>();
  const recorded: Recorded = { report, byPath: new Map() };
  const enqueue = (files: ParsedFile[]) => {
    for (const file of files) {
      filesParsed++;
      const before = byPath.get(file.path) ?? Promise.resolve();
      const done = before.then(() => slots.run(() => writeOne(file, options, deny)));
      const settled = done.catch(() => undefined);
      byPath.set(file.path, settled);
      // Forgotten once written, unless repeated meanwhile: 100,000 files need not stay reachable.
      void settled.then(() => byPath.get(file.path) === settled && byPath.delete(file.path));
      writes = writes.then(async () => {
        record(await done, options, recorded);
        // A file that lands while the stream pauses is counted now, not at the next chunk.
        progress();
      });
    }
  };

  let streamedChars = 0;
  let contentChars = 0;
  let firstTokenAt: number | undefined;
  const progress = (tokens?: number) => {
    if (!options.onProgress) return;
    const now = performance.now();
    const est = tokens ?? Math.ceil(streamedChars / 4);
    const genMs = firstTokenAt === undefined ? 0 : now - firstTokenAt;
    options.onProgress({
      tokens: est,
      tokensPerSecond: genMs > 50 ? (est * 1000) / genMs : 0,
      filesWritten: report.files.length,
      elapsedMs: now - started,
      currentFile: parser.currentPath,
    });
  };

  /** Everything the model said so far, sent back as its own turn when asking it to continue. */
  let answer = '';
  let request: ChatRequest = base;
  for (let round = 0; ; round++) {
    const openPath = parser.currentPath;
    // A continuation's first characters tell whether it resumes the open file or starts it again.
    let undecided = round > 0 && openPath !== undefined ? '' : undefined;
    const feed = (text: string) => {
      if (undecided !== undefined) {
        undecided += text;
        const how = classifyContinuation(undecided, openPath as string);
        if (!how) return;
        if (how === 'restart') {
          parser.abandon();
          options.onNotice?.(`The model restarted ${openPath}.`);
        }
        text = undecided;
        undecided = undefined;
      }
      enqueue(parser.push(text));
    };
    try {
      for await (const event of options.client.stream(request, {
        signal: options.signal,
        onRetry: (r) =>
          options.onNotice?.(
            `${r.reason} Retrying (attempt ${r.attempt} of ${r.attempts}) ${r.waitMs < 50 ? 'now' : `in ${formatWait(r.waitMs)}`}…`,
          ),
        onRetrySent: (r) =>
          options.onNotice?.(`Sent again (attempt ${r.attempt} of ${r.attempts}); waiting for the answer…`),
      })) {
        if (event.type === 'end') {
          report.finishReason = event.finishReason;
          report.usage = addUsage(report.usage, event.usage);
          report.timeInfo = event.timeInfo;
          if (event.model) report.model = event.model;
          break;
        }
        firstTokenAt ??= performance.now();
        streamedChars += event.text.length;
        if (event.type === 'content') {
          contentChars += event.text.length;
          answer += event.text;
          const before = filesParsed;
          feed(event.text);
          // A stream that arrives faster than it is read keeps the loop in microtasks: let the file
          // system's callbacks in, so a finished file lands now rather than after the whole answer.
          if (filesParsed !== before) await new Promise<void>((resolve) => setImmediate(resolve));
        }
        progress();
      }
      if (undecided !== undefined) enqueue(parser.push(undecided));
    } catch (err) {
      report.error = mapError(err);
      break;
    }
    // A model that stopped inside a file was cut off too; one that stopped right after a closing
    // fence without its line break was not.
    const cutOff = report.finishReason === 'length' || parser.unfinishedAtEnd !== undefined;
    if (!cutOff || round >= maxContinuations || contentChars === 0) break;
    report.continuations++;
    const open = parser.currentPath;
    options.onNotice?.(
      open
        ? `The answer was cut off inside ${open}; asking the model to continue…`
        : 'The answer was cut off; asking the model for the rest…',
    );
    request = continuationRequest(base, answer, open);
  }

  const end = parser.finish();
  enqueue(end.files);
  report.warnings.push(...parser.warnings);
  if (end.unfinished) report.unfinished.push(end.unfinished.path);
  if (!report.error) checkCompleteness(report, contentChars, filesParsed);

  await writes;
  report.streamMs = Math.round(performance.now() - started);
  await settle(options, recorded);
  report.costUsd = costOf(report.model, report.usage);
  report.durationMs = Math.round(performance.now() - started);
  progress(report.usage?.completion_tokens);
  return report;
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
