/**
 * The TypeScript/JavaScript extractor (.ts, .tsx, .js, .jsx, .mjs, .cjs): models (interfaces, object
 * types, classes, zod schemas), Express apps and routers with what is registered and mounted on them,
 * imports (ES and CommonJS) and the default export. Other Node frameworks are only named, so the check
 * can say it does not read them.
 */
import type { Node } from 'web-tree-sitter';
import { namedChildren, stringValue } from './nodes';
import { emptyFacts, type FileFacts, type ImportBinding } from './types';
import { MODEL_NODES, readModels } from './typescriptModels';
import { nodesOf as walk, readCall, requiredBy } from './typescriptNames';
import { readRoutes, ROUTE_NODES } from './typescriptRoutes';

/** Packages that name a framework; only Express is read, the others make the check answer `unknown`. */
const FRAMEWORKS: Record<string, string> = {
  express: 'express',
  fastify: 'fastify',
  koa: 'koa',
  '@koa/router': 'koa',
  'koa-router': 'koa',
  '@nestjs/common': 'nestjs',
  '@nestjs/core': 'nestjs',
  hono: 'hono',
  '@hapi/hapi': 'hapi',
  hapi: 'hapi',
  next: 'next',
  restify: 'restify',
};

export function extractTypeScript(root: Node, file: string): FileFacts {
  const facts = emptyFacts(file, 'typescript');
  const nodesOf = walk(root, [...new Set(['import_statement', ...MODEL_NODES, ...ROUTE_NODES])]);
  const modules: string[] = [];
  for (const { node } of nodesOf('import_statement')) {
    const requireClause = namedChildren(node).find((c) => c.type === 'import_require_clause');
    const source = stringValue((requireClause ?? node).childForFieldName('source'));
    if (source === undefined) continue;
    const bindings = esImports(node, source);
    if (source !== 'express' || usesExpress(node, bindings)) modules.push(source);
    facts.imports.push(...bindings);
  }
  const calls = nodesOf('call_expression').map(({ node }) => readCall(node));
  for (const call of calls) {
    const module = requiredBy(call);
    if (module === undefined) continue;
    modules.push(module);
    facts.imports.push(...requireBindings(call.node, module));
  }
  facts.frameworks = [...new Set(modules.map(packageOf).flatMap((p) => (FRAMEWORKS[p] ? [FRAMEWORKS[p]] : [])))];
  facts.models = readModels(nodesOf(...MODEL_NODES), facts.imports);
  Object.assign(facts, readRoutes(nodesOf, calls, facts.imports));
  return facts;
}

/** What express exports besides types: a file that imports only types from it (NestJS does) does not run it. */
const EXPRESS_VALUES = new Set(['default', '*', 'Router', 'json', 'urlencoded', 'static', 'raw', 'text']);

function usesExpress(node: Node, bindings: ImportBinding[]): boolean {
  if (node.children.some((c) => c?.type === 'type')) return false;
  return bindings.some((b) => EXPRESS_VALUES.has(b.name));
}

/** `next/server` → `next`, `@nestjs/common/x` → `@nestjs/common`. */
function packageOf(module: string): string {
  const parts = module.split('/');
  return module.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function esImports(node: Node, module: string): ImportBinding[] {
  const bindings: ImportBinding[] = [];
  for (const clause of namedChildren(node)) {
    if (clause.type === 'import_require_clause') {
      // `import x = require('./r')`: module.exports, as with require.
      const local = namedChildren(clause).find((c) => c.type === 'identifier');
      if (local) bindings.push({ local: local.text, module, name: '*' });
    }
    if (clause.type !== 'import_clause') continue;
    for (const part of namedChildren(clause)) {
      if (part.type === 'identifier') bindings.push({ local: part.text, module, name: 'default' });
      if (part.type === 'namespace_import') {
        const local = namedChildren(part).find((c) => c.type === 'identifier');
        if (local) bindings.push({ local: local.text, module, name: '*' });
      }
      if (part.type !== 'named_imports') continue;
      for (const spec of namedChildren(part)) {
        const name = spec.childForFieldName('name');
        const local = spec.childForFieldName('alias') ?? name;
        if (spec.type === 'import_specifier' && name && local)
          bindings.push({ local: local.text, module, name: stringValue(name) ?? name.text });
      }
    }
  }
  return bindings;
}

/**
 * `const x = require('./r')`, `const { router, a: b } = require('./r')`, `const router = require('./r').router`.
 * A required module is bound as `*`, the module itself: `x` then names what `module.exports =` gave (the
 * default export) and `x.router` a property of `module.exports = { router }`.
 */
function requireBindings(call: Node, module: string): ImportBinding[] {
  let holder = call.parent;
  let name = '*';
  if (holder?.type === 'member_expression' && holder.childForFieldName('object')?.id === call.id) {
    name = holder.childForFieldName('property')?.text ?? name;
    holder = holder.parent;
  }
  if (holder?.type !== 'variable_declarator' && holder?.type !== 'assignment_expression') return [];
  const target = holder.childForFieldName(holder.type === 'variable_declarator' ? 'name' : 'left');
  if (target?.type === 'identifier') return [{ local: target.text, module, name }];
  if (target?.type !== 'object_pattern' || name !== '*') return [];
  return namedChildren(target).flatMap((entry): ImportBinding[] => {
    if (entry.type === 'shorthand_property_identifier_pattern')
      return [{ local: entry.text, module, name: entry.text }];
    const key = entry.childForFieldName('key');
    const value = entry.childForFieldName('value');
    if (entry.type === 'pair_pattern' && key && value?.type === 'identifier')
      return [{ local: value.text, module, name: stringValue(key) ?? key.text }];
    return [];
  });
}
