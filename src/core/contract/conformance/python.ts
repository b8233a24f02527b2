/**
 * The facts of one Python file: its classes (models), FastAPI / Flask routing, imports, and the web
 * frameworks it uses, read from the tree-sitter tree.
 */
import type { Node } from 'web-tree-sitter';
import { extractModels } from './pythonModels';
import { pythonNodes } from './pythonNodes';
import { addFramework, extractRoutes } from './pythonRoutes';
import { emptyFacts, type FileFacts, type ImportBinding } from './types';

/**
 * Frameworks named by the module an import reads from. The ones Turbo does not read are named too, so
 * the check can say `unknown` rather than `missing` for a project built on them. aiohttp and starlette
 * count only for their server parts: an aiohttp client or a Starlette response in a FastAPI app is no
 * sign of another framework.
 */
const FRAMEWORK_MODULES: [prefix: string, framework: string][] = [
  ['fastapi', 'fastapi'],
  ['flask', 'flask'],
  ['flask_restful', 'flask'],
  ['flask_restx', 'flask'],
  ['flask_smorest', 'flask'],
  ['django', 'django'],
  ['litestar', 'litestar'],
  ['sanic', 'sanic'],
  ['tornado', 'tornado'],
  ['quart', 'quart'],
  ['falcon', 'falcon'],
  ['bottle', 'bottle'],
  ['pyramid', 'pyramid'],
  ['aiohttp.web', 'aiohttp'],
  ['starlette.applications', 'starlette'],
  ['starlette.routing', 'starlette'],
];

export function extractPython(root: Node, file: string): FileFacts {
  const facts = emptyFacts(file, 'python');
  const nodes = pythonNodes(root);
  facts.imports = extractImports(nodes.imports);
  facts.models = extractModels(nodes.classes);
  extractRoutes(root, nodes, facts);
  importedFrameworks(facts);
  return facts;
}

/** Imports anywhere in the file: an app factory often imports its blueprints inside the function. */
export function extractImports(statements: Node[]): ImportBinding[] {
  const imports: ImportBinding[] = [];
  for (const node of statements) {
    if (node.type === 'import_statement') {
      for (const name of node.childrenForFieldName('name')) {
        if (name?.type === 'dotted_name') imports.push({ local: name.text, module: name.text, name: '*' });
        else if (name?.type === 'aliased_import') {
          const module = name.childForFieldName('name')?.text;
          const alias = name.childForFieldName('alias')?.text;
          if (module && alias) imports.push({ local: alias, module, name: '*' });
        }
      }
    } else if (node.type === 'import_from_statement') {
      imports.push(...fromImport(node));
    }
  }
  return imports;
}

/** `from m import a, b as c`; a star import binds no name Turbo can follow and is left out. */
function fromImport(node: Node): ImportBinding[] {
  const module = node.childForFieldName('module_name')?.text;
  if (!module) return [];
  const bindings: ImportBinding[] = [];
  for (const name of node.childrenForFieldName('name')) {
    if (name?.type === 'dotted_name') bindings.push({ local: name.text, module, name: name.text });
    else if (name?.type === 'aliased_import') {
      const imported = name.childForFieldName('name')?.text;
      const alias = name.childForFieldName('alias')?.text;
      if (imported && alias) bindings.push({ local: alias, module, name: imported });
    }
  }
  return bindings;
}

function importedFrameworks(facts: FileFacts): void {
  const modules = facts.imports.map((i) => (i.name === '*' ? i.module : `${i.module}.${i.name}`));
  for (const module of modules) {
    for (const [prefix, framework] of FRAMEWORK_MODULES) {
      if (module === prefix || module.startsWith(`${prefix}.`)) addFramework(facts, framework);
    }
  }
  // Starlette under FastAPI is FastAPI.
  if (facts.frameworks.includes('fastapi')) facts.frameworks = facts.frameworks.filter((f) => f !== 'starlette');
}
