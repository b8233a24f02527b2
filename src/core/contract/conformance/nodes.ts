/** Small readers over tree-sitter nodes shared by the extractors. */
import type { Node } from 'web-tree-sitter';

/** 1-based line of a node. */
export const lineOf = (node: Node): number => node.startPosition.row + 1;

/**
 * The value of a string literal node in Python, TypeScript/JavaScript or Go, or undefined when the node
 * is not a plain literal (an f-string with fields, a template with `${}`, a concatenation, a name).
 */
export function stringValue(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'string': {
      // Python (string_start string_content string_end, with `interpolation` in f-strings) and TS (string_fragment).
      if (node.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
      const parts = node.namedChildren.filter(
        (c) => c?.type === 'string_content' || c?.type === 'string_fragment' || c?.type === 'escape_sequence',
      );
      return parts.map((c) => unescape(c?.text ?? '')).join('');
    }
    case 'template_string':
      return node.namedChildren.some((c) => c?.type === 'template_substitution') ? undefined : node.text.slice(1, -1);
    case 'interpreted_string_literal':
      return node.namedChildren.map((c) => unescape(c?.text ?? '')).join('');
    case 'raw_string_literal':
      return node.text.slice(1, -1);
    case 'parenthesized_expression':
      return node.namedChildren.length === 1 ? stringValue(node.namedChildren[0]) : undefined;
    default:
      return undefined;
  }
}

function unescape(text: string): string {
  if (!text.startsWith('\\')) return text;
  const simple: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'", '/': '/' };
  return simple[text.slice(1)] ?? text.slice(1);
}

/** Every descendant of `node` (itself included) in document order, without recursion. */
export function* descendants(node: Node): Generator<Node> {
  const cursor = node.walk();
  try {
    let done = false;
    while (!done) {
      yield cursor.currentNode;
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || cursor.currentNode.id === node.id) {
          done = true;
          break;
        }
      }
    }
  } finally {
    cursor.delete();
  }
}

/** The named children of a node, without the nulls the typings allow. */
export const namedChildren = (node: Node): Node[] => node.namedChildren.filter((c): c is Node => c !== null);
