import type { CerebrasClient, TimeInfo, Usage } from './client';
import { mapError } from './client';
import { TurboError } from './errors';
import { FileStreamParser, type ParsedFile } from './fileParser';
import { checkRelativePath, DEFAULT_DENY } from './pathGuard';
import { buildChatRequest, type PromptOptions } from './prompt';
import { countLines, type FileSink } from './sink';

export interface WrittenFile {
  path: string;
  lines: number;
  bytes: number;
  overwritten: boolean;
}

export interface RejectedFile {
  path: string;
  reason: string;
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
  /** Files the stream cut off before their closing tag; never written. */
  unfinished: string[];
  finishReason: string | undefined;
  truncated: boolean;
  usage: Usage | undefined;
  timeInfo: TimeInfo | undefined;
  durationMs: number;
  /** Set when the generation did not complete: network, auth, cancellation, a stalled stream. */
  error: TurboError | undefined;
}

export interface GenerateOptions extends PromptOptions {
  client: CerebrasClient;
  contract: string;
  sink: FileSink;
  signal?: AbortSignal;
  deny?: readonly string[];
  onProgress?: (progress: GenerationProgress) => void;
  onFile?: (file: WrittenFile) => void;
}

const bytesOf = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * contract → prompt → stream → parsed files → guard → sink → report. Files are handed to the sink
 * as they complete, while the stream goes on; the report is returned when both have finished.
 * It never throws for a failed generation: the report's `error` says why, and lists what landed.
 */
export async function generate(options: GenerateOptions): Promise<GenerationReport> {
  const started = performance.now();
  const request = buildChatRequest(options.contract, options);
  const parser = new FileStreamParser();
  const deny = options.deny ?? DEFAULT_DENY;
  const report: GenerationReport = {
    model: request.model,
    files: [],
    rejected: [],
    warnings: [],
    unfinished: [],
    finishReason: undefined,
    truncated: false,
    usage: undefined,
    timeInfo: undefined,
    durationMs: 0,
    error: undefined,
  };

  let writes: Promise<void> = Promise.resolve();
  const enqueue = (file: ParsedFile) => {
    writes = writes.then(() => writeOne(file, options, deny, report));
  };

  let streamedChars = 0;
  let contentChars = 0;
  let filesParsed = 0;
  let firstTokenAt: number | undefined;
  let currentFile: string | undefined;
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
      currentFile,
    });
  };

  try {
    for await (const event of options.client.stream(request, options.signal)) {
      if (event.type === 'end') {
        report.finishReason = event.finishReason;
        report.usage = event.usage;
        report.timeInfo = event.timeInfo;
        if (event.model) report.model = event.model;
        break;
      }
      firstTokenAt ??= performance.now();
      streamedChars += event.text.length;
      if (event.type === 'content') {
        contentChars += event.text.length;
        for (const file of parser.push(event.text)) {
          filesParsed++;
          enqueue(file);
        }
        currentFile = parser.currentPath;
      }
      progress();
    }
  } catch (err) {
    report.error = mapError(err);
  }

  const end = parser.finish();
  for (const file of end.files) {
    filesParsed++;
    enqueue(file);
  }
  if (end.unfinished) report.unfinished.push(end.unfinished.path);
  if (report.finishReason === 'length') {
    report.truncated = true;
    if (!report.error) {
      report.error = new TurboError(
        'incomplete',
        report.unfinished.length > 0
          ? `The model hit its output limit; ${report.unfinished.join(', ')} was cut off and not written.`
          : contentChars === 0
            ? 'The model spent its whole output limit reasoning and wrote no files. Raise the token limit or simplify the contract.'
            : 'The model hit its output limit before it finished.',
      );
    }
  } else if (report.unfinished.length > 0 && !report.error) {
    report.truncated = true;
    report.error = new TurboError('incomplete', `The model stopped inside ${report.unfinished[0]} without closing it; that file was not written.`);
  } else if (!report.error && filesParsed === 0) {
    report.error = new TurboError(
      'format',
      contentChars === 0
        ? 'The model returned an empty answer, so nothing was written. Try again, or try another model.'
        : 'The model answered without any file Turbo could read (a <FILE path="…"> block, or a fenced block with a path), so nothing was written. Try again, or try another model.',
    );
  }

  await writes;
  report.durationMs = Math.round(performance.now() - started);
  progress(report.usage?.completion_tokens);
  return report;
}

async function writeOne(file: ParsedFile, options: GenerateOptions, deny: readonly string[], report: GenerationReport) {
  const verdict = checkRelativePath(file.path, deny);
  if (!verdict.ok) {
    report.rejected.push({ path: file.path, reason: verdict.reason });
    return;
  }
  const guarded = { path: verdict.path, content: file.content };
  try {
    const outcome = await options.sink.write(guarded);
    if (!('reason' in outcome)) {
      const previous = report.files.findIndex((f) => f.path === guarded.path);
      if (previous >= 0) {
        report.files.splice(previous, 1);
        report.warnings.push(`${guarded.path} appeared more than once; the last version was kept.`);
      }
      const written = { path: guarded.path, lines: countLines(file.content), bytes: bytesOf(file.content), overwritten: outcome.status === 'overwritten' };
      report.files.push(written);
      options.onFile?.(written);
    } else {
      report.rejected.push({ path: guarded.path, reason: outcome.reason });
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    report.rejected.push({ path: guarded.path, reason: `write failed${code ? ` (${code})` : ''}: ${err instanceof Error ? err.message : String(err)}` });
  }
}
