import * as path from 'node:path';
import { whyNotText } from './fixOnDisk';
import { checkRealLocation, checkRelativePath, DEFAULT_DENY } from '../generation/pathGuard';
import { looksLikeTest, type Protection } from './protectedTests';

export { buildFixRequest, editRequest, editSystemPrompt, filesSection, FIX_SYSTEM_PROMPT } from './fixRequest';
export type { FixRequestInput } from './fixRequest';

export interface SearchReplace {
  file: string;
  search: string;
  replace: string;
}

const SEARCH = /^<{5,9} ?SEARCH\s*$/;
const DIVIDER = /^={5,9}\s*$/;
const REPLACE = /^>{5,9} ?REPLACE\s*$/;

/** Reads SEARCH/REPLACE blocks from a model's answer; what cannot be read is listed in `problems`. */
export function parseEdits(answer: string): { edits: SearchReplace[]; problems: string[] } {
  const lines = answer.replace(/\r\n/g, '\n').split('\n');
  const edits: SearchReplace[] = [];
  const problems: string[] = [];
  let lastFile: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (!SEARCH.test(lines[i])) continue;
    const file = fileBefore(lines, i) ?? lastFile;
    const search: string[] = [];
    const replace: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !DIVIDER.test(lines[j]); j++) search.push(lines[j]);
    let k = j + 1;
    for (; k < lines.length && !REPLACE.test(lines[k]); k++) replace.push(lines[k]);
    if (j >= lines.length || k >= lines.length) {
      problems.push(`an edit${file ? ` to ${file}` : ''} is not closed (no ======= or >>>>>>> REPLACE)`);
      break;
    }
    if (!file) problems.push('an edit does not say which file it changes');
    else edits.push({ file, search: joinLines(search), replace: joinLines(replace) });
    lastFile = file;
    i = k;
  }
  if (edits.length === 0 && problems.length === 0) problems.push('the answer holds no SEARCH/REPLACE edit');
  return { edits, problems };
}

const joinLines = (lines: string[]) => (lines.length ? `${lines.join('\n')}\n` : '');

/** The file name on the nearest line above a block, without fences, backticks or a `File:` label. */
function fileBefore(lines: string[], index: number): string | undefined {
  for (let i = index - 1; i >= 0 && i >= index - 3; i--) {
    const line = lines[i].trim();
    if (line === '' || /^```\w*$/.test(line)) continue;
    if (REPLACE.test(line)) return undefined;
    const name = line
      .replace(/^```\w*\s*/, '')
      .replace(/^(#+|\/\/|File:|Path:)\s*/i, '')
      .replace(/^[`*"']+|[`*"':]+$/g, '')
      .trim();
    return /^[\w./\\@+-][\w./\\@+ -]*$/.test(name) && /[./]/.test(name) ? name : undefined;
  }
  return undefined;
}

/** One file's change, as the whole text before and after and the smallest range that differs. */
export interface FileChange {
  /** Relative to the root, forward slashes. */
  file: string;
  absPath: string;
  /** Undefined for a file the fix creates. */
  before: string | undefined;
  after: string;
  /** Offsets into `before`, and the text that replaces that range. */
  range: { start: number; end: number; text: string };
}

export type FixPlan = { ok: true; changes: FileChange[] } | { ok: false; problems: string[] };

/** A file the edits change: its name, its text before them, and its text now. */
interface EditedText {
  rel: string;
  absPath: string;
  before: string | undefined;
  now: string;
}

/**
 * Checks every edit against the current files (read through `readFile`, which the editor answers
 * from open documents) and returns the changes only when all of them apply. Test files are never
 * written: `protection` names the protected ones; without it, every path that looks like a test is.
 */
export async function planEdits(
  root: string,
  edits: SearchReplace[],
  readFile: (absPath: string) => Promise<string | undefined>,
  deny: readonly string[] = DEFAULT_DENY,
  protection?: Protection,
): Promise<FixPlan> {
  const problems: string[] = [];
  // Keyed by where the file really is: two names of one file (a symlink beside its target) are one text.
  const texts = new Map<string, EditedText>();
  const refused = new Set<string>();
  for (const edit of edits) {
    const target = await editTarget(root, edit, deny, readFile, { texts, refused, problems, protection });
    if (!target) continue;
    const problem = applyEdit(target, edit);
    if (problem) problems.push(problem);
  }
  if (problems.length) return { ok: false, problems };
  const changes: FileChange[] = [];
  for (const { rel: file, absPath, before, now } of texts.values()) {
    if (before === now) continue;
    changes.push({ file, absPath, before, after: now, range: smallestChange(before ?? '', now) });
  }
  if (changes.length === 0) return { ok: false, problems: ['the edits change nothing'] };
  return { ok: true, changes };
}

/**
 * The text an edit applies to: the path checked against the deny list and where it really leads,
 * and the file read once however many edits name it. Undefined (with the problem noted) when refused.
 */
async function editTarget(
  root: string,
  edit: SearchReplace,
  deny: readonly string[],
  readFile: (absPath: string) => Promise<string | undefined>,
  plan: { texts: Map<string, EditedText>; refused: Set<string>; problems: string[]; protection?: Protection },
): Promise<EditedText | undefined> {
  const verdict = checkRelativePath(edit.file, deny);
  if (!verdict.ok) {
    plan.problems.push(`${edit.file}: refused (${verdict.reason})`);
    return undefined;
  }
  const rel = verdict.path;
  const real = await checkRealLocation(root, rel, undefined, deny);
  if (!real.ok) {
    plan.problems.push(`${rel}: refused (${real.reason})`);
    return undefined;
  }
  const key = real.realPath;
  if (plan.refused.has(key)) return undefined;
  const known = plan.texts.get(key);
  if (known) return known;
  // By both names: a link with an innocent name may lead to a test file.
  const guarded =
    testProblem(rel, plan.protection) ??
    (real.realRel !== rel ? testProblem(real.realRel, plan.protection) : undefined);
  if (guarded) {
    plan.refused.add(key);
    plan.problems.push(guarded);
    return undefined;
  }
  const absPath = path.join(root, rel);
  const before = await readFile(absPath);
  // Unreadable is not missing: a binary or non-UTF-8 file is refused, never replaced or damaged.
  const why = before === undefined ? await whyNotText(absPath, rel) : undefined;
  if (why) {
    plan.refused.add(key);
    plan.problems.push(why);
    return undefined;
  }
  const entry = { rel, absPath, before, now: before ?? '' };
  plan.texts.set(key, entry);
  return entry;
}

/**
 * Why a fix may not write `rel`: a protected file, or a new test (a fix's run is scored whole, so a
 * test it adds could stand in for one it made vanish).
 */
function testProblem(rel: string, protection: Protection | undefined): string | undefined {
  const refused = protection ? protection.refuse(rel) : undefined;
  if (refused) return refused;
  if (protection ? !protection.isNewTest(rel) : !looksLikeTest(rel)) return undefined;
  return `${rel} looks like a test file: the tests are the judge, so a fix may not add or change them`;
}

/** Applies one edit to the text; the problem when it cannot (its SEARCH must occur exactly once). */
function applyEdit(entry: EditedText, edit: SearchReplace): string | undefined {
  const rel = entry.rel;
  if (entry.before === undefined && entry.now === '') {
    if (edit.search !== '') return `${rel}: the file does not exist`;
    entry.now = edit.replace;
    return undefined;
  }
  const crlf = entry.now.includes('\r\n');
  let search = crlf ? edit.search.replace(/\n/g, '\r\n') : edit.search;
  let replace = crlf ? edit.replace.replace(/\n/g, '\r\n') : edit.replace;
  let count = search === '' ? 0 : occurrences(entry.now, search);
  // The blocks end every line with a newline; the file's last line may have none.
  const eol = crlf ? '\r\n' : '\n';
  if (count === 0 && search.endsWith(eol) && entry.now.endsWith(search.slice(0, -eol.length))) {
    search = search.slice(0, -eol.length);
    replace = replace.endsWith(eol) ? replace.slice(0, -eol.length) : replace;
    count = occurrences(entry.now, search);
  }
  if (count !== 1)
    return `${rel}: the SEARCH text ${count === 0 ? 'does not occur in the file' : `occurs ${count} times, not once`}: ${preview(edit.search)}`;
  entry.now = entry.now.replace(search, () => replace);
  return undefined;
}

function occurrences(text: string, search: string): number {
  let count = 0;
  for (let at = text.indexOf(search); at >= 0 && count < 2; at = text.indexOf(search, at + 1)) count++;
  return count;
}

/** The SEARCH text's first line, quoted, for a one-line message (JSON quoting showed newlines as `\n`). */
export function preview(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').trim().split('\n');
  const first = lines[0].trim();
  const shown = first.length > 60 ? `${first.slice(0, 59)}…` : first;
  const more = lines.length - 1;
  return `"${shown}"${more > 0 ? ` and ${more} more line${more === 1 ? '' : 's'}` : ''}`;
}

/** The range of `before` that differs from `after` (common prefix and suffix left alone). */
export function smallestChange(before: string, after: string): FileChange['range'] {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (
    tail < max - start &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  )
    tail++;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}
