/**
 * How a model names the file a Markdown code block holds: a path in the fence's info string, or a
 * heading / bold / backticked / `File:` line before the block. Shared by the file parser and the
 * continuation prompt; the path guard decides later whether a path is allowed.
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

/** A line that names the file whose fenced block follows: a heading, `**path**`, `` `path` ``, `File: path`. */
export function pathMarker(line: string): string | undefined {
  const s = line.trim();
  let body: string | undefined;
  let explicit = false;
  let m: RegExpExecArray | null;
  if ((m = /^#{1,6}\s+(.*?)\s*#*$/.exec(s))) body = m[1];
  else if ((m = /^\*\*(.+?)\*\*\s*:?$/.exec(s))) body = m[1];
  else if ((m = /^`([^`]+)`\s*:?$/.exec(s))) body = m[1];
  else if ((m = /^(?:file|path|filename)\s*:\s*(.+)$/i.exec(s))) {
    body = m[1];
    explicit = true;
  }
  if (body === undefined) return undefined;
  body = body.trim();
  const named = /^(?:file|path|filename)\s*:\s*(.+)$/i.exec(body);
  if (named) {
    body = named[1].trim();
    explicit = true;
  }
  body = body.replace(/^\*\*(.*)\*\*$/, '$1').replace(/^`(.*)`$/, '$1').replace(/:$/, '').trim();
  if (!body || /\s/.test(body)) return undefined;
  return explicit || looksLikePath(body) ? body : undefined;
}

function looksLikePath(s: string): boolean {
  if (!s || s.length > 512 || /\s/.test(s) || /^[a-z]+:\/\//i.test(s) || /^\.+$/.test(s)) return false;
  return /[/\\]/.test(s) || /\.[A-Za-z0-9_-]{1,12}$/.test(s) || /^(Makefile|Dockerfile|LICENSE|Procfile|Gemfile|Rakefile)$/i.test(s);
}

/** `./a/b`, `a\\b` and `a//b` all name `a/b`; the path guard decides whether it is allowed. */
export function normalizeStreamPath(raw: string): string {
  let p = raw.trim().replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return p.replace(/\/(\.\/)+/g, '/').replace(/\/\.$/, '').replace(/\/$/, '');
}
