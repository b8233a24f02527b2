import type { TextCollector } from './textCollector';

/** The closing tag of the `<FILE path="…">` format, and the fence models wrap tagged content in. */
export const CLOSE_TAGS = ['</FILE>', '</file>'];
export const CLOSE_LEN = 7;

/** Where the first closing tag starts: scans only up to it, so many files in one piece cost linear time. */
export function firstCloseTag(s: string): number {
  for (let i = s.indexOf('</'); i >= 0; i = s.indexOf('</', i + 2)) {
    if (CLOSE_TAGS.some((tag) => s.startsWith(tag, i))) return i;
  }
  return -1;
}

export function closeTagPrefixAtEnd(s: string): number {
  for (let n = Math.min(CLOSE_LEN - 1, s.length); n > 0; n--) {
    const end = s.slice(s.length - n);
    if (CLOSE_TAGS.some((tag) => tag.startsWith(end))) return n;
  }
  return 0;
}

/**
 * Tagged content that is one fenced block (```` ```python\n…\n``` ````) loses the fence: models add
 * it even when told not to. The line break before the closing fence is the file's final newline.
 */
export function stripWrappingFence(content: string): string {
  const open = /^(`{3,}|~{3,})([^\n]*)\n/.exec(content.slice(0, 1024));
  if (!open || (open[1][0] === '`' && open[2].includes('`'))) return content;
  let end = content.length;
  while (
    end > 0 &&
    (content[end - 1] === '\n' || content[end - 1] === '\r' || content[end - 1] === ' ' || content[end - 1] === '\t')
  )
    end--;
  const lineStart = content.lastIndexOf('\n', end - 1) + 1;
  if (lineStart < open[0].length) return content;
  const last = content.slice(lineStart, end).trim();
  if (last.length < open[1].length || last !== open[1][0].repeat(last.length)) return content;
  return content.slice(open[0].length, lineStart);
}

/**
 * Tagged content as it streams in: without the line break right after the opening tag, and holding
 * back what may be the start of `</FILE>`. Shares the parser's collector.
 */
export class TagContent {
  /** The last characters read, which may be the start of `</FILE>`. */
  tail = '';
  private atStart = false;

  constructor(private readonly parts: TextCollector) {}

  /** A file's opening tag was read. */
  start(): void {
    this.tail = '';
    this.atStart = true;
  }

  /** Reads a piece: the file's content and what follows its closing tag, or undefined before that tag. */
  read(text: string): { content: string; rest: string } | undefined {
    let s = this.tail + text;
    if (this.atStart) {
      if (s === '\r') {
        this.tail = s;
        return undefined;
      }
      if (s.startsWith('\r\n')) s = s.slice(2);
      else if (s.startsWith('\n')) s = s.slice(1);
      this.atStart = false;
    }
    const end = firstCloseTag(s);
    if (end < 0) {
      const keep = closeTagPrefixAtEnd(s);
      if (s.length > keep) this.parts.add(s.slice(0, s.length - keep));
      this.tail = s.slice(s.length - keep);
      return undefined;
    }
    this.parts.add(s.slice(0, end));
    const content = stripWrappingFence(this.parts.take());
    this.parts.clear();
    this.tail = '';
    return { content, rest: s.slice(end + CLOSE_LEN) };
  }
}
