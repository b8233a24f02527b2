import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkConformance } from '../../src/core/contract/conformance/check';
import { parseContract } from '../../src/core/contract/language';
import { judge } from '../../src/core/contract/conformance/judge';
import { resolveRoutes } from '../../src/core/contract/conformance/routes';
import { compareTypes, readType } from '../../src/core/contract/conformance/typeText';
import { pathShape } from '../../src/core/contract/conformance/paths';
import { emptyFacts, type CodeLanguage, type FileFacts } from '../../src/core/contract/conformance/types';

/** Facts as an extractor would give them; judged here without parsing any code. */
function facts(file: string, language: CodeLanguage, parts: Partial<FileFacts>): FileFacts {
  return { ...emptyFacts(file, language), ...parts };
}

function run(contract: string, all: FileFacts[], goModules: { module: string; dir: string }[] = []) {
  const clauses = judge(parseContract(contract), {
    facts: all,
    routes: resolveRoutes(all, goModules),
    frameworks: new Set(all.flatMap((f) => f.frameworks)),
    folderName: 'out',
    unread: [],
  });
  return Object.fromEntries(clauses.map((c) => [c.name, c]));
}

const CONTRACT = `# Tasks

## DATA CONTRACT

class Task(BaseModel):
    id: str
    title: str
    done: bool = False
    tags: list[str]

## API CONTRACT

GET /api/tasks/{id} -> Task
POST /api/tasks -> Task
`;

const task = {
  name: 'Task',
  kind: 'pydantic model',
  bases: ['TaskBase'],
  line: 10,
  fields: [
    { name: 'id', aliases: [], type: 'str', line: 11 },
    { name: 'done', aliases: [], type: 'Optional[bool]', line: 12 },
  ],
};
const taskBase = {
  name: 'TaskBase',
  kind: 'pydantic model',
  bases: ['BaseModel'],
  line: 3,
  fields: [
    { name: 'title', aliases: [], type: 'str', line: 4 },
    { name: 'tags', aliases: [], type: 'List[str]', line: 5 },
  ],
};

function fastapi(overrides: { main?: Partial<FileFacts>; tasks?: Partial<FileFacts> } = {}): FileFacts[] {
  return [
    facts('app/main.py', 'python', {
      routers: [{ name: 'app', kind: 'app', prefix: '', line: 3 }],
      mounts: [{ parent: 'app', child: { name: 'tasks.router', line: 5 }, prefix: '/api', line: 5 }],
      imports: [{ local: 'tasks', module: 'app.routers', name: 'tasks' }],
      frameworks: ['fastapi'],
      ...overrides.main,
    }),
    facts('app/routers/tasks.py', 'python', {
      routers: [{ name: 'router', kind: 'router', prefix: '/tasks', line: 4 }],
      registrations: [
        { router: 'router', method: 'GET', path: '/{task_id}', line: 7 },
        { router: 'router', method: 'POST', path: '', line: 12 },
      ],
      frameworks: ['fastapi'],
      ...overrides.tasks,
    }),
    facts('app/models.py', 'python', { models: [taskBase, task] }),
  ];
}

describe('conformance: judging the facts against the contract', () => {
  it('meets every clause of a conformant project, fields inherited and routes mounted through an imported submodule', () => {
    const c = run(CONTRACT, fastapi());
    for (const name of [
      'Task',
      'Task.id',
      'Task.title',
      'Task.done',
      'Task.tags',
      'GET /api/tasks/{id}',
      'POST /api/tasks',
    ])
      assert.equal(c[name]?.status, 'met', `${name}: ${c[name]?.detail}`);
    assert.deepEqual([c['Task.title'].file, c['Task.title'].line], ['app/models.py', 4]);
    assert.deepEqual([c['GET /api/tasks/{id}'].file, c['GET /api/tasks/{id}'].line], ['app/routers/tasks.py', 7]);
    assert.equal(c['Task'].contractLine, 5);
    assert.equal(c['Task.tags'].contractLine, 9);
  });

  it('says which type a field has when it clearly differs, and that a missing model takes its fields with it', () => {
    const changed = fastapi();
    changed[2].models[1] = { ...task, fields: [{ name: 'id', aliases: [], type: 'int', line: 11 }] };
    let c = run(CONTRACT, changed);
    assert.equal(c['Task.id'].status, 'mismatch');
    assert.equal(c['Task.id'].detail, 'declared str, found int in app/models.py:11');
    assert.equal(c['Task.done'].status, 'missing');
    changed[2].models = [taskBase];
    c = run(CONTRACT, changed);
    assert.equal(c['Task'].status, 'missing');
    assert.equal(c['Task.id'].detail, 'model Task not found');
  });

  it('answers unknown, not missing, when there is no code it reads', () => {
    const c = run(CONTRACT, []);
    assert.equal(c['Task'].status, 'unknown');
    assert.match(c['Task'].detail ?? '', /no Python, TypeScript, JavaScript or Go source files in out/);
    assert.equal(c['GET /api/tasks/{id}'].status, 'unknown');
  });

  it('tells a router nothing mounts from one mounted through something it could not follow', () => {
    let c = run(CONTRACT, fastapi({ main: { mounts: [] } }));
    assert.equal(c['GET /api/tasks/{id}'].status, 'missing');
    assert.match(c['GET /api/tasks/{id}'].detail ?? '', /registered on `router`, which nothing mounts/);
    c = run(CONTRACT, fastapi({ main: { imports: [] } }));
    assert.equal(c['GET /api/tasks/{id}'].status, 'unknown');
  });

  it('a route registered under another method or another prefix is missing, and says what it found', () => {
    let c = run(
      CONTRACT,
      fastapi({
        main: { mounts: [{ parent: 'app', child: { name: 'tasks.router', line: 5 }, prefix: '/v1', line: 5 }] },
      }),
    );
    assert.equal(c['GET /api/tasks/{id}'].status, 'missing');
    assert.match(c['GET /api/tasks/{id}'].detail ?? '', /nearest is GET \/v1\/tasks\/\{task_id\}/);
    c = run(
      CONTRACT,
      fastapi({ tasks: { registrations: [{ router: 'router', method: 'PUT', path: '/{task_id}', line: 7 }] } }),
    );
    assert.equal(c['GET /api/tasks/{id}'].status, 'missing');
    assert.match(c['GET /api/tasks/{id}'].detail ?? '', /registered for PUT, not GET/);
  });

  it('a route whose path is not a literal makes the unfound routes unknown', () => {
    const c = run(
      CONTRACT,
      fastapi({ tasks: { registrations: [{ router: 'router', method: 'GET', path: undefined, line: 7 }] } }),
    );
    assert.equal(c['GET /api/tasks/{id}'].status, 'unknown');
    assert.match(c['GET /api/tasks/{id}'].detail ?? '', /path is not a literal in app\/routers\/tasks.py:7/);
  });

  it('follows an Express router default-exported from another file and mounted with app.use', () => {
    const all = [
      facts('src/app.ts', 'typescript', {
        routers: [{ name: 'app', kind: 'app', prefix: '', line: 2 }],
        imports: [{ local: 'tasksRouter', module: './routes/tasks.js', name: 'default' }],
        mounts: [{ parent: 'app', child: { name: 'tasksRouter', line: 4 }, prefix: '/api/tasks', line: 4 }],
        frameworks: ['express'],
      }),
      facts('src/routes/tasks.ts', 'typescript', {
        routers: [{ name: 'router', kind: 'router', prefix: '', line: 1 }],
        registrations: [
          { router: 'router', method: 'GET', path: '/:id', line: 3 },
          { router: 'router', method: '*', path: '/', line: 5 },
        ],
        defaultExport: 'router',
        frameworks: ['express'],
      }),
    ];
    const c = run(CONTRACT, all);
    assert.equal(c['GET /api/tasks/{id}'].status, 'met');
    assert.equal(c['POST /api/tasks'].status, 'met', 'app.all serves POST');
  });

  it('follows a Go package imported through go.mod, and a handler that decides the method itself', () => {
    const all = [
      facts('main.go', 'go', {
        routers: [{ name: 'mux', kind: 'app', prefix: '', line: 5 }],
        imports: [{ local: 'handlers', module: 'example.com/tasks/internal/handlers', name: '*' }],
        mounts: [{ parent: 'mux', child: { name: 'handlers.Register(0)', line: 6 }, prefix: '', line: 6 }],
        frameworks: ['net/http'],
      }),
      facts('internal/handlers/routes.go', 'go', {
        routers: [{ name: 'Register(0)', kind: 'param', prefix: '', line: 3 }],
        registrations: [
          { router: 'Register(0)', method: undefined, handlerMethods: ['POST'], path: '/api/tasks', line: 4 },
          { router: 'Register(0)', method: undefined, path: '/api/tasks/{id}', line: 5 },
        ],
      }),
    ];
    const c = run(CONTRACT, all, [{ module: 'example.com/tasks', dir: '' }]);
    assert.equal(c['POST /api/tasks'].status, 'met');
    assert.equal(c['GET /api/tasks/{id}'].status, 'unknown');
    assert.match(c['GET /api/tasks/{id}'].detail ?? '', /registered for every method/);
    const unimported = run(CONTRACT, all, []);
    assert.equal(unimported['POST /api/tasks'].status, 'unknown', 'an unfollowed register call is not "missing"');
  });

  it('a json tag names a Go field; an untagged field that differs only in case is a mismatch', () => {
    const go = (fields: FileFacts['models'][0]['fields']) => [
      facts('models.go', 'go', { models: [{ name: 'Task', kind: 'struct', bases: [], line: 3, fields }] }),
    ];
    let c = run(CONTRACT, go([{ name: 'ID', aliases: ['id'], type: 'string', line: 4 }]));
    assert.equal(c['Task.id'].status, 'met');
    c = run(CONTRACT, go([{ name: 'ID', aliases: [], type: 'string', line: 4 }]));
    assert.equal(c['Task.id'].status, 'mismatch');
    assert.match(c['Task.id'].detail ?? '', /without a json tag/);
  });

  it('an unexported Go field is a mismatch: encoding/json never encodes it, unless the Go contract has it lower-case too', () => {
    const go = (fields: FileFacts['models'][0]['fields']) => [
      facts('models.go', 'go', { models: [{ name: 'Task', kind: 'struct', bases: [], line: 3, fields }] }),
    ];
    const id = { name: 'id', aliases: ['id'], type: 'string', line: 4, unexported: true };
    let c = run(CONTRACT, go([id]));
    assert.equal(c['Task.id'].status, 'mismatch');
    assert.equal(c['Task.id'].detail, 'found id unexported in models.go:4: encoding/json never encodes it');
    assert.equal(c['Task.id'].line, 4);
    c = run(CONTRACT, go([{ ...id, aliases: [] }]));
    assert.equal(c['Task.id'].detail, 'found id unexported in models.go:4: encoding/json never encodes it');
    c = run(CONTRACT, go([{ ...id, name: 'iD', aliases: [] }]));
    assert.equal(c['Task.id'].detail, 'found iD unexported in models.go:4: encoding/json never encodes it');
    c = run(CONTRACT, go([id, { name: 'ID', aliases: ['id'], type: 'string', line: 5 }]));
    assert.equal(c['Task.id'].status, 'met', 'an exported field with that json name wins');
    const goContract = (name: string) => `## DATA CONTRACT\n\ntype Task struct {\n\t${name} string \`json:"id"\`\n}\n`;
    assert.equal(run(goContract('ID'), go([id]))['Task.ID'].status, 'mismatch');
    assert.equal(run(goContract('id'), go([id]))['Task.id'].status, 'met', 'an internal struct the contract declares');
  });

  it("a Go contract's json tag is the field's name on the wire: another tag, or none, is a mismatch", () => {
    const contract = '## DATA CONTRACT\n\ntype Task struct {\n\tDone bool `json:"completed"`\n}\n';
    const go = (aliases: string[]) => [
      facts('models.go', 'go', {
        models: [
          {
            name: 'Task',
            kind: 'struct',
            bases: [],
            line: 3,
            fields: [{ name: 'Done', aliases, type: 'bool', line: 4 }],
          },
        ],
      }),
    ];
    assert.equal(run(contract, go(['completed']))['Task.Done'].status, 'met');
    let c = run(contract, go(['is_completed']))['Task.Done'];
    assert.equal(c.status, 'mismatch');
    assert.equal(c.detail, 'declared json:"completed", found json:"is_completed" in models.go:4');
    c = run(contract, go([]))['Task.Done'];
    assert.equal(c.detail, 'declared json:"completed", found no json tag in models.go:4');
  });

  it('judges a field against every model of that name (an SQLAlchemy Task beside a Pydantic Task)', () => {
    const orm = {
      name: 'Task',
      kind: 'SQLAlchemy model',
      bases: [],
      line: 3,
      fields: [{ name: 'done', aliases: [], type: 'str', line: 5 }],
    };
    const schema = {
      name: 'Task',
      kind: 'pydantic model',
      bases: [],
      line: 9,
      fields: [{ name: 'done', aliases: [], type: 'bool', line: 10 }],
    };
    let c = run(CONTRACT, [
      facts('db.py', 'python', { models: [orm] }),
      facts('schemas.py', 'python', { models: [schema] }),
    ]);
    assert.deepEqual([c['Task.done'].status, c['Task.done'].file], ['met', 'schemas.py']);
    c = run(CONTRACT, [facts('db.py', 'python', { models: [orm] })]);
    assert.equal(c['Task.done'].status, 'mismatch');
  });

  it('a case-only rename outside Go is simply missing (no json-tag wording)', () => {
    const ts = facts('src/models.ts', 'typescript', {
      models: [
        {
          name: 'Task',
          kind: 'interface',
          bases: [],
          line: 1,
          fields: [{ name: 'ID', aliases: [], type: 'string', line: 2 }],
        },
      ],
    });
    const c = run(CONTRACT, [ts])['Task.id'];
    assert.deepEqual([c.status, c.detail], ['missing', 'not found in the generated code']);
  });

  it('a router mounted only inside a function nothing calls is unknown, like routes on its parameter', () => {
    const all = [
      facts('src/app.ts', 'typescript', {
        routers: [
          { name: 'registerRoutes(0)', kind: 'param', prefix: '', line: 3 },
          { name: 'router', kind: 'router', prefix: '', line: 1 },
        ],
        mounts: [{ parent: 'registerRoutes(0)', child: { name: 'router', line: 4 }, prefix: '/api/tasks', line: 4 }],
        registrations: [{ router: 'router', method: 'GET', path: '/:id', line: 2 }],
        frameworks: ['express'],
      }),
    ];
    const c = run(CONTRACT, all)['GET /api/tasks/{id}'];
    assert.equal(c.status, 'unknown');
    assert.match(c.detail ?? '', /mounted in `registerRoutes`, which nothing calls with an app/);
  });

  it('routes of a framework Turbo does not read are unknown', () => {
    const c = run(CONTRACT, [facts('src/main.ts', 'typescript', { frameworks: ['nestjs'] })]);
    assert.equal(c['GET /api/tasks/{id}'].status, 'unknown');
    assert.match(c['GET /api/tasks/{id}'].detail ?? '', /uses nestjs/);
  });
});

describe('conformance: types and paths', () => {
  const models = new Set(['Task', 'User']);
  const same = (a: string, b: string) => compareTypes(readType(a), readType(b), models);
  it('equivalent spellings are the same type', () => {
    for (const [a, b] of [
      ['list[Task]', 'List[Task]'],
      ['list[Task]', 'Task[]'],
      ['Array<Task>', '[]*Task'],
      ['Optional[str]', 'str | None'],
      ['string[]', 'Array<string>'],
      ['*string', 'str'],
      ['datetime', 'time.Time'],
      ['dict[str, Any]', 'map[string]interface{}'],
      ['Mapped[Optional[int]]', 'int64'],
      ['so.Mapped[int]', 'number'],
      ['Annotated[str, Field(max_length=5)]', 'string'],
      ['Mapped[list["Task"]]', 'Task[]'],
      ['int', 'number'],
      ['bool', 'boolean'],
    ])
      assert.equal(same(a, b), 'same', `${a} vs ${b}`);
  });
  it('clearly different types differ; names it cannot place are not compared', () => {
    for (const [a, b] of [
      ['bool', 'str'],
      ['int', 'string'],
      ['float', 'int'],
      ['list[str]', 'str'],
      ['Task', 'str'],
      ['Task', 'User'],
      ['so.Mapped[int]', 'str'],
      ['Annotated[str, Field(max_length=5)]', 'bool'],
    ])
      assert.equal(same(a, b), 'different', `${a} vs ${b}`);
    for (const [a, b] of [
      ['Status', 'str'],
      ['Literal["a", "b"]', 'str'],
      ['Union[int, Color]', 'bool'],
      ['weird<<', 'str'],
    ])
      assert.equal(same(a, b), 'unknown', `${a} vs ${b}`);
  });
  it('path parameters match by position whatever their name or syntax', () => {
    for (const p of [
      '/tasks/{id}',
      '/tasks/{task_id}',
      '/tasks/:id',
      '/tasks/<int:id>',
      '/tasks/:id/',
      '//tasks/{id...}',
    ])
      assert.equal(pathShape(p), '/tasks/{}', p);
    assert.notEqual(pathShape('/tasks/id'), '/tasks/{}');
  });
});

describe('conformance: what Turbo did not read is never called missing', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-conformance-'));
    await fs.writeFile(
      path.join(dir, 'main.py'),
      'from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get("/api/tasks/{id}")\ndef one(id: str): ...\n\n@app.post("/api/tasks")\ndef add(): ...\n',
    );
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));
  const MODELS =
    'from pydantic import BaseModel\n\nclass Task(BaseModel):\n    id: str\n    title: str\n    done: bool\n    tags: list[str]\n';

  it('reads the model when it is a plain file, and says unknown when it is over 1 MB, not text, or a link', async () => {
    await fs.writeFile(path.join(dir, 'models.py'), MODELS);
    let report = await checkConformance(CONTRACT, dir);
    assert.equal(report.met, report.total);
    const cases: [string, () => Promise<void>, RegExp][] = [
      [
        'over 1 MB',
        () => fs.writeFile(path.join(dir, 'models.py'), MODELS + '#' + 'x'.repeat(1_100_000) + '\n'),
        /models\.py \(over 1 MB\)/,
      ],
      ['not text', () => fs.writeFile(path.join(dir, 'models.py'), MODELS + '# \0\n'), /models\.py \(not text\)/],
      [
        'a link',
        async () => {
          await fs.mkdir(path.join(dir, '.shared'));
          await fs.writeFile(path.join(dir, '.shared/real.py'), MODELS);
          await fs.symlink(path.join(dir, '.shared/real.py'), path.join(dir, 'models.py'));
        },
        /models\.py \(a symbolic link, not followed\)/,
      ],
    ];
    for (const [what, plant, detail] of cases) {
      await fs.rm(path.join(dir, 'models.py'), { force: true });
      await fs.rm(path.join(dir, '.shared'), { recursive: true, force: true });
      await plant();
      report = await checkConformance(CONTRACT, dir);
      const task = report.clauses.find((c) => c.name === 'Task');
      assert.equal(task?.status, 'unknown', what);
      assert.match(task?.detail ?? '', detail, what);
      assert.equal(
        report.clauses.find((c) => c.name === 'GET /api/tasks/{id}')?.status,
        'met',
        `${what}: the routes are still read`,
      );
    }
  });

  it('a union whose members all clearly differ is a mismatch; a type it cannot compare is met and says so', async () => {
    await fs.writeFile(
      path.join(dir, 'models.py'),
      MODELS.replace('done: bool', 'done: str | int').replace('title: str', 'title: Color'),
    );
    const report = await checkConformance(CONTRACT, dir);
    const byName = Object.fromEntries(report.clauses.map((c) => [c.name, c]));
    assert.equal(byName['Task.done'].status, 'mismatch');
    assert.equal(byName['Task.done'].detail, 'declared bool, found str | int in models.py:6');
    assert.equal(byName['Task.title'].status, 'met');
    assert.equal(byName['Task.title'].detail, 'declared str, found Color: the types are not compared');
  });

  it('a hostile type string is not compared, at once', () => {
    assert.deepEqual(readType('A['.repeat(20_000) + 'x'), { k: 'any' });
    assert.deepEqual(readType('"' + 'A['.repeat(150) + 'x'), { k: 'any' });
    // Past 16 levels the rest is not read: the outer levels stay a list.
    assert.equal(readType('list[' + 'list['.repeat(40) + 'int' + ']'.repeat(41)).k, 'list');
  });
});
