import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkConformance } from '../../src/core/contract/conformance/check';
import { loadGrammars, type GrammarName } from '../../src/core/contract/conformance/grammars';
import { extractTypeScript } from '../../src/core/contract/conformance/typescript';
import type { ConformanceReport, FileFacts } from '../../src/core/contract/conformance/types';

async function facts(source: string, grammar: GrammarName = 'typescript'): Promise<FileFacts> {
  const tree = (await loadGrammars()).parser(grammar).parse(source);
  assert.ok(tree);
  try {
    return extractTypeScript(tree.rootNode, 'src/x.ts');
  } finally {
    tree.delete();
  }
}

/** `Task: Base | title:string@2 tags:string[]@3` — a model in one line, to compare many at once. */
const model = (m: FileFacts['models'][number]) =>
  `${m.name}@${m.line} ${m.kind}${m.bases.length ? ` <${m.bases.join(',')}>` : ''}: ` +
  m.fields.map((f) => `${f.name}:${f.type ?? '?'}@${f.line}`).join(' ');

const routes = (f: FileFacts) => f.registrations.map((r) => `${r.router} ${r.method} ${r.path ?? '?'} @${r.line}`);
const mounts = (f: FileFacts) =>
  f.mounts.map(
    (m) =>
      `${m.parent} ${m.prefix === undefined ? '?' : `'${m.prefix}'`} ${m.child.module ? `${m.child.module}#` : ''}${m.child.name}`,
  );
const routers = (f: FileFacts) => f.routers.map((r) => `${r.name}:${r.kind}@${r.line}`);

describe('conformance: the TypeScript/JavaScript extractor', () => {
  describe('models', () => {
    it('reads interfaces: extends as bases, quoted and readonly names, no methods or index signatures', async () => {
      const f = await facts(
        [
          'export interface Task extends Base, Omit<Other, "id">, ns.Stamped {',
          '  title: string;',
          "  'created-at'?: Date | string;",
          '  readonly tags: Array<string>;',
          '  rename(to: string): void;',
          '  [key: string]: unknown;',
          '}',
          'interface Empty {}',
        ].join('\n'),
      );
      assert.deepEqual(f.models.map(model), [
        'Task@1 interface <Base,Other,Stamped>: title:string@2 created-at:Date | string@3 tags:Array<string>@4',
        'Empty@8 interface: ',
      ]);
      assert.equal(f.language, 'typescript');
      assert.equal(f.file, 'src/x.ts');
    });

    it('reads object type aliases and intersections; unions and primitives are not models', async () => {
      const f = await facts(
        [
          'type Base = { id: string };',
          'export type Task = Base & Stamped & {',
          '  done: boolean;',
          '  priority: {',
          '    level: number',
          '  };',
          '};',
          "type Status = 'todo' | 'done';",
          'type Id = string;',
          'type Handler = (x: number) => void;',
          'type Alias = Task;',
        ].join('\n'),
      );
      assert.deepEqual(f.models.map(model), [
        'Base@1 type alias: id:string@1',
        'Task@2 type alias <Base,Stamped>: done:boolean@3 priority:{ level: number }@4',
        'Alias@11 type alias <Task>: ',
      ]);
    });

    it('reads utility types: Omit/Partial take the fields of their model, Pick only the picked names, z.infer the schema', async () => {
      const f = await facts(
        [
          "type TaskCreate = Omit<Task, 'id' | 'createdAt'>;",
          'type TaskPatch = Partial<TaskCreate>;',
          "type Title = Pick<Task, 'title' | 'done'>;",
          'type Inferred = z.infer<typeof TaskSchema>;',
          "type TaskUpdate = Partial<Pick<Task, 'title'>> & Readonly<{ note: string }>;",
          "interface Titled extends Pick<Task, 'title'> {}",
        ].join('\n'),
      );
      assert.deepEqual(f.models.map(model), [
        'TaskCreate@1 type alias <Task>: ',
        'TaskPatch@2 type alias <TaskCreate>: ',
        'Title@3 type alias: title:?@3 done:?@3',
        'Inferred@4 type alias <TaskSchema>: ',
        'TaskUpdate@5 type alias: title:?@5 note:string@5',
        'Titled@6 interface <Task>: ',
      ]);
      const self = await facts(
        ['type Task = z.infer<typeof Task>;', 'const Task = z.object({ title: z.string() });'].join('\n'),
      );
      assert.deepEqual(self.models.map(model), ['Task@2 zod schema: title:string@2']);
    });

    it('reads classes: public fields and parameter properties, not private, protected, static or #private', async () => {
      const f = await facts(
        [
          'export class Task extends Entity {',
          '  @Column() title: string;',
          '  public done = false;',
          '  private secret: string;',
          '  protected internal: number;',
          '  static count = 0;',
          '  #hidden = 1;',
          '  constructor(public id: string, readonly createdAt: Date, private store: Store, plain: number) {',
          '    super();',
          '  }',
          '  toggle(): void {}',
          '}',
        ].join('\n'),
      );
      assert.deepEqual(f.models.map(model), [
        'Task@1 class <Entity>: title:string@2 done:?@3 id:string@8 createdAt:Date@8',
      ]);
    });

    it('reads JavaScript classes from what the constructor assigns to this', async () => {
      const f = await facts(
        [
          'class Task {',
          '  done = false;',
          '  constructor(title, tags) {',
          '    this.title = title;',
          '    this.tags = tags || [];',
          '    this.done = true;',
          '    helper(this);',
          '  }',
          '}',
        ].join('\n'),
      );
      assert.deepEqual(f.models.map(model), ['Task@1 class: done:?@2 title:?@4 tags:?@5']);
    });

    it('reads zod schemas with field types spelled as TypeScript would', async () => {
      const f = await facts(
        [
          "import { z } from 'zod';",
          'export const TaskSchema = z.object({',
          '  title: z.string().min(1),',
          '  tags: z.array(z.string()),',
          '  done: z.boolean().optional(),',
          '  note: z.string().nullable().default(null),',
          '  due: z.coerce.date(),',
          "  status: z.enum(['todo', 'done']),",
          "  kind: z.literal('task'),",
          '  score: z.union([z.number(), z.string()]),',
          '  ids: z.number().int().array(),',
          '  meta: z.record(z.string(), z.unknown()),',
          '  owner: UserSchema,',
          "  'created-at': z.string().datetime(),",
          '  odd: z.lazy(() => TaskSchema),',
          '});',
        ].join('\n'),
      );
      assert.deepEqual(f.models.map(model), [
        'TaskSchema@2 zod schema: title:string@3 tags:string[]@4 done:boolean@5 note:string@6 due:Date@7 ' +
          "status:'todo' | 'done'@8 kind:'task'@9 score:number | string@10 ids:number[]@11 " +
          'meta:Record<string, unknown>@12 owner:UserSchema@13 created-at:string@14 odd:?@15',
      ]);
    });

    it('reads schemas derived from others: extend, merge, a spread shape, chained modifiers', async () => {
      const f = await facts(
        [
          "import * as zod from 'zod';",
          "import { Stamped } from './stamped';",
          'const Base = zod.object({ id: zod.string() }).strict();',
          'const Task = Base.extend({ title: zod.string() });',
          'const Full = zod.object({ ...Task.shape, done: zod.boolean() }).merge(Stamps);',
          'const Patch = Task.partial();',
          'const notASchema = _.extend({ a: 1 });',
          'const alsoNot = zod.string();',
          'const Stamp = Stamped.extend({ at: zod.date() });',
        ].join('\n'),
      );
      assert.deepEqual(f.models.map(model), [
        'Base@3 zod schema: id:string@3',
        'Task@4 zod schema <Base>: title:string@4',
        'Full@5 zod schema <Stamps,Task>: done:boolean@5',
        'Patch@6 zod schema <Task>: ',
        'Stamp@9 zod schema <Stamped>: at:Date@9',
      ]);
    });

    it('takes `z` for zod when the file imports it under no other name, and no extend from an unknown object then', async () => {
      const f = await facts(
        ['const Task = z.object({ done: z.boolean() });', 'const Other = thing.extend({ a: z.string() });'].join('\n'),
      );
      assert.deepEqual(f.models.map(model), ['Task@1 zod schema: done:boolean@1']);
    });
  });

  describe('Express apps and routers', () => {
    it('finds apps and routers however express is imported', async () => {
      const esm = await facts(
        [
          "import express, { Router as makeRouter } from 'express';",
          'export const app = express();',
          'const router = express.Router();',
          'const api = makeRouter({ mergeParams: true });',
          'let later;',
          'later = express();',
          'const notExpress = fastify();',
        ].join('\n'),
      );
      assert.deepEqual(routers(esm), ['app:app@2', 'router:router@3', 'api:router@4', 'later:app@6']);
      const cjs = await facts(
        [
          "const express = require('express');",
          "const { Router } = require('express');",
          'const app = express();',
          'const r1 = Router();',
          "const r2 = require('express').Router();",
          "const app2 = require('express')();",
        ].join('\n'),
      );
      assert.deepEqual(routers(cjs), ['app:app@3', 'r1:router@4', 'r2:router@5', 'app2:app@6']);
      const ns = await facts(["import * as express from 'express';", 'const app = express();'].join('\n'));
      assert.deepEqual(routers(ns), ['app:app@2']);
    });

    it('finds an app kept on a class', async () => {
      const f = await facts(
        [
          "import express from 'express';",
          'class Server {',
          '  public app = express();',
          '  router: express.Router;',
          '  constructor() {',
          '    this.router = express.Router();',
          "    this.router.get('/tasks', list);",
          "    this.app.use('/api', this.router);",
          '  }',
          '}',
        ].join('\n'),
      );
      assert.deepEqual(routers(f), ['Server.app:app@3', 'Server.router:router@6']);
      assert.deepEqual(routes(f), ['Server.router GET /tasks @7']);
      assert.deepEqual(mounts(f), ["Server.app '/api' Server.router"]);
    });

    it('names a router kept on a class by the class, as new X().router and other files reach it', async () => {
      const f = await facts(
        [
          "import { Router } from 'express';",
          "import { UserRoutes } from './users';",
          'export class TaskRoutes {',
          '  public router: Router = Router();',
          '  constructor() {',
          '    this.init();',
          '  }',
          '  private init(): void {',
          "    this.router.get('/', list);",
          '  }',
          '}',
          'export class Registrar {',
          '  static register(app: Express) {',
          "    app.use('/users', new UserRoutes().router);",
          '  }',
          '}',
          'Registrar.register(app);',
          'export default new TaskRoutes().router;',
        ].join('\n'),
      );
      assert.deepEqual(routers(f), ['TaskRoutes.router:router@4', 'Registrar.register(0):param@13']);
      assert.deepEqual(routes(f), ['TaskRoutes.router GET / @9']);
      assert.deepEqual(mounts(f), ["Registrar.register(0) '/users' UserRoutes.router"]);
      assert.equal(f.defaultExport, 'TaskRoutes.router');
    });

    it('reads every method, all as *, route() chains, arrays of paths and path constants', async () => {
      const f = await facts(
        [
          "import express from 'express';",
          'const app = express();',
          "const TASK = '/tasks/:id';",
          "app.get('/tasks', list);",
          "app.post('/tasks', validate, create);",
          'app.put(TASK, replace);',
          'app.patch(`/tasks/:id`, patch);',
          "app.delete('/tasks/:id', async (req, res) => { res.end(); });",
          "app.head('/h', h); app.options('/o', o); app.all('/any', any);",
          "app.route('/items')",
          '  .get(listItems)',
          '  .post(createItem);',
          "app.get(['/a', '/b'], h);",
          "app.get('/x' + '/y', h);",
        ].join('\n'),
      );
      assert.deepEqual(routes(f), [
        'app GET /tasks @4',
        'app POST /tasks @5',
        'app PUT /tasks/:id @6',
        'app PATCH /tasks/:id @7',
        'app DELETE /tasks/:id @8',
        'app HEAD /h @9',
        'app OPTIONS /o @9',
        'app * /any @9',
        'app GET /items @11',
        'app POST /items @12',
        'app GET /a @13',
        'app GET /b @13',
        'app GET /x/y @14',
      ]);
    });

    it('gives no path for a regex, a template with substitutions or an unknown name', async () => {
      const f = await facts(
        [
          "import express from 'express';",
          'const app = express();',
          'app.get(/^\\/tasks$/, h);',
          'app.get(`${base}/tasks`, h);',
          'app.get(config.path, h);',
          'let mutable = "/m";',
          'app.get(mutable, h);',
        ].join('\n'),
      );
      assert.deepEqual(routes(f), ['app GET ? @3', 'app GET ? @4', 'app GET ? @5', 'app GET ? @7']);
    });

    it('does not take settings reads, HTTP clients or maps for routes', async () => {
      const f = await facts(
        [
          "import express from 'express';",
          "import axios from 'axios';",
          'const app = express();',
          "const env = app.get('env');",
          "axios.get('/tasks', { params });",
          'const cache = new Map();',
          "cache.delete('/tasks', 1);",
          "res.get('Content-Type');",
        ].join('\n'),
      );
      assert.deepEqual(routes(f), []);
      assert.deepEqual(
        f.routers.map((r) => r.name),
        ['app'],
      );
    });

    it('reads mounts: with and without a prefix, sub-routers, require(), module members; middleware calls are not mounts', async () => {
      const f = await facts(
        [
          "import express from 'express';",
          "import tasks from './routes/tasks';",
          "import * as users from './routes/users';",
          'const app = express();',
          'const router = express.Router();',
          'const sub = express.Router();',
          "const API = '/api';",
          'app.use(express.json());',
          'app.use(cors());',
          'app.use(API, router);',
          'app.use(tasks);',
          "router.use('/sub', sub);",
          "app.use('/v1', require('./routes/legacy'));",
          "app.use('/v2', require('./routes/v2').router);",
          "app.use('/pkg', require('some-package'));",
          "app.use('/users', users.router);",
          "app.use(['/a', '/b'], auth, [sub, tasks]);",
          'app.use(prefixFrom(env), router);',
        ].join('\n'),
      );
      assert.deepEqual(mounts(f), [
        "app '/api' router",
        "app '' tasks",
        "router '/sub' sub",
        "app '/v1' ./routes/legacy#default",
        "app '/v2' ./routes/v2#router",
        "app '/users' users.router",
        "app '/a' auth",
        "app '/a' sub",
        "app '/a' tasks",
        "app '/b' auth",
        "app '/b' sub",
        "app '/b' tasks",
        "app '' router",
      ]);
      assert.equal(f.mounts[0].line, 10);
      assert.equal(f.mounts[0].child.line, 10);
    });

    it('gives an unreadable mount prefix as undefined', async () => {
      const f = await facts(
        ["import express from 'express';", 'const app = express();', 'app.use(`/${version}`, router);'].join('\n'),
      );
      assert.deepEqual(mounts(f), ['app ? router']);
    });

    it('registers on routers imported from the project with a route path, not on names from packages', async () => {
      const f = await facts(
        [
          "import app from './app';",
          "import { api } from 'some-client';",
          "import { cache } from './cache';",
          "app.get('/health', h);",
          "api.post('/tasks', body);",
          "cache.delete('key', true);",
        ].join('\n'),
      );
      assert.deepEqual(routes(f), ['app GET /health @4']);
      assert.deepEqual(f.routers, []);
    });
  });

  describe('functions that register on a parameter', () => {
    it('names the parameter router after its function and mounts it where the function is called', async () => {
      const f = await facts(
        [
          "import express, { Express } from 'express';",
          "import * as more from './more';",
          "import { registerUsers } from './users';",
          'export function registerRoutes(app: Express, store: Store) {',
          "  app.get('/tasks', (req, res) => res.json(store.all()));",
          "  app.route('/tasks/:id').delete(remove);",
          '}',
          'const app = express();',
          'registerRoutes(app, store);',
          'more.registerMore(app);',
          'registerUsers(app);',
          'console.log(app);',
          'app.listen(3000);',
        ].join('\n'),
      );
      assert.deepEqual(routers(f), ['app:app@8', 'registerRoutes(0):param@4']);
      assert.deepEqual(routes(f), ['registerRoutes(0) GET /tasks @5', 'registerRoutes(0) DELETE /tasks/:id @6']);
      assert.deepEqual(mounts(f), [
        "app '' registerRoutes(0)",
        "app '' more.registerMore(0)",
        "app '' registerUsers(0)",
      ]);
    });

    it('names a default-exported anonymous function default, and exports that name', async () => {
      const f = await facts(['export default (router) => {', "  router.post('/reset', reset);", '};'].join('\n'));
      assert.deepEqual(routers(f), ['default(0):param@1']);
      assert.deepEqual(routes(f), ['default(0) POST /reset @2']);
      assert.equal(f.defaultExport, 'default(0)');
    });

    it('reads CommonJS: module.exports = function (app), exports.name = (app) =>, a typed parameter with no route path', async () => {
      const cjs = await facts(['module.exports = function (app) {', "  app.get('/tasks', list);", '};'].join('\n'));
      assert.deepEqual(routes(cjs), ['default(0) GET /tasks @2']);
      assert.equal(cjs.defaultExport, 'default(0)');
      const own = await facts(
        ['module.exports = function registerRoutes(app) {', "  app.get('/tasks', list);", '};'].join('\n'),
      );
      assert.deepEqual(routers(own), ['registerRoutes(0):param@1']);
      assert.equal(own.defaultExport, 'registerRoutes(0)');
      const named = await facts(
        [
          'exports.mount = (deps, app) => {',
          "  app.post('/tasks', create);",
          '};',
          'export const wire = (router: Router) => {',
          '  router.get(PATH, h);',
          '};',
        ].join('\n'),
      );
      assert.deepEqual(routers(named), ['mount(1):param@1', 'wire(0):param@4']);
      assert.deepEqual(routes(named), ['mount(1) POST /tasks @2', 'wire(0) GET ? @5']);
    });

    it('does not take an untyped parameter for a router without a route path, nor a callback or anonymous class parameter', async () => {
      const f = await facts(
        [
          'function lookup(map, key) {',
          '  return map.get(key, fallback);',
          '}',
          "items.forEach((app) => app.get('/cb', h));",
          "const anonymous = class { register(app: Express) { app.get('/anon', h); } };",
        ].join('\n'),
      );
      assert.deepEqual(f.routers, []);
      assert.deepEqual(routes(f), []);
    });

    it('makes a parameter handed on to a registering function a router too', async () => {
      const f = await facts(
        [
          "import { taskRoutes } from './tasks';",
          "import { validate } from './validate';",
          'export function routes(app) {',
          '  taskRoutes(app);',
          '}',
          'export default routes;',
          'export function addTask(req, res) {',
          '  validate(req);',
          '}',
        ].join('\n'),
      );
      assert.deepEqual(routers(f), ['routes(0):param@3']);
      assert.deepEqual(mounts(f), ["routes(0) '' taskRoutes(0)"]);
      assert.equal(f.defaultExport, 'routes(0)');
    });
  });

  describe('functions that make and return a router', () => {
    it('names the router after the function, and mounts a call of it', async () => {
      const f = await facts(
        [
          "import { Router } from 'express';",
          "import express from 'express';",
          "import * as users from './users';",
          "import { itemsRouter } from './items';",
          'export function tasksRouter(store: Store): Router {',
          '  const router = Router();',
          "  router.get('/', (req, res) => res.json(store.all()));",
          "  router.route('/:id').get(one);",
          '  return router;',
          '}',
          'const notesRouter = () => {',
          '  const router = express.Router();',
          "  router.post('/', create);",
          '  return router;',
          '};',
          'const app = express();',
          "app.use('/tasks', tasksRouter(store));",
          "app.use('/notes', notesRouter());",
          "app.use('/users', users.router());",
          "app.use('/items', itemsRouter(db));",
          'app.use(cors());',
          'app.use(localMiddleware());',
          'export default tasksRouter;',
        ].join('\n'),
      );
      assert.deepEqual(routers(f), ['tasksRouter():router@6', 'notesRouter():router@12', 'app:app@16']);
      assert.deepEqual(routes(f), ['tasksRouter() GET / @7', 'tasksRouter() GET /:id @8', 'notesRouter() POST / @13']);
      assert.deepEqual(mounts(f), [
        "app '/tasks' tasksRouter()",
        "app '/notes' notesRouter()",
        "app '/users' users.router()",
        "app '/items' itemsRouter()",
      ]);
      assert.equal(f.defaultExport, 'tasksRouter()');
    });

    it('keeps a router that is not returned under its own name', async () => {
      const f = await facts(
        [
          "import { Router } from 'express';",
          'function setup() {',
          '  const router = Router();',
          "  router.get('/x', h);",
          '  app.use(router);',
          '}',
        ].join('\n'),
      );
      assert.deepEqual(routers(f), ['router:router@3']);
    });
  });

  describe('imports, default export and frameworks', () => {
    it('reads ES imports and CommonJS requires', async () => {
      const f = await facts(
        [
          "import tasks from './routes/tasks';",
          "import { a as b, c } from './r';",
          "import * as ns from './ns';",
          "import type { Task } from './models';",
          "import legacy = require('./legacy');",
          "import './side-effect';",
          "const x = require('./x');",
          "const { router, other: renamed } = require('./y');",
          "const member = require('./z').router;",
          "const express = require('express');",
          "require('./only-run');",
        ].join('\n'),
      );
      assert.deepEqual(
        f.imports.map((i) => `${i.local}=${i.module}#${i.name}`),
        [
          'tasks=./routes/tasks#default',
          'b=./r#a',
          'c=./r#c',
          'ns=./ns#*',
          'Task=./models#Task',
          'legacy=./legacy#*',
          'x=./x#*',
          'router=./y#router',
          'renamed=./y#other',
          'member=./z#router',
          'express=express#*',
        ],
      );
    });

    it('reads the default export in its forms', async () => {
      const cases: [string, string | undefined][] = [
        ["import { Router } from 'express';\nconst router = Router();\nexport default router;", 'router'],
        ["const express = require('express');\nconst router = express.Router();\nmodule.exports = router;", 'router'],
        ['const app = 1;\nexport { app as default };', 'app'],
        ["export default function registerRoutes(app) {\n  app.get('/x', h);\n}", 'registerRoutes(0)'],
        ['export default function helper() {}', 'helper'],
        ['export const router = 1;\nexport function f() {}', undefined],
        ['module.exports = { router };', undefined],
        ["import express = require('express');\nconst router = express.Router();\nexport = router;", 'router'],
      ];
      for (const [source, expected] of cases) assert.equal((await facts(source)).defaultExport, expected, source);
    });

    it('names express, and the frameworks it does not read so the check can say unknown', async () => {
      const cases: [string, string[]][] = [
        ["import express from 'express';", ['express']],
        ["const express = require('express');", ['express']],
        ["const app = require('express')();", ['express']],
        ["import { json, Request } from 'express';", ['express']],
        // Types only, as NestJS controllers import them: express is not what serves the routes.
        ["import { Request, Response } from 'express';\nimport { Controller } from '@nestjs/common';", ['nestjs']],
        ["import type express from 'express';", []],
        ["import Fastify from 'fastify';", ['fastify']],
        ["import Koa from 'koa';\nimport Router from '@koa/router';", ['koa']],
        ["import { Controller, Get } from '@nestjs/common';", ['nestjs']],
        ["import { Hono } from 'hono';", ['hono']],
        ["const Hapi = require('@hapi/hapi');", ['hapi']],
        ["import { NextResponse } from 'next/server';", ['next']],
        ["import { z } from 'zod';\nimport './x';", []],
      ];
      for (const [source, expected] of cases) assert.deepEqual((await facts(source)).frameworks, expected, source);
    });
  });

  describe('odd code', () => {
    const SAMPLE = [
      "import express, { Router } from 'express';",
      "import tasks from './routes/tasks';",
      'export interface Task extends Base { title: string; tags: string[] }',
      'type T = A & { done: boolean };',
      'class C { constructor(public id: string) {} }',
      'const S = z.object({ a: z.array(z.string()).optional() });',
      'const app = express();',
      'const router = Router();',
      "router.route('/tasks/:id').get(h).put(h);",
      "app.use('/api', router, require('./r'));",
      "export default function register(app) { app.get('/x', h); }",
      'module.exports = router;',
    ].join('\n');

    it('never throws on a file cut anywhere, and still reads what comes before the cut', async () => {
      for (let cut = 0; cut <= SAMPLE.length; cut += 3) await facts(SAMPLE.slice(0, cut));
      const half = await facts(SAMPLE.slice(0, SAMPLE.indexOf('const app')) + 'const app = express(;\n');
      assert.deepEqual(
        half.models.map((m) => m.name),
        ['Task', 'T', 'C', 'S'],
      );
    });

    it('reads .tsx and .jsx with the TSX grammar', async () => {
      const f = await facts(
        [
          "import express from 'express';",
          'const app = express();',
          'app.get(\'/page\', (req, res) => res.send(render(<Page title="x" />)));',
          'interface Props { title: string }',
        ].join('\n'),
        'tsx',
      );
      assert.deepEqual(routes(f), ['app GET /page @3']);
      assert.deepEqual(f.models.map(model), ['Props@4 interface: title:string@4']);
    });
  });
});

describe('conformance: generated Express projects end to end', () => {
  const FIXTURE = path.resolve(__dirname, '../fixtures/conformance/express');
  const CONTRACT = readFileSync(path.join(FIXTURE, 'contract.md'), 'utf8');
  const ROUTES = [
    'POST /tasks',
    'GET /tasks',
    'GET /tasks/{id}',
    'PATCH /tasks/{id}',
    'DELETE /tasks/{id}',
    'POST /reset',
  ];
  const FIELDS = ['TaskCreate.title', 'TaskCreate.description', 'TaskCreate.tags'];
  const TASK_FIELDS = ['Task.id', 'Task.title', 'Task.description', 'Task.tags', 'Task.completed', 'Task.createdAt'];
  const CLAUSES = ['TaskCreate', ...FIELDS, 'Task', ...TASK_FIELDS, ...ROUTES];
  let dir: string;

  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of one of the fixture projects, to plant a deviation in. */
  function copy(project: 'project' | 'project-cjs'): void {
    dir = mkdtempSync(path.join(tmpdir(), 'turbo-conformance-express-'));
    cpSync(path.join(FIXTURE, project), dir, { recursive: true });
  }

  function edit(file: string, from: string, to: string): void {
    const full = path.join(dir, file);
    const text = readFileSync(full, 'utf8');
    assert.ok(text.includes(from), `${file} has ${from}`);
    writeFileSync(full, text.split(from).join(to));
  }

  /** Every clause's status: the ones named as given, every other one met. */
  function assertStatuses(report: ConformanceReport, unmet: Record<string, string>): void {
    const actual = Object.fromEntries(report.clauses.map((c) => [c.name, c.status]));
    const expected = Object.fromEntries(CLAUSES.map((name) => [name, unmet[name] ?? 'met']));
    assert.deepEqual(actual, expected);
    assert.equal(report.met, CLAUSES.length - Object.keys(unmet).length);
  }

  const clause = (report: ConformanceReport, name: string) => report.clauses.find((c) => c.name === name);

  for (const project of ['project', 'project-cjs'] as const)
    it(`meets every clause on the conformant ${project}`, async () => {
      copy(project);
      const report = await checkConformance(CONTRACT, dir);
      assertStatuses(report, {});
      assert.equal(report.total, 17);
      assert.deepEqual(report.frameworks, ['express']);
      assert.deepEqual(report.languages, ['typescript']);
    });

  it('says where each met clause is in the code, inherited fields included', async () => {
    copy('project');
    const report = await checkConformance(CONTRACT, dir);
    const where = (name: string) => `${clause(report, name)?.file}:${clause(report, name)?.line}`;
    assert.equal(where('Task'), 'src/models.ts:8');
    assert.equal(where('Task.title'), 'src/models.ts:3');
    assert.equal(where('GET /tasks/{id}'), 'src/routes/tasks.ts:8');
    assert.equal(where('POST /reset'), 'src/app.ts:13');
  });

  it('a missing field', async () => {
    copy('project');
    edit('src/models.ts', '  completed: boolean;\n', '');
    const report = await checkConformance(CONTRACT, dir);
    assertStatuses(report, { 'Task.completed': 'missing' });
  });

  it('a renamed field is missing', async () => {
    copy('project');
    edit('src/models.ts', 'createdAt: Date;', 'created: Date;');
    const report = await checkConformance(CONTRACT, dir);
    assertStatuses(report, { 'Task.createdAt': 'missing' });
  });

  it('a changed type is a mismatch, said where', async () => {
    copy('project');
    edit('src/models.ts', 'completed: boolean;', 'completed: string;');
    const report = await checkConformance(CONTRACT, dir);
    assertStatuses(report, { 'Task.completed': 'mismatch' });
    assert.equal(clause(report, 'Task.completed')?.detail, 'declared boolean, found string in src/models.ts:10');
  });

  it('a missing model, with its fields', async () => {
    copy('project');
    edit('src/models.ts', 'TaskCreate', 'NewTask');
    const report = await checkConformance(CONTRACT, dir);
    assertStatuses(report, Object.fromEntries(['TaskCreate', ...FIELDS].map((n) => [n, 'missing'])));
  });

  it('a missing route', async () => {
    copy('project');
    edit('src/routes/tasks.ts', "router.patch('/:id', updateTask);\n", '');
    const report = await checkConformance(CONTRACT, dir);
    assertStatuses(report, { 'PATCH /tasks/{id}': 'missing' });
  });

  it('a route under another method is missing', async () => {
    copy('project');
    edit('src/routes/tasks.ts', 'router.patch(', 'router.put(');
    const report = await checkConformance(CONTRACT, dir);
    assertStatuses(report, { 'PATCH /tasks/{id}': 'missing' });
    assert.match(
      clause(report, 'PATCH /tasks/{id}')?.detail ?? '',
      /^\/tasks\/\{id\} is registered for [A-Z, ]*PUT[A-Z, ]*, not PATCH/,
    );
  });

  it('the router mounted under another prefix misses every route on it', async () => {
    copy('project');
    edit('src/app.ts', "app.use('/tasks', tasksRouter);", "app.use('/api/tasks', tasksRouter);");
    const report = await checkConformance(CONTRACT, dir);
    assertStatuses(report, Object.fromEntries(ROUTES.slice(0, 5).map((r) => [r, 'missing'])));
  });

  it('a router made by a function in another file, mounted by calling it, meets its routes', async () => {
    copy('project');
    edit(
      'src/routes/tasks.ts',
      'const router = Router();',
      'export function tasksRouter(): Router {\n  const router = Router();',
    );
    edit('src/routes/tasks.ts', 'export default router;', '  return router;\n}');
    edit('src/app.ts', "import tasksRouter from './routes/tasks';", "import { tasksRouter } from './routes/tasks';");
    edit('src/app.ts', "app.use('/tasks', tasksRouter);", "app.use('/tasks', tasksRouter());");
    const report = await checkConformance(CONTRACT, dir);
    assertStatuses(report, {});
    assert.equal(clause(report, 'GET /tasks/{id}')?.line, 9);
  });

  it('a router kept on a class and exported as new TaskRoutes().router meets its routes', async () => {
    copy('project');
    edit(
      'src/routes/tasks.ts',
      'const router = Router();\n',
      'class TaskRoutes {\n  public router: Router = Router();\n  constructor() {\n',
    );
    for (const verb of ['post', 'get', 'patch', 'delete'])
      edit('src/routes/tasks.ts', `router.${verb}(`, `    this.router.${verb}(`);
    edit('src/routes/tasks.ts', 'export default router;', '  }\n}\n\nexport default new TaskRoutes().router;');
    const report = await checkConformance(CONTRACT, dir);
    assertStatuses(report, {});
  });

  it('a path parameter with another name still meets the route', async () => {
    copy('project');
    edit('src/routes/tasks.ts', "'/:id'", "'/:taskId'");
    const report = await checkConformance(CONTRACT, dir);
    assertStatuses(report, {});
  });

  it('CommonJS: a router exported as a property of module.exports and mounted as tasks.router', async () => {
    copy('project-cjs');
    edit('src/routes/tasks.js', 'module.exports = router;', 'module.exports = { router };');
    edit(
      'src/routes/index.js',
      "const { resetTasks } = require('../store');",
      "const { resetTasks } = require('../store');\nconst tasks = require('./tasks');",
    );
    edit('src/routes/index.js', "app.use('/tasks', require('./tasks'));", "app.use('/tasks', tasks.router);");
    const report = await checkConformance(CONTRACT, dir);
    assertStatuses(report, {});
  });

  it('CommonJS: a zod field of another type is a mismatch', async () => {
    copy('project-cjs');
    edit('src/models.js', 'completed: z.boolean()', 'completed: z.string()');
    const report = await checkConformance(CONTRACT, dir);
    assertStatuses(report, { 'Task.completed': 'mismatch' });
    assert.equal(clause(report, 'Task.completed')?.detail, 'declared boolean, found string in src/models.js:12');
  });

  it('CommonJS: routes registered in a function nothing calls are not met', async () => {
    copy('project-cjs');
    edit('src/server.js', 'registerRoutes(app);\n', '');
    const report = await checkConformance(CONTRACT, dir);
    // Turbo may have missed a call, so a route registered right on the parameter is unknown, not missing.
    assert.equal(clause(report, 'POST /reset')?.status, 'unknown');
    assert.match(clause(report, 'POST /reset')?.detail ?? '', /registerRoutes/);
    for (const route of ROUTES.slice(0, 5)) assert.notEqual(clause(report, route)?.status, 'met', route);
    assert.equal(report.met, 11);
  });

  it('answers unknown for the routes of a framework it does not read', async () => {
    copy('project');
    for (const gone of ['src/routes', 'src/controllers']) rmSync(path.join(dir, gone), { recursive: true });
    writeFileSync(
      path.join(dir, 'src/app.ts'),
      [
        "import Fastify from 'fastify';",
        "import { listTasks, resetTasks } from './store';",
        'const app = Fastify();',
        "app.get('/tasks', async () => listTasks());",
        "app.post('/reset', async () => { resetTasks(); return { status: 'ok' }; });",
        'export default app;',
      ].join('\n'),
    );
    const report = await checkConformance(CONTRACT, dir);
    assertStatuses(report, Object.fromEntries(ROUTES.map((r) => [r, 'unknown'])));
    assert.deepEqual(report.frameworks, ['fastify']);
    assert.match(clause(report, 'GET /tasks')?.detail ?? '', /fastify/);
  });
});
