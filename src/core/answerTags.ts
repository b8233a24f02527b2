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
  while (end > 0 && (content[end - 1] === '\n' || content[end - 1] === '\r' || content[end - 1] === ' ' || content[end - 1] === '\t')) end--;
  const lineStart = content.lastIndexOf('\n', end - 1) + 1;
  if (lineStart < open[0].length) return content;
  const last = content.slice(lineStart, end).trim();
  if (last.length < open[1].length || last !== open[1][0].repeat(last.length)) return content;
  return content.slice(open[0].length, lineStart);
}
