/**
 * Models in TypeScript/JavaScript: interfaces, object type aliases (and intersections, utility types,
 * `z.infer`), classes (declared fields, constructor parameter properties, `this.x =` in a JavaScript
 * constructor) and zod schemas, whose field types are spelled as TypeScript would spell them.
 */
import type { Node } from 'web-tree-sitter';
import { lineOf, namedChildren, stringValue } from './nodes';
import type { FoundField, FoundModel, ImportBinding } from './types';
import { isProjectModule, type Typed } from './typescriptNames';
import { keyName, zodModel, type Zod } from './typescriptZod';

/** Utility types whose fields are (at most) those of their first argument. */
const NARROWING = new Set(['Omit', 'Partial', 'Required', 'Readonly', 'NonNullable']);
/** `z.infer<typeof Schema>` and its synonyms: the type is the schema's. */
const INFER = new Set(['infer', 'input', 'output', 'TypeOf']);

export const MODEL_NODES = [
  'interface_declaration',
  'type_alias_declaration',
  'class_declaration',
  'abstract_class_declaration',
  'variable_declarator',
];

export function readModels(nodes: Typed[], imports: ImportBinding[]): FoundModel[] {
  const locals = new Set(imports.filter((i) => i.module === 'zod' && i.name !== 'ZodError').map((i) => i.local));
  // A schema can extend one imported from the project, in a file that works with zod.
  const project = imports.filter((i) => locals.size > 0 && isProjectModule(i.module));
  const zod: Zod = { locals: locals.size ? locals : new Set(['z']), schemas: new Set(project.map((i) => i.local)) };
  const models: FoundModel[] = [];
  for (const { node, type } of nodes) {
    const model =
      type === 'interface_declaration'
        ? interfaceModel(node)
        : type === 'type_alias_declaration'
          ? aliasModel(node)
          : type === 'class_declaration' || type === 'abstract_class_declaration'
            ? classModel(node)
            : type === 'variable_declarator'
              ? zodModel(node, zod)
              : undefined;
    if (model) models.push(model);
    if (model?.kind === 'zod schema') zod.schemas.add(model.name);
  }
  return models;
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

function annotation(node: Node): string | undefined {
  const type = node.childForFieldName('type');
  const inner = type?.type === 'type_annotation' ? namedChildren(type)[0] : type;
  return inner ? oneLine(inner.text) : undefined;
}

/** Fields of an `{ … }` object type or interface body. */
function objectFields(body: Node): FoundField[] {
  const fields: FoundField[] = [];
  for (const member of namedChildren(body)) {
    if (member.type !== 'property_signature') continue;
    const nameNode = member.childForFieldName('name');
    const name = keyName(nameNode);
    if (name !== undefined && nameNode)
      fields.push({ name, aliases: [], type: annotation(member), line: lineOf(nameNode) });
  }
  return fields;
}

/** The model a type reference names: `Base`, `ns.Base` → `Base`, `Omit<Task, 'id'>` → `Task`, `z.infer<typeof T>` → `T`. */
function baseName(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'type_identifier':
    case 'identifier':
      return node.text;
    case 'nested_type_identifier':
      return node.childForFieldName('name')?.text;
    case 'member_expression':
      return node.childForFieldName('property')?.text;
    case 'type_query':
      return baseName(namedChildren(node)[0]);
    case 'parenthesized_type':
      return baseName(namedChildren(node)[0]);
    case 'generic_type': {
      const name = baseName(node.childForFieldName('name'));
      const args = namedChildren(node.childForFieldName('type_arguments') ?? node);
      if (name && (NARROWING.has(name) || INFER.has(name) || name === 'Pick')) return baseName(args[0]);
      return name;
    }
    default:
      return undefined;
  }
}

function interfaceModel(node: Node): FoundModel | undefined {
  const name = node.childForFieldName('name');
  if (!name) return undefined;
  const heritage = namedChildren(node).find((c) => c.type === 'extends_type_clause');
  const bases = heritage ? namedChildren(heritage).map(baseName) : [];
  const body = node.childForFieldName('body');
  return {
    name: name.text,
    kind: 'interface',
    bases: bases.filter((b): b is string => b !== undefined),
    fields: body ? objectFields(body) : [],
    line: lineOf(name),
  };
}

/** The parts of `A & B & { … }` (parentheses dropped, and `Partial<…>` and the like: only names are compared). */
function intersectionParts(node: Node): Node[] {
  if (node.type === 'intersection_type') return namedChildren(node).flatMap(intersectionParts);
  if (node.type === 'parenthesized_type' && node.namedChildCount === 1)
    return intersectionParts(namedChildren(node)[0]);
  const args = node.type === 'generic_type' ? node.childForFieldName('type_arguments') : null;
  if (args && NARROWING.has(node.childForFieldName('name')?.text ?? '') && args.namedChildCount > 0)
    return intersectionParts(namedChildren(args)[0]);
  return [node];
}

/** `type X = { … }`, `A & { … }`, `Omit<A, 'id'>`, `Pick<A, 'title'>`, `z.infer<typeof S>`: anything else is not a model. */
function aliasModel(node: Node): FoundModel | undefined {
  const name = node.childForFieldName('name');
  const value = node.childForFieldName('value');
  if (!name || !value) return undefined;
  const model: FoundModel = { name: name.text, kind: 'type alias', bases: [], fields: [], line: lineOf(name) };
  for (const part of intersectionParts(value)) {
    if (part.type === 'object_type') model.fields.push(...objectFields(part));
    else if (isPick(part)) model.fields.push(...pickedFields(part));
    else if (['type_identifier', 'nested_type_identifier', 'generic_type'].includes(part.type)) {
      const base = baseName(part);
      if (base) model.bases.push(base);
    } else return undefined;
  }
  // `type Task = z.infer<typeof Task>` names the schema of the same name: it adds nothing, and read first it would hide it.
  model.bases = model.bases.filter((b) => b !== model.name);
  return model.bases.length || model.fields.length ? model : undefined;
}

const isPick = (node: Node): boolean => node.type === 'generic_type' && node.childForFieldName('name')?.text === 'Pick';

/** `Pick<Task, 'title' | 'done'>` has exactly those fields; their types are Task's, not written here. */
function pickedFields(node: Node): FoundField[] {
  const keys = namedChildren(node.childForFieldName('type_arguments') ?? node)[1];
  if (!keys) return [];
  const literals = keys.type === 'union_type' ? [...descendantsOfType(keys, 'literal_type')] : [keys];
  return literals.flatMap((lit) => {
    const name = stringValue(namedChildren(lit)[0]);
    return name === undefined ? [] : [{ name, aliases: [], type: undefined, line: lineOf(lit) }];
  });
}

function* descendantsOfType(node: Node, type: string): Generator<Node> {
  for (const child of namedChildren(node)) {
    if (child.type === type) yield child;
    else yield* descendantsOfType(child, type);
  }
}

function classModel(node: Node): FoundModel | undefined {
  const name = node.childForFieldName('name');
  if (!name) return undefined;
  const heritage = namedChildren(node).find((c) => c.type === 'class_heritage');
  const extendsClause = heritage && namedChildren(heritage).find((c) => c.type === 'extends_clause');
  const base = baseName(extendsClause?.childForFieldName('value'));
  const fields: FoundField[] = [];
  const body = node.childForFieldName('body');
  for (const member of body ? namedChildren(body) : []) {
    if (member.type === 'public_field_definition') {
      const field = classField(member);
      if (field) fields.push(field);
    } else if (member.type === 'method_definition' && member.childForFieldName('name')?.text === 'constructor') {
      fields.push(...constructorFields(member, fields));
    }
  }
  return { name: name.text, kind: 'class', bases: base ? [base] : [], fields, line: lineOf(name) };
}

/** Only what the class shows to others: not private, protected, static or `#private`. */
function isPublic(member: Node): boolean {
  const modifier = namedChildren(member).find((c) => c.type === 'accessibility_modifier');
  if (modifier && modifier.text !== 'public') return false;
  for (let i = 0; i < member.childCount; i++) if (member.child(i)?.type === 'static') return false;
  return true;
}

function classField(member: Node): FoundField | undefined {
  const nameNode = member.childForFieldName('name');
  const name = keyName(nameNode);
  if (!nameNode || name === undefined || !isPublic(member)) return undefined;
  return { name, aliases: [], type: annotation(member), line: lineOf(nameNode) };
}

/** `constructor(public title: string, readonly id: string)`, and `this.x = …` in the body (JavaScript classes). */
function constructorFields(ctor: Node, declared: FoundField[]): FoundField[] {
  const fields: FoundField[] = [];
  const params = ctor.childForFieldName('parameters');
  for (const param of params ? namedChildren(params) : []) {
    const pattern = param.childForFieldName('pattern');
    const property = namedChildren(param).some((c) => c.type === 'accessibility_modifier' || c.type === 'readonly');
    const readonly = param.children.some((c) => c?.type === 'readonly');
    if (pattern?.type === 'identifier' && (property || readonly) && isPublic(param))
      fields.push({ name: pattern.text, aliases: [], type: annotation(param), line: lineOf(pattern) });
  }
  const body = ctor.childForFieldName('body');
  for (const statement of body ? namedChildren(body) : []) {
    const assignment = statement.type === 'expression_statement' ? namedChildren(statement)[0] : undefined;
    const left = assignment?.type === 'assignment_expression' ? assignment.childForFieldName('left') : undefined;
    const property = left?.type === 'member_expression' ? left.childForFieldName('property') : undefined;
    if (left?.childForFieldName('object')?.type !== 'this' || !property || property.type !== 'property_identifier')
      continue;
    if (![...declared, ...fields].some((f) => f.name === property.text))
      fields.push({ name: property.text, aliases: [], type: undefined, line: lineOf(property) });
  }
  return fields;
}
