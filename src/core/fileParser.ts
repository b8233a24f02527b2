/**
 * Incremental parser for the `<FILE path="relative/path">…</FILE>` format.
 *
 * Text arrives in arbitrary pieces (a tag can be split across chunks). Each file is emitted as
 * soon as its closing tag arrives. Content is kept byte for byte, with one exception that is part
 * of the format: the single line break right after the opening tag separates tag from content.
 * Work is linear in the input whatever the chunk size: content is collected in pieces and only
 * the few characters that could start a closing tag are carried from one chunk to the next.
 */
export interface ParsedFile {
  path: string;
  content: string;
}

export interface UnfinishedFile {
  path: string;
  /** What arrived before the stream ended; never written as a file. */
  partialContent: string;
}

const OPEN_RE = /<FILE\s+path\s*=\s*(?:"([^"\r\n]*)"|'([^'\r\n]*)')\s*>/i;
const OPEN_PREFIX = '<FILE';
const CLOSE_TAG = '</FILE>';
/** A tag longer than this is not a tag: stops prose like `<FILE path="…` without `>` from buffering forever. */
const MAX_OPEN_TAG = 4096;

export class FileStreamParser {
  /** Text between files that may still hold (the start of) an opening tag. */
  private pending = '';
  /** Path of the file whose content is being read, or undefined between files. */
  private current: string | undefined;
  private parts: string[] = [];
  /** Last characters of the content read so far, which may be the start of `</FILE>`. */
  private tail = '';
  private atContentStart = false;

  /** The path of the file being streamed now, if any. */
  get currentPath(): string | undefined {
    return this.current;
  }

  /** Feeds one piece of streamed text and returns the files it completed. */
  push(text: string): ParsedFile[] {
    const done: ParsedFile[] = [];
    let rest = text;
    while (rest.length > 0) {
      if (this.current === undefined) {
        rest = this.readBetweenFiles(rest);
      } else {
        const result = this.readContent(rest);
        if (!result) break;
        done.push(result.file);
        rest = result.rest;
      }
    }
    return done;
  }

  /** The file that was open when the stream ended, if any. Resets the parser. */
  finish(): UnfinishedFile | undefined {
    const path = this.current;
    const partialContent = this.parts.join('') + this.tail;
    this.current = undefined;
    this.pending = '';
    this.parts = [];
    this.tail = '';
    return path === undefined ? undefined : { path, partialContent };
  }

  /** Consumes prose up to and including an opening tag; returns what follows it. */
  private readBetweenFiles(text: string): string {
    let buf = this.pending + text;
    this.pending = '';
    for (;;) {
      const lt = buf.indexOf('<');
      if (lt < 0) return '';
      buf = buf.slice(lt);
      const match = OPEN_RE.exec(buf);
      if (match && match.index === 0) {
        this.current = normalizeStreamPath(match[1] ?? match[2] ?? '');
        this.parts = [];
        this.tail = '';
        this.atContentStart = true;
        return buf.slice(match[0].length);
      }
      if (match) {
        buf = buf.slice(match.index);
        continue;
      }
      if (couldStillBecomeOpenTag(buf)) {
        this.pending = buf;
        return '';
      }
      buf = buf.slice(1);
    }
  }

  private readContent(text: string): { file: ParsedFile; rest: string } | undefined {
    let s = this.tail + text;
    if (this.atContentStart) {
      if (s === '\r') {
        this.tail = s;
        return undefined;
      }
      if (s.startsWith('\r\n')) s = s.slice(2);
      else if (s.startsWith('\n')) s = s.slice(1);
      this.atContentStart = false;
    }
    const end = s.indexOf(CLOSE_TAG);
    if (end < 0) {
      const keep = longestCloseTagPrefixAtEnd(s);
      if (s.length > keep) this.parts.push(s.slice(0, s.length - keep));
      this.tail = s.slice(s.length - keep);
      return undefined;
    }
    this.parts.push(s.slice(0, end));
    const file = { path: this.current as string, content: this.parts.join('') };
    this.current = undefined;
    this.parts = [];
    this.tail = '';
    return { file, rest: s.slice(end + CLOSE_TAG.length) };
  }
}

function longestCloseTagPrefixAtEnd(s: string): number {
  for (let n = Math.min(CLOSE_TAG.length - 1, s.length); n > 0; n--) {
    if (s.endsWith(CLOSE_TAG.slice(0, n))) return n;
  }
  return 0;
}

function couldStillBecomeOpenTag(buf: string): boolean {
  const head = buf.slice(0, OPEN_PREFIX.length).toUpperCase();
  if (head !== OPEN_PREFIX.slice(0, head.length)) return false;
  if (buf.length <= OPEN_PREFIX.length) return true;
  // A complete tag would have matched already; a '>' or a line break means this is not one.
  return !/[>\r\n]/.test(buf) && buf.length < MAX_OPEN_TAG;
}

/** `./a/b`, `a\\b` and `a//b` all name `a/b`; the path guard decides whether it is allowed. */
export function normalizeStreamPath(raw: string): string {
  let p = raw.trim().replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return p.replace(/\/(\.\/)+/g, '/').replace(/\/\.$/, '').replace(/\/$/, '');
}
