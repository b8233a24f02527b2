/**
 * How a model names the file a Markdown code block holds: a path in the fence's info string, a
 * heading / bold / backticked / `[path]` / `File:` / bare path / comment line before the block, or a
 * comment naming it on the block's first line. Shared by the file parser and the continuation prompt; the
 * path guard decides later whether a path is allowed.
 */

/** `title="a.py"`, `file=a.py`, `python:a.py`, or a bare `a.py` in a fence's info string. */
export function pathFromInfo(info: string): string | undefined {
  const t = info.trim();
  if (!t) return undefined;
  const attr = /(?:^|[\s{,])(?:title|file|filename|path|name)\s*=\s*(?:"([^"]+)"|'([^']+)'|([^\s"'},]+))/i.exec(t);
  if (attr) return attr[1] ?? attr[2] ?? attr[3];
  const colon = /^[\w+#.-]+:(\S+)$/.exec(t);
  if (colon && looksLikePath(colon[1])) return colon[1];
  return looksLikePath(t) && /[/\\]|\.\w+$/.test(t) && !/^[\w+#-]+$/.test(t) ? t : undefined;
}

/**
 * A line that names the file whose fenced block follows: a heading, `**path**`, `` `path` ``, `[path]`,
 * `File: path`, or the bare path alone on its line (`src/app.py`, `index.html:`), each maybe a list
 * item (`1. `, `- `). A bold or backticked path may go on with prose when the line ends with a colon
 * (`1. **index.html**: In your HTML file, add:`): the line introduces the block.
 */
export function pathMarker(line: string): string | undefined {
  const s = line.trim();
  if (s.length === 0 || s.length > 1024) return undefined;
  // `<!-- src/index.html -->`, `// src/app.ts`: a comment naming the file, on the line before its block.
  const comment = pathComment(s, true);
  if (comment !== undefined) return comment;
  let m: RegExpExecArray | null;
  const heading = /^#{1,6}\s+(.*?)\s*#*$/.exec(s);
  let body = heading ? heading[1] : s;
  body = body.replace(LIST_ITEM, '').replace(/^\*\*(file|path|filename)\s*:\s*\*\*\s*/i, '$1: ');
  let explicit = false;
  if ((m = NAMED.exec(body))) {
    body = m[1].trim();
    explicit = true;
  }
  // `[id].jsx` is a bare name (a route file), `[app.py]` a wrapped one.
  const bracket = /^\[[^\]]+\]:?$/.test(body) ? body.lastIndexOf(']') : -1;
  const close = body.startsWith('**') ? body.indexOf('**', 2) : body.startsWith('`') ? body.indexOf('`', 1) : bracket;
  const open = body.startsWith('**') ? 2 : 1;
  let inner = close > 0 ? body.slice(open, close) : body;
  const tail = close > 0 ? body.slice(close + (open === 2 ? 2 : 1)).trim() : '';
  if (tail !== '' && tail !== ':' && !(/^[:(—–-]/.test(tail) && tail.endsWith(':'))) return undefined;
  if ((m = NAMED.exec(inner.trim()))) {
    inner = m[1];
    explicit = true;
  }
  inner = inner
    .trim()
    .replace(/^\*\*(.*)\*\*$/, '$1')
    .replace(/^`(.*)`$/, '$1')
    .replace(/:$/, '')
    .trim();
  if (!inner || /\s/.test(inner)) return undefined;
  if (explicit) return inner;
  if (close > 0 || heading !== null) return looksLikePath(inner) ? inner : undefined;
  // Bare, a word is a path only at the start of its line (not an entry of an indented folder tree),
  // not a folder, and with a folder or an extension that has a letter.
  return /^\S/.test(line) && !inner.endsWith('/') && looksLikePath(inner) && hasFolderOrExtension(inner)
    ? inner
    : undefined;
}

/**
 * A first line inside a fenced block that is only a comment naming a file: `# src/app.py`,
 * `// src/app.ts`, `-- schema.sql`, `/* styles.css *\/`, `<!-- index.html -->`, with or without
 * `filepath:`. `#` is a heading, not a comment, in Markdown (`hashIsHeading`).
 */
export function pathComment(line: string, hashIsHeading: boolean): string | undefined {
  const s = line.trim();
  if (s.length > 1024) return undefined;
  let m = /^(?:\/\/|--|;|#)(.*)$/.exec(s) ?? /^\/\*(.*)\*\/$/.exec(s) ?? /^<!--(.*)-->$/.exec(s);
  if (!m || (hashIsHeading && s.startsWith('#'))) return undefined;
  let body = m[1].trim();
  if ((m = /^(?:file\s*path|filepath|file|path|filename)\s*:\s*(.+)$/i.exec(body))) body = m[1].trim();
  body = body.replace(/^`(.*)`$/, '$1');
  return body && !/\s/.test(body) && !body.startsWith('!') && looksLikePath(body) && hasFolderOrExtension(body)
    ? body
    : undefined;
}

/** What `blockFirstLine` says of an edit block; no path holds a NUL. */
export const EDIT = '\0edit';

/**
 * What the first line of a fenced block says: `EDIT` for an edit of an existing file (aider's
 * SEARCH/REPLACE), which is no whole file; the block's path when the line is a comment naming it
 * (a label, not content, as Copilot's `// filepath:`); undefined when the line is content.
 */
export function blockFirstLine(line: string, path: string | undefined, markdown: boolean): string | undefined {
  if (path !== undefined && line.startsWith('<<<<<<< SEARCH')) return EDIT;
  const raw = pathComment(line, markdown);
  const named = raw === undefined ? undefined : normalizeStreamPath(raw);
  if (named === undefined || path === undefined) return named;
  return named === path || named.endsWith(`/${path}`) || path.endsWith(`/${named}`) ? path : undefined;
}

const LIST_ITEM = /^(?:\d{1,3}[.)]|[-*+])\s+/;
const NAMED = /^(?:file|path|filename)\s*:\s*(.+)$/i;

function hasFolderOrExtension(s: string): boolean {
  return (
    /[/\\]/.test(s) ||
    /\.[A-Za-z][A-Za-z0-9_-]{0,11}$/.test(s) ||
    /^(Makefile|Dockerfile|Procfile|Gemfile|Rakefile)$/.test(s)
  );
}

function looksLikePath(s: string): boolean {
  if (!s || s.length > 512 || /[\s<>"|?*]/.test(s) || /^[a-z]+:\/\//i.test(s) || /^\.+$/.test(s)) return false;
  return (
    /[/\\]/.test(s) ||
    /\.[A-Za-z0-9_-]{1,12}$/.test(s) ||
    /^(Makefile|Dockerfile|LICENSE|Procfile|Gemfile|Rakefile)$/i.test(s)
  );
}

/** `./a/b`, `a\\b` and `a//b` all name `a/b`; the path guard decides whether it is allowed. */
export function normalizeStreamPath(raw: string): string {
  let p = raw
    .trim()
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return p
    .replace(/\/(\.\/)+/g, '/')
    .replace(/\/\.$/, '')
    .replace(/\/$/, '');
}
