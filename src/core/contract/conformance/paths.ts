/**
 * Route paths compared by shape: literal segments must be equal, and a path parameter matches a
 * parameter by position whatever its name or syntax (`{id}`, `{task_id}`, `:id`, `<int:id>`, `{id...}`).
 */

/** A parameter segment in any of the frameworks' syntaxes. */
const PARAM_RE = /^(?:\{[^{}]*\}|:[A-Za-z_$][\w$]*\??(?:\(.*\))?|<[^<>]*>|\*[A-Za-z_]*)$/;

/** `/a//b/` → `/a/b`; `{$}` (Go's end anchor) dropped; '' → '/'. */
export function joinPaths(...parts: string[]): string {
  const segments = parts
    .join('/')
    .split('/')
    .filter((s) => s !== '' && s !== '{$}');
  return `/${segments.join('/')}`;
}

/** The path's shape: `/tasks/{}` for `/tasks/:id`, `/tasks/{task_id}`, … */
export function pathShape(path: string): string {
  return joinPaths(path)
    .split('/')
    .map((s) => (PARAM_RE.test(s) ? '{}' : s))
    .join('/');
}

/** Whether a subtree pattern (`/static/`) serves this path. */
export function underSubtree(subtree: string, path: string): boolean {
  const base = pathShape(subtree);
  const shape = pathShape(path);
  return base === '/' || shape === base || shape.startsWith(`${base}/`);
}
