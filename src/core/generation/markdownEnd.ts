/**
 * Where a Markdown file in a fenced block ends. Inside it, a fence with an info string opens an inner
 * block that a bare fence closes; but an inner block opened without one (a folder tree, a command)
 * looks just like the file's closing fence. So a bare fence at the top of a Markdown file is held:
 * the lines after it are kept until the next file starts (a path line before a fence, a fence with a
 * path, a block named by its first-line comment, a `<FILE>` tag) or the answer ends. Then:
 * - if a bare fence sits right before that next file (blank lines aside) and the fences between the
 *   first one and it pair up as inner blocks, the file ends there: the structure says so;
 * - otherwise the first bare fence closed the file (as CommonMark reads it), and what followed is
 *   read again as answer text.
 * Lines are scanned once to hold them and once to decide; the text after the end is read again once.
 */
import { pathComment, pathFromInfo, pathMarker } from './answerPaths';

const FENCE_RE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const OPEN_TAG_RE = /<FILE\s+path\s*=\s*["']/i;

/** A fence line's character, length and info string; undefined for other lines. */
export function fenceOf(line: string): { char: string; length: number; info: string } | undefined {
  // Most lines of a file start with neither a space nor a fence character: skip the regex for them.
  const first = line.charCodeAt(0);
  if (first !== 0x60 && first !== 0x7e && first !== 0x20) return undefined;
  const m = FENCE_RE.exec(stripEol(line));
  if (!m || (m[1][0] === '`' && m[2].includes('`'))) return undefined;
  return { char: m[1][0], length: m[1].length, info: m[2].trim() };
}

/** The start of a line (no line break yet) already shows it is no fence: `fenceOf` will say undefined. */
export function cannotBeFence(start: string): boolean {
  for (let i = 0; i < start.length; i++) {
    const unit = start.charCodeAt(i);
    if (unit !== 0x20) return unit !== 0x60 && unit !== 0x7e;
    if (i === 3) return true;
  }
  return false;
}

export class MarkdownEnd {
  /** The lines after the first bare fence, with their line endings. */
  private readonly lines: string[] = [];
  /** The last line names a path, blank lines aside: a fence right after it starts a file. */
  private markerAt = -1;
  /** The last line is a fence with no path: a path comment right after it starts a file. */
  private openerAt = -1;

  /**
   * @param before the file's content up to the bare fence
   * @param close the bare fence line itself
   */
  constructor(
    private readonly before: string,
    private readonly close: string,
    private readonly char: string,
    private readonly length: number,
  ) {}

  /** Takes one complete line; returns where the next file starts (an index into the held lines, or their count for this line), else -1. */
  add(line: string): number {
    const bare = stripEol(line);
    if (OPEN_TAG_RE.test(bare)) return this.lines.length;
    const fence = fenceOf(line);
    if (fence) {
      if (pathFromInfo(fence.info) !== undefined) return this.lines.length;
      if (this.markerAt >= 0) return this.markerAt;
      this.lines.push(line);
      this.openerAt = this.lines.length - 1;
      this.markerAt = -1;
      return -1;
    }
    if (this.openerAt === this.lines.length - 1 && this.openerAt >= 0) {
      const info = fenceOf(this.lines[this.openerAt])?.info ?? '';
      if (pathComment(bare, /^(?:md|markdown|mdx)\b/i.test(info)) !== undefined) return this.openerAt;
    }
    this.lines.push(line);
    this.openerAt = -1;
    if (pathMarker(bare) !== undefined) this.markerAt = this.lines.length - 1;
    else if (bare.trim() !== '') this.markerAt = -1;
    return -1;
  }

  /**
   * Decides where the file ends, the next file starting at held line `start` (or at the end).
   * Returns the file's content and the text to read again: the held lines after the end, then `tail`.
   */
  resolve(start: number, tail: string): { content: string; rest: string } {
    const lines = this.lines;
    let last = Math.min(start, lines.length) - 1;
    while (last >= 0 && lines[last].trim() === '') last--;
    if (last >= 0 && this.closes(lines[last])) {
      // Read the first bare fence as an inner block's opening: the fences up to `last` must pair up.
      let depth = 1;
      for (let i = 0; i < last; i++) {
        const fence = fenceOf(lines[i]);
        if (!fence || fence.char !== this.char || fence.length < this.length) continue;
        depth += fence.info !== '' || depth === 0 ? 1 : -1;
      }
      if (depth === 0)
        return {
          content: this.before + this.close + lines.slice(0, last).join(''),
          rest: lines.slice(last + 1).join('') + tail,
        };
    }
    return { content: this.before, rest: lines.join('') + tail };
  }

  private closes(line: string): boolean {
    const fence = fenceOf(line);
    return fence !== undefined && fence.char === this.char && fence.length >= this.length && fence.info === '';
  }
}

export function isMarkdown(path: string): boolean {
  return /\.(md|markdown|mdx)$/i.test(path);
}

export function stripEol(line: string): string {
  return line.endsWith('\r\n') ? line.slice(0, -2) : line.endsWith('\n') ? line.slice(0, -1) : line;
}
