/**
 * Incremental parser for the files in a model's answer: Turbo's `<FILE path="…">…</FILE>` tags, and
 * the Markdown shapes real models send (a heading, bold, backticked or bare path line, a path in the
 * fence's info string, or a first-line comment naming the file, each with a fenced block; answerPaths.ts
 * says which lines name a file). The rules:
 * tagged content is kept byte for byte but for the line break after the opening tag and a wrapping
 * fence, and the first `</FILE>` ends it; fenced content is every line between the fences, with nested
 * blocks and, in Markdown files, bare fences settled by what follows (markdownEnd.ts). A file is
 * emitted as soon as its end is seen; one cut off by the end of the stream is reported by `finish()`
 * and never emitted. Work is linear in the input whatever the chunk size.
 */
import { fenceRole, openingOf, type FencedBlock } from './answerOpenings';
import { blockFirstLine, EDIT, pathMarker } from './answerPaths';
import { CLOSE_TAGS, stripWrappingFence, TagContent } from './answerTags';
import { cannotBeFence, isMarkdown, MarkdownEnd, stripEol } from './markdownEnd';
import { TextCollector } from './textCollector';

export { stripWrappingFence };

export interface ParsedFile {
  path: string;
  content: string;
}

export interface UnfinishedFile {
  path: string;
  /** What arrived before the stream ended; never written as a file. */
  partialContent: string;
}

type Mode =
  | { kind: 'between' }
  | { kind: 'think' }
  | { kind: 'tag'; path: string }
  | FencedBlock
  /** A Markdown file after a bare fence that may close it or open an inner block (see MarkdownEnd). */
  | { kind: 'held'; path: string; end: MarkdownEnd };

/** Past this, a line between files cannot hold a tag or a marker worth keeping whole. */
const MAX_PROSE_LINE = 1 << 20;

/** Returned when a piece completes no file; never modified. */
const NOTHING: ParsedFile[] = [];

export class FileStreamParser {
  private mode: Mode = { kind: 'between' };
  /** The incomplete last line, in the line-based modes. */
  private line = '';
  /** A path named by a heading or a bold/backticked line, waiting for its fenced block. */
  private pendingPath: string | undefined;
  private parts = new TextCollector();
  private tagged = new TagContent(this.parts);
  /** While set, a piece without it is content, whole: `<` in tags, `\n` in a fenced line that is no fence. */
  private until: '' | '<' | '\n' = '';
  /** The tagged file closed last, until a new file opens: a second `</FILE>` after it is suspicious. */
  private lastClosed: string | undefined;
  /** Things worth telling that do not stop parsing, e.g. a stray `</FILE>` after a file. */
  readonly warnings: string[] = [];

  /** The path of the file being streamed now, if any. */
  get currentPath(): string | undefined {
    return this.mode.kind === 'tag' || this.mode.kind === 'fence' || this.mode.kind === 'held'
      ? this.mode.path
      : undefined;
  }

  /**
   * The file the answer would leave unfinished if it ended here: none when the last line, without
   * its line break, closes the open block, or when a Markdown file waits only for its end.
   */
  get unfinishedAtEnd(): string | undefined {
    const mode = this.mode;
    if (mode.kind !== 'fence') return mode.kind === 'tag' ? mode.path : undefined;
    return fenceRole(this.line, mode) === 'closes' && mode.depth === 0 ? undefined : mode.path;
  }

  /** Feeds one piece of streamed text and returns the files it completed. */
  push(text: string): ParsedFile[] {
    // Most pieces complete nothing: answer those without allocating.
    if (this.until !== '') {
      if (text.length === 1) {
        if (text !== this.until) {
          this.parts.addUnit(text.charCodeAt(0));
          return NOTHING;
        }
      } else if (text.indexOf(this.until) < 0) {
        this.parts.add(text);
        return NOTHING;
      }
    } else if (this.mode.kind !== 'tag' && text.indexOf('\n') < 0) {
      // Line-based modes: a piece that ends no line only extends the current one.
      this.extendLine(text);
      return NOTHING;
    }
    return this.read(text);
  }

  /** The general case, kept out of `push` so that the per-piece path above stays small and inlined. */
  private read(text: string): ParsedFile[] {
    let done = NOTHING;
    let rest = text;
    while (rest.length > 0) {
      if (this.mode.kind === 'tag') {
        const closed = this.readTagged(rest, this.mode.path);
        if (!closed) break;
        (done === NOTHING ? (done = []) : done).push(closed.file);
        rest = closed.rest;
        continue;
      }
      const nl = rest.indexOf('\n');
      if (this.until !== '') {
        // The rest of a fenced file's line that is known to be content (see extendLine).
        this.parts.add(nl < 0 ? rest : rest.slice(0, nl + 1));
        if (nl < 0) break;
        this.until = '';
        rest = rest.slice(nl + 1);
        continue;
      }
      if (nl < 0) {
        this.extendLine(rest);
        break;
      }
      const line = this.line + rest.slice(0, nl + 1);
      this.line = '';
      rest = rest.slice(nl + 1);
      const outcome = this.onLine(line);
      if (outcome?.file) (done === NOTHING ? (done = []) : done).push(outcome.file);
      if (outcome?.rest) rest = outcome.rest + rest;
    }
    return done;
  }

  /**
   * Adds a piece without a line break to the current line. In a fenced file, a line whose start shows it
   * is no fence goes to the file now and its rest follows there (gathering it costs a concatenation per piece).
   */
  private extendLine(text: string): void {
    const line = this.line + text;
    const mode = this.mode;
    if (mode.kind === 'fence' && !mode.fresh && mode.path !== undefined && cannotBeFence(line)) {
      this.line = '';
      this.parts.add(line);
      this.until = '\n';
    } else {
      this.line =
        (mode.kind === 'between' || mode.kind === 'think') && line.length > MAX_PROSE_LINE ? line.slice(-4096) : line;
    }
  }

  /** Drops the file being read (its restart is coming), keeping everything already emitted. */
  abandon(): void {
    this.mode = { kind: 'between' };
    this.until = '';
    this.line = '';
    this.pendingPath = undefined;
    this.parts.clear();
    this.tagged.tail = '';
  }

  /**
   * Ends the stream: a last line without a line break is read as complete (it may close a fence or
   * hold a whole one-line file); what is still open is returned as unfinished. Resets the parser.
   */
  finish(): { files: ParsedFile[]; unfinished: UnfinishedFile | undefined } {
    const files: ParsedFile[] = [];
    let unfinished: UnfinishedFile | undefined;
    for (;;) {
      const held = this.mode.kind === 'held' ? this.mode : undefined;
      if (this.line.length > 0 && (held || this.mode.kind === 'fence')) {
        // The last line, without a line break, may close a fence (or be cut off in the file).
        const out = this.onLine(this.line);
        this.line = '';
        files.push(...(out?.file ? [out.file] : []), ...this.read(out?.rest ?? ''));
      } else if (held) {
        // The answer ended after a bare fence in a Markdown file: decide where the file ended.
        const { content, rest } = held.end.resolve(Number.MAX_SAFE_INTEGER, '');
        this.mode = { kind: 'between' };
        files.push({ path: held.path, content }, ...this.read(rest));
      } else break;
    }
    const mode = this.mode;
    if (mode.kind === 'tag') {
      unfinished = { path: mode.path, partialContent: this.parts.take() + this.tagged.tail };
    } else if (mode.kind === 'fence') {
      if (mode.path !== undefined) unfinished = { path: mode.path, partialContent: this.parts.take() };
    } else if (this.line.length > 0) {
      files.push(...this.push('\n'));
      if (this.mode.kind === 'tag')
        unfinished = { path: this.mode.path, partialContent: this.parts.take() + this.tagged.tail };
    }
    this.abandon();
    return { files, unfinished };
  }

  /** Handles one complete line (with its line ending) in the line-based modes. */
  private onLine(line: string): { file?: ParsedFile; rest?: string } | undefined {
    const mode = this.mode;
    if (mode.kind === 'fence') return this.onFenceLine(line, mode);
    if (mode.kind === 'held') {
      const start = mode.end.add(line);
      if (start < 0) return undefined;
      const { content, rest } = mode.end.resolve(start, line);
      this.mode = { kind: 'between' };
      return { file: { path: mode.path, content }, rest };
    }
    if (mode.kind === 'think') {
      const end = line.indexOf('</think>');
      if (end < 0) return undefined;
      this.mode = { kind: 'between' };
      return { rest: line.slice(end + '</think>'.length) };
    }
    const opening = openingOf(line, this.pendingPath);
    if (opening?.kind === 'think') {
      this.mode = { kind: 'think' };
      return { rest: opening.rest };
    }
    if (opening?.kind === 'tag') {
      this.lastClosed = undefined;
      this.mode = { kind: 'tag', path: opening.path };
      this.parts.clear();
      this.tagged.start();
      this.until = '';
      this.pendingPath = undefined;
      return { rest: opening.rest };
    }
    if (this.lastClosed !== undefined && CLOSE_TAGS.some((tag) => line.includes(tag))) {
      this.warnings.push(
        `${this.lastClosed}: another </FILE> follows its end. The first </FILE> ends a file, so if its text contains "</FILE>" it was cut short there; ask for that file in a fenced block instead.`,
      );
      this.lastClosed = undefined;
    }
    if (opening) {
      this.pendingPath = undefined;
      this.parts.clear();
      this.mode = opening;
      return undefined;
    }
    const bare = stripEol(line);
    const marker = pathMarker(bare);
    if (marker !== undefined) this.pendingPath = marker;
    else if (bare.trim() !== '') this.pendingPath = undefined;
    return undefined;
  }

  private onFenceLine(line: string, mode: FencedBlock): { file?: ParsedFile } | undefined {
    if (mode.fresh) {
      mode.fresh = false;
      const first = blockFirstLine(stripEol(line), mode.path, mode.markdown);
      if (first === EDIT)
        this.warnings.push(
          `${mode.path}: the answer sent a SEARCH/REPLACE edit instead of the whole file; it was not written.`,
        );
      if (first !== undefined) {
        mode.path = first === EDIT ? undefined : first;
        mode.markdown = mode.path !== undefined && isMarkdown(mode.path);
        return undefined;
      }
    }
    const role = fenceRole(line, mode);
    if (role === 'closes' && mode.depth === 0) return this.endBlock(line, mode);
    if (role === 'closes') mode.depth--;
    else if (role === 'opens') mode.depth++;
    if (mode.path !== undefined) this.parts.add(line);
    return undefined;
  }

  /**
   * The fence that closes the block ends its file, but in a Markdown file a bare fence may close an inner
   * block instead: MarkdownEnd settles that from what follows.
   */
  private endBlock(line: string, mode: FencedBlock): { file?: ParsedFile } | undefined {
    const content = this.parts.take();
    this.parts.clear();
    if (mode.markdown && mode.path !== undefined) {
      this.mode = { kind: 'held', path: mode.path, end: new MarkdownEnd(content, line, mode.char, mode.length) };
      return undefined;
    }
    this.mode = { kind: 'between' };
    return mode.path === undefined ? undefined : { file: { path: mode.path, content } };
  }

  /** Reads tagged content up to the closing tag; returns the file and what follows it, or undefined. */
  private readTagged(text: string, path: string): { file: ParsedFile; rest: string } | undefined {
    // Fast path for small pieces (a streamed token): nothing that could start a closing tag.
    if (this.until === '<' && text.indexOf('<') < 0) {
      this.parts.add(text);
      return undefined;
    }
    const closed = this.tagged.read(text);
    if (!closed) {
      this.until = this.tagged.tail === '' ? '<' : '';
      return undefined;
    }
    this.mode = { kind: 'between' };
    this.until = '';
    this.lastClosed = path;
    return { file: { path, content: closed.content }, rest: closed.rest };
  }
}
