/**
 * What one line of the answer opens or closes: between files, a `<think>` block, a tagged file or a
 * fenced block; inside a fenced block, an inner block or the block's end.
 */
import { normalizeStreamPath, pathFromInfo } from './answerPaths';
import { fenceOf, isMarkdown } from './markdownEnd';

const OPEN_RE = /<FILE\s+path\s*=\s*(?:"([^"\r\n]*)"|'([^'\r\n]*)')\s*>/i;

/** A fenced block; no `path`: not a file, skipped, unless its first line (`fresh`) names one. */
export interface FencedBlock {
  kind: 'fence';
  path: string | undefined;
  char: string;
  length: number;
  depth: number;
  markdown: boolean;
  fresh: boolean;
}

/** What a line between files opens, and what follows the opening on the same line. */
export type Opening = { kind: 'think'; rest: string } | { kind: 'tag'; path: string; rest: string } | FencedBlock;

/** The block a line between files opens, if any; a fence takes `pendingPath` (named on a line before) when its info names none. */
export function openingOf(line: string, pendingPath: string | undefined): Opening | undefined {
  const think = line.indexOf('<think>');
  const open = OPEN_RE.exec(line);
  if (think >= 0 && (!open || think < open.index)) return { kind: 'think', rest: line.slice(think + '<think>'.length) };
  if (open) {
    const path = normalizeStreamPath(open[1] ?? open[2] ?? '');
    return { kind: 'tag', path, rest: line.slice(open.index + open[0].length) };
  }
  const fence = fenceOf(line);
  if (!fence) return undefined;
  const raw = pathFromInfo(fence.info) ?? pendingPath;
  const path = raw === undefined ? undefined : normalizeStreamPath(raw);
  const markdown = path === undefined ? /^(?:md|markdown|mdx)\b/i.test(fence.info) : isMarkdown(path);
  return { kind: 'fence', path, char: fence.char, length: fence.length, depth: 0, markdown, fresh: true };
}

/**
 * What a line inside a fenced block is: a fence like the block's own (as long or longer) with an info
 * string opens an inner block, one without closes a block; any other line is content.
 */
export function fenceRole(line: string, block: FencedBlock): 'opens' | 'closes' | undefined {
  const fence = fenceOf(line);
  if (!fence || fence.char !== block.char || fence.length < block.length) return undefined;
  return fence.info === '' ? 'closes' : 'opens';
}
