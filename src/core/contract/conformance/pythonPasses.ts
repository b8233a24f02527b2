/**
 * `register(app)` / `routes.register(app)`: a router handed to a function that may register routes on
 * its parameter (the resolver follows `register(0)` to that function, in this file or another).
 */
import type { Node } from 'web-tree-sitter';
import { lineOf, namedChildren } from './nodes';
import { dottedName, simpleName, type FunctionScopes } from './pythonNodes';
import type { FileFacts } from './types';

interface RouterPass {
  parent: string;
  child: string;
  param: boolean;
  paramLine: number;
  line: number;
}

/**
 * Mounts for the calls that hand a router to a function. Classes (`CORS(app)`, `Mangum(app)`) and the
 * router's own methods (`app.include_router(router)`, named in `routerMethods`) are not such calls. A
 * parameter handed on (`def create(app): register(app)`) is a router itself when the function it is
 * handed to registers on its parameter in this file.
 */
export function passedRouters(
  calls: Node[],
  decoratorCalls: ReadonlySet<number>,
  facts: FileFacts,
  functions: FunctionScopes,
  routerMethods: ReadonlySet<string>,
): void {
  const routers = facts.routers;
  // Without a router of its own, a file hands none on (and most files are models or services).
  if (routers.length === 0) return;
  const known = (name: string): boolean => routers.some((r) => r.name === name);
  const declared = routers.filter((r) => r.kind !== 'param').map((r) => r.name);
  const passes: RouterPass[] = [];
  for (const call of calls) {
    if (decoratorCalls.has(call.id)) continue;
    const fn = call.childForFieldName('function');
    const last = simpleName(fn);
    if (!fn || !last || /^[A-Z]/.test(last) || routerMethods.has(last)) continue;
    if (fn.type === 'attribute' && known(dottedName(fn.childForFieldName('object')) ?? '')) continue;
    // Most calls hand no router on: only a call to a function of this file, or one whose arguments name a
    // router declared here, can. The text test only skips work; the tree decides below.
    const args = call.childForFieldName('arguments');
    if (!args || (!functions.names.has(last) && !declared.some((name) => args.text.includes(name)))) continue;
    passes.push(...routerPasses(call, fn, args, functions));
  }
  for (let added = true; added;) {
    added = false;
    for (const pass of passes) {
      if (pass.param && !known(pass.parent) && known(pass.child)) {
        routers.push({ name: pass.parent, kind: 'param', prefix: '', line: pass.paramLine });
        added = true;
      }
    }
  }
  for (const pass of passes) {
    if (!known(pass.parent)) continue;
    facts.mounts.push({
      parent: pass.parent,
      child: { name: pass.child, line: pass.line },
      prefix: '',
      line: pass.line,
    });
  }
}

function routerPasses(call: Node, fn: Node, args: Node, functions: FunctionScopes): RouterPass[] {
  const callee = dottedName(fn);
  if (!callee) return [];
  const scope = functions.at(call);
  const passes: RouterPass[] = [];
  const positional = namedChildren(args).filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment');
  positional.forEach((arg, index) => {
    if (arg.type !== 'identifier') return;
    const param = scope ? scope.params.indexOf(arg.text) : -1;
    const parent = scope && param >= 0 ? `${scope.name}(${param})` : arg.text;
    const paramLine = scope?.line ?? 0;
    passes.push({ parent, child: `${callee}(${index})`, param: param >= 0, paramLine, line: lineOf(call) });
  });
  return passes;
}
