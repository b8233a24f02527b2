/**
 * Class-based views: a Flask MethodView, a Flask-RESTful / flask-restx Resource, a flask-smorest view.
 * Such a class serves the HTTP methods it defines (`def get`, `def post`), whatever route names it.
 */
import type { Node } from 'web-tree-sitter';
import { namedChildren } from './nodes';
import { simpleName } from './pythonNodes';

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/** Each class of the file with the HTTP methods it defines, upper-case. */
export function viewClasses(classes: Node[]): Map<string, string[]> {
  const views = new Map<string, string[]>();
  for (const node of classes) {
    const name = node.childForFieldName('name')?.text;
    if (name) views.set(name, classMethods(node));
  }
  return views;
}

export function classMethods(cls: Node): string[] {
  const body = cls.childForFieldName('body');
  const methods: string[] = [];
  for (const statement of body ? namedChildren(body) : []) {
    const fn = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    const name = fn?.type === 'function_definition' ? fn.childForFieldName('name')?.text : undefined;
    if (name && HTTP_METHODS.has(name)) methods.push(name.toUpperCase());
  }
  return methods;
}

/** The class a decorator sits on, when it decorates a class rather than a function. */
export function decoratedClass(decoratorCall: Node): Node | undefined {
  const definition = decoratorCall.parent?.parent?.childForFieldName('definition');
  return definition?.type === 'class_definition' ? definition : undefined;
}

/**
 * The methods `TaskView.as_view("tasks")` serves, or undefined when the view is not a class view (a
 * function view serves what `methods=` says). A class of another file gives `[undefined]`: its methods
 * are not known here.
 */
export function asViewMethods(
  node: Node | undefined,
  views: Map<string, string[]>,
): (string | undefined)[] | undefined {
  const fn = node?.type === 'call' ? node.childForFieldName('function') : undefined;
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'as_view') return undefined;
  return resourceMethods(fn.childForFieldName('object'), views);
}

/** The methods a Resource class given by name serves; `[undefined]` when it is not a class of this file. */
export function resourceMethods(node: Node | null | undefined, views: Map<string, string[]>): (string | undefined)[] {
  const methods = views.get(simpleName(node) ?? '');
  return methods?.length ? methods : [undefined];
}
