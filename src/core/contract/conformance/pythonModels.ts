/**
 * Python classes as models: Pydantic, dataclasses, TypedDict, SQLAlchemy / SQLModel / Flask-SQLAlchemy,
 * plain classes. A field is what the class body declares (annotated or a column); SQLAlchemy columns
 * carry their type in the column, so `Column(String)` reads as `str`.
 */
import type { Node } from 'web-tree-sitter';
import { lineOf, namedChildren, stringValue } from './nodes';
import { assignmentOf, callArgs, dottedName, parameterNames, simpleName } from './pythonNodes';
import type { FoundField, FoundModel } from './types';

const COLUMN_TYPES = new Map<string, string>(
  Object.entries({
    String: 'str',
    Text: 'str',
    Unicode: 'str',
    UnicodeText: 'str',
    VARCHAR: 'str',
    CHAR: 'str',
    Integer: 'int',
    BigInteger: 'int',
    SmallInteger: 'int',
    INTEGER: 'int',
    Float: 'float',
    Numeric: 'float',
    Boolean: 'bool',
    DateTime: 'datetime',
    TIMESTAMP: 'datetime',
    Date: 'date',
    Time: 'time',
    Interval: 'timedelta',
    JSON: 'dict',
    JSONB: 'dict',
    LargeBinary: 'bytes',
    Uuid: 'UUID',
    UUID: 'UUID',
  }),
);

/** Calls whose result is a mapped attribute: a field even without an annotation. */
const COLUMN_CALLS = new Set(['Column', 'mapped_column']);
const ATTRIBUTE_CALLS = new Set(['relationship', 'column_property', 'synonym', 'association_proxy']);
const ALIAS_KEYWORDS = ['alias', 'validation_alias', 'serialization_alias'];

const KIND_BY_BASE = new Map<string, string>(
  Object.entries({
    BaseModel: 'pydantic model',
    RootModel: 'pydantic model',
    BaseSettings: 'pydantic settings',
    TypedDict: 'TypedDict',
    NamedTuple: 'NamedTuple',
    Model: 'SQLAlchemy model',
    DeclarativeBase: 'SQLAlchemy model',
    Enum: 'enum',
    StrEnum: 'enum',
    IntEnum: 'enum',
  }),
);

/** Every class of the file that is not nested in another class. */
export function extractModels(classes: Node[]): FoundModel[] {
  const models: FoundModel[] = [];
  const kinds = new Map<string, string>();
  const tables = new Set<string>();
  for (const node of classes) {
    if (nestedInClass(node)) continue;
    const { model, columns, table } = readClass(node);
    models.push(model);
    if (model.kind === 'class' && columns) model.kind = 'SQLAlchemy model';
    kinds.set(model.name, model.kind);
    if (table) tables.add(model.name);
  }
  inheritKinds(models, kinds, tables);
  return models;
}

function nestedInClass(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'class_definition') return true;
  return false;
}

function readClass(node: Node): { model: FoundModel; columns: boolean; table: boolean } {
  const name = node.childForFieldName('name')?.text ?? '';
  const superclasses = node.childForFieldName('superclasses');
  const args = superclasses ? namedChildren(superclasses) : [];
  const bases = args
    .filter((a) => a.type !== 'keyword_argument')
    .map(simpleName)
    .filter((b): b is string => !!b);
  const table = args.some((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'table');
  const { fields, columns } = classFields(node);
  const model = { name, kind: classKind(node, bases, table), bases, fields, line: lineOf(node) };
  return { model, columns, table };
}

function classKind(node: Node, bases: string[], table: boolean): string {
  const decorated = node.parent?.type === 'decorated_definition' ? node.parent : undefined;
  const decorators = decorated ? namedChildren(decorated).filter((d) => d.type === 'decorator') : [];
  if (decorators.some((d) => simpleName(d.firstNamedChild) === 'dataclass')) return 'dataclass';
  if (bases.includes('SQLModel')) return table ? 'SQLModel table' : 'SQLModel model';
  for (const base of bases) {
    const kind = KIND_BY_BASE.get(base);
    if (kind) return kind;
  }
  return 'class';
}

/**
 * A class built on another class of the same file is the same kind of model (`class Task(TaskBase)`);
 * `table=True` on a class built on an SQLModel model makes it a table.
 */
function inheritKinds(models: FoundModel[], kinds: Map<string, string>, tables: ReadonlySet<string>): void {
  for (let round = 0; round < models.length; round++) {
    let changed = false;
    for (const model of models) {
      if (model.kind !== 'class') continue;
      let inherited = model.bases.map((b) => kinds.get(b)).find((k) => k && k !== 'class');
      if (inherited === 'SQLModel model' && tables.has(model.name)) inherited = 'SQLModel table';
      if (inherited) {
        model.kind = inherited;
        kinds.set(model.name, inherited);
        changed = true;
      }
    }
    if (!changed) return;
  }
}

function classFields(node: Node): { fields: FoundField[]; columns: boolean } {
  const body = node.childForFieldName('body');
  const fields: FoundField[] = [];
  let columns = false;
  for (const statement of body ? namedChildren(body) : []) {
    const assignment = assignmentOf(statement);
    if (assignment) {
      const field = bodyField(assignment);
      if (field) fields.push(field.field);
      columns ||= field?.column ?? false;
    } else if (statement.type === 'function_definition' && statement.childForFieldName('name')?.text === '__init__') {
      for (const field of initFields(statement)) if (!fields.some((f) => f.name === field.name)) fields.push(field);
    }
  }
  return { fields, columns };
}

function publicName(name: string | undefined): name is string {
  return !!name && !name.startsWith('_') && name !== 'model_config';
}

function bodyField(assignment: Node): { field: FoundField; column: boolean } | undefined {
  const left = assignment.childForFieldName('left');
  const name = left?.type === 'identifier' ? left.text : undefined;
  if (!publicName(name)) return undefined;
  const typeNode = assignment.childForFieldName('type');
  const right = assignment.childForFieldName('right');
  const line = lineOf(assignment);
  if (typeNode) {
    if (simpleName(typeNode) === 'ClassVar') return undefined;
    const aliases = [...aliasesIn(right), ...aliasesIn(typeNode)];
    return { field: { name, aliases, type: typeNode.text, line }, column: simpleName(typeNode) === 'Mapped' };
  }
  const callee = right?.type === 'call' ? simpleName(right) : undefined;
  if (callee && COLUMN_CALLS.has(callee)) {
    const type = columnType(right as Node);
    return { field: { name, aliases: [], type, line }, column: true };
  }
  const mapped = !!callee && ATTRIBUTE_CALLS.has(callee);
  return { field: { name, aliases: [], type: undefined, line }, column: mapped };
}

/** Aliases from `Field(alias=…)`, as a default or inside `Annotated[str, Field(alias=…)]`. */
function aliasesIn(node: Node | null): string[] {
  // Most annotations and defaults call no Field: the text test only spares the walk.
  if (!node?.text.includes('Field')) return [];
  const aliases: string[] = [];
  // descendantsOfType includes the node itself.
  for (const n of node.descendantsOfType('call')) {
    if (simpleName(n) !== 'Field') continue;
    const { keywords } = callArgs(n);
    for (const key of ALIAS_KEYWORDS) {
      const value = stringValue(keywords.get(key));
      if (value && !aliases.includes(value)) aliases.push(value);
    }
  }
  return aliases;
}

/** The Python type of `Column(String(80))`, `db.Column(db.Integer, primary_key=True)`, `Column("n", Text)`. */
function columnType(call: Node): string | undefined {
  const { positional, keywords } = callArgs(call);
  for (const arg of [...positional, keywords.get('type_')]) {
    const type = sqlType(arg);
    if (type) return type;
  }
  return undefined;
}

function sqlType(node: Node | undefined): string | undefined {
  const name = simpleName(node);
  if (!node || !name) return undefined;
  const known = COLUMN_TYPES.get(name);
  if (known) return known;
  if (node.type !== 'call') return undefined;
  const first = callArgs(node).positional[0];
  if (name === 'ARRAY') {
    const item = sqlType(first);
    return item ? `list[${item}]` : 'list';
  }
  // Enum(Status) stores members of the Python enum; Enum("a", "b") stores strings.
  if (name === 'Enum') return first?.type === 'string' ? 'str' : (dottedName(first) ?? undefined);
  return undefined;
}

/** `self.x = x` and `self.x: T = …` at the top of `__init__`: the fields of a plain class. */
function initFields(init: Node): FoundField[] {
  const params = parameterNames(init);
  const self = params[0];
  const paramTypes = new Map<string, string>();
  for (const p of namedChildren(init.childForFieldName('parameters') as Node)) {
    const type = p.childForFieldName('type')?.text;
    const name = p.type === 'typed_parameter' ? p.firstNamedChild?.text : p.childForFieldName('name')?.text;
    if (type && name) paramTypes.set(name, type);
  }
  const fields: FoundField[] = [];
  const body = init.childForFieldName('body');
  for (const statement of body ? namedChildren(body) : []) {
    const assignment = assignmentOf(statement);
    const left = assignment?.childForFieldName('left');
    if (!assignment || left?.type !== 'attribute' || left.childForFieldName('object')?.text !== self) continue;
    const name = left.childForFieldName('attribute')?.text;
    if (!publicName(name) || fields.some((f) => f.name === name)) continue;
    const right = assignment.childForFieldName('right');
    const type =
      assignment.childForFieldName('type')?.text ??
      (right?.type === 'identifier' ? paramTypes.get(right.text) : undefined);
    fields.push({ name, aliases: [], type, line: lineOf(assignment) });
  }
  return fields;
}
