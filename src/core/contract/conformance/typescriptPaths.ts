/** Paths as an Express call writes them: literals, same-file constants, `'/a' + '/b'`, arrays of those. */
import type { Node } from 'web-tree-sitter';
import { namedChildren, stringValue } from './nodes';

/** Same-file `const NAME = '/x'`; a name given two different values reads as unknown. */
export type Consts = Map<string, string | undefined>;

export function readConsts(declarators: Node[]): Consts {
  const consts: Consts = new Map();
  for (const node of declarators) {
    if (node.parent?.child(0)?.type !== 'const') continue;
    const name = node.childForFieldName('name');
    const value = stringValue(node.childForFieldName('value'));
    if (name?.type !== 'identifier' || value === undefined) continue;
    consts.set(name.text, consts.has(name.text) && consts.get(name.text) !== value ? undefined : value);
  }
  return consts;
}

/** Every path a path argument names; undefined for one Turbo cannot read (a regex, a `${}` template, a variable). */
export function pathValues(node: Node | undefined, consts: Consts): (string | undefined)[] {
  if (!node) return [undefined];
  if (node.type === 'array') return namedChildren(node).flatMap((n) => pathValues(n, consts));
  if (node.type === 'identifier') return [consts.get(node.text)];
  if (node.type === 'binary_expression' && node.child(1)?.type === '+') {
    const [left] = pathValues(node.childForFieldName('left') ?? undefined, consts);
    const [right] = pathValues(node.childForFieldName('right') ?? undefined, consts);
    return [left !== undefined && right !== undefined ? left + right : undefined];
  }
  return [stringValue(node)];
}

/** Whether `app.use`'s first argument is a path (else it is the first thing mounted). */
export const isPathArg = (node: Node | undefined, consts: Consts): boolean =>
  !!node &&
  (['string', 'template_string', 'regex', 'binary_expression'].includes(node.type) ||
    (node.type === 'array' && isPathArg(namedChildren(node)[0], consts)) ||
    (node.type === 'identifier' && consts.has(node.text)));

/** A path starting with `/`: evidence that an unknown receiver is a router. */
export const routeLike = (paths: (string | undefined)[]): boolean => paths.some((p) => p?.startsWith('/'));
