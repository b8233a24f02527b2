import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkConformance } from '../../src/core/contract/conformance/check';
import { loadGrammars } from '../../src/core/contract/conformance/grammars';
import { extractPython } from '../../src/core/contract/conformance/python';
import type { ConformanceReport, FileFacts, FoundModel } from '../../src/core/contract/conformance/types';

async function facts(source: string, file = 'app/x.py'): Promise<FileFacts> {
  const tree = (await loadGrammars()).parser('python').parse(source);
  assert.ok(tree);
  try {
    return extractPython(tree.rootNode, file);
  } finally {
    tree.delete();
  }
}

const code = (...lines: string[]) => lines.join('\n') + '\n';
const fieldsOf = (model: FoundModel | undefined) => model?.fields.map((f) => `${f.name}:${f.type ?? '?'}`);
const model = (f: FileFacts, name: string) => f.models.find((m) => m.name === name);
const routes = (f: FileFacts) => f.registrations.map((r) => `${r.router} ${r.method ?? '?'} ${r.path ?? '?'}`);

describe('conformance: Python extractor, models', () => {
  it('reads a Pydantic model: annotated fields with the type as written, aliases, defaults; not methods, ClassVar, model_config, Config, _private', async () => {
    const f = await facts(
      code(
        'from typing import ClassVar, Optional',
        'from pydantic import BaseModel, Field, ConfigDict',
        '',
        'class Task(BaseModel):',
        '    """A task."""',
        '    model_config = ConfigDict(populate_by_name=True)',
        '    id: int',
        '    title: str = Field(..., alias="name", min_length=1)',
        '    tags: list[str] = []',
        '    due: Optional[datetime] = None',
        '    done: bool = False',
        '    count: ClassVar[int] = 0',
        '    _cache: dict = {}',
        '',
        '    class Config:',
        '        orm_mode = True',
        '',
        '    def describe(self) -> str:',
        '        return self.title',
      ),
    );
    assert.equal(f.models.length, 1, 'the nested Config is no model');
    const task = f.models[0];
    assert.equal(task.name, 'Task');
    assert.equal(task.kind, 'pydantic model');
    assert.deepEqual(task.bases, ['BaseModel']);
    assert.equal(task.line, 4);
    assert.deepEqual(fieldsOf(task), ['id:int', 'title:str', 'tags:list[str]', 'due:Optional[datetime]', 'done:bool']);
    assert.deepEqual(task.fields[1].aliases, ['name']);
    assert.equal(task.fields[1].line, 8);
    assert.equal(f.language, 'python');
    assert.equal(f.file, 'app/x.py');
  });

  it('reads aliases inside Annotated and the validation/serialization aliases', async () => {
    const f = await facts(
      code(
        'class A(BaseModel):',
        '    x: Annotated[str, Field(alias="xx")]',
        '    y: str = Field(validation_alias="yy", serialization_alias="yyy")',
      ),
    );
    assert.deepEqual(
      f.models[0].fields.map((x) => x.aliases),
      [['xx'], ['yy', 'yyy']],
    );
  });

  it('names the kind: dataclass, TypedDict, NamedTuple, enum, SQLModel, plain class; bases by simple name', async () => {
    const f = await facts(
      code(
        '@dataclass',
        'class A:',
        '    x: int',
        '@dataclasses.dataclass(frozen=True)',
        'class B:',
        '    y: str = "b"',
        'class C(TypedDict, total=False):',
        '    z: float',
        'class D(typing.NamedTuple):',
        '    w: int',
        'class E(str, Enum):',
        '    todo = "todo"',
        '    done = "done"',
        'class F(SQLModel, table=True):',
        '    id: int | None = Field(default=None, primary_key=True)',
        'class G(SQLModel):',
        '    name: str',
        'class H(Generic[T], pydantic.BaseModel):',
        '    item: T',
        'class I:',
        '    pass',
      ),
    );
    assert.deepEqual(
      f.models.map((m) => `${m.name}:${m.kind}:${m.bases.join(',')}`),
      [
        'A:dataclass:',
        'B:dataclass:',
        'C:TypedDict:TypedDict',
        'D:NamedTuple:NamedTuple',
        'E:enum:str,Enum',
        'F:SQLModel table:SQLModel',
        'G:SQLModel model:SQLModel',
        'H:pydantic model:Generic,BaseModel',
        'I:class:',
      ],
    );
    assert.deepEqual(fieldsOf(model(f, 'E')), ['todo:?', 'done:?'], 'enum members are its fields, untyped');
    assert.deepEqual(fieldsOf(model(f, 'F')), ['id:int | None']);
  });

  it('gives a class built on a model of the same file that model’s kind (a table with table=True), and keeps the base’s name', async () => {
    const f = await facts(
      code(
        'class TaskBase(BaseModel):',
        '    title: str',
        'class TaskCreate(TaskBase):',
        '    pass',
        'class Task(TaskCreate):',
        '    id: str',
        'class Row(Base):',
        '    id = Column(Integer)',
        'class AuditedRow(Row):',
        '    pass',
        'class ItemBase(SQLModel):',
        '    title: str',
        'class Item(ItemBase, table=True):',
        '    id: int',
        'class Settings(BaseSettings):',
        '    api_prefix: str = "/api"',
      ),
    );
    assert.deepEqual(
      f.models.map((m) => [m.name, m.kind, m.bases]),
      [
        ['TaskBase', 'pydantic model', ['BaseModel']],
        ['TaskCreate', 'pydantic model', ['TaskBase']],
        ['Task', 'pydantic model', ['TaskCreate']],
        ['Row', 'SQLAlchemy model', ['Base']],
        ['AuditedRow', 'SQLAlchemy model', ['Row']],
        ['ItemBase', 'SQLModel model', ['SQLModel']],
        ['Item', 'SQLModel table', ['ItemBase']],
        ['Settings', 'pydantic settings', ['BaseSettings']],
      ],
    );
    assert.deepEqual(fieldsOf(model(f, 'Task')), ['id:str'], 'inherited fields are the resolver’s, not repeated');
  });

  it('reads SQLAlchemy columns: the type from the column type, Mapped[...] as written', async () => {
    const f = await facts(
      code(
        'class Task(db.Model):',
        "    __tablename__ = 'tasks'",
        '    id = db.Column(db.Integer, primary_key=True)',
        '    title = db.Column(db.String(80), nullable=False)',
        '    body = Column(Text)',
        '    big = Column(BigInteger)',
        '    small = Column(sa.SmallInteger())',
        '    price = Column(Numeric(10, 2))',
        '    ratio = Column(Float)',
        '    done = Column(Boolean, default=False)',
        '    created_at = Column(DateTime)',
        '    day = Column("day_col", Date)',
        '    meta = Column(JSON)',
        '    status = Column(Enum(Status))',
        '    tags = Column(ARRAY(String))',
        '    owner_id = Column(ForeignKey("users.id"))',
        '    owner = relationship("User", back_populates="tasks")',
        'class User(Base):',
        '    name: Mapped[str] = mapped_column(String(30))',
        '    nick: Mapped[Optional[str]]',
        '    email = mapped_column(Unicode(120))',
      ),
    );
    const task = model(f, 'Task');
    assert.equal(task?.kind, 'SQLAlchemy model');
    assert.deepEqual(task?.bases, ['Model']);
    assert.deepEqual(fieldsOf(task), [
      'id:int',
      'title:str',
      'body:str',
      'big:int',
      'small:int',
      'price:float',
      'ratio:float',
      'done:bool',
      'created_at:datetime',
      'day:date',
      'meta:dict',
      'status:Status',
      'tags:list[str]',
      'owner_id:?',
      'owner:?',
    ]);
    const user = model(f, 'User');
    assert.equal(user?.kind, 'SQLAlchemy model', 'Mapped columns make a class built on an unknown Base a table');
    assert.deepEqual(fieldsOf(user), ['name:Mapped[str]', 'nick:Mapped[Optional[str]]', 'email:str']);
  });

  it('reads the fields a plain class sets in __init__, typed from the annotation or the parameter', async () => {
    const f = await facts(
      code(
        'class Task:',
        '    kind = "task"',
        '    def __init__(self, id: int, title, done: bool = False):',
        '        self.id = id',
        '        self.title = title',
        '        self.done = done',
        '        self.tags: list[str] = []',
        '        self._seen = 0',
        '        self.kind = "x"',
        '        other.x = 1',
      ),
    );
    assert.deepEqual(fieldsOf(f.models[0]), ['kind:?', 'id:int', 'title:?', 'done:bool', 'tags:list[str]']);
  });

  it('finds classes inside if blocks and functions, not classes nested in classes', async () => {
    const f = await facts(
      code(
        'if TYPE_CHECKING:',
        '    class A(BaseModel):',
        '        x: int',
        'def make():',
        '    class B:',
        '        y: int',
        '    return B',
        'class C:',
        '    class Meta:',
        '        z: int',
      ),
    );
    assert.deepEqual(
      f.models.map((m) => m.name),
      ['A', 'B', 'C'],
    );
  });
});

describe('conformance: Python extractor, FastAPI routing', () => {
  it('reads apps, routers with their prefix, decorators for every method, api_route and add_api_route', async () => {
    const f = await facts(
      code(
        'from fastapi import FastAPI, APIRouter',
        'TASKS = "/tasks"',
        'app = FastAPI(title="Tasks")',
        'typed: FastAPI = FastAPI()',
        'router = APIRouter(prefix="/tasks", tags=["tasks"])',
        'bare = APIRouter()',
        '@app.get("/")',
        'def root(): ...',
        '@router.post("", response_model=Task, status_code=201)',
        'async def create(body: TaskCreate): ...',
        '@router.get("/{id}")',
        'def one(id: str): ...',
        '@router.put("/{id}")',
        '@router.patch("/{id}")',
        'def update(id: str): ...',
        '@router.delete(path="/{id}")',
        'def delete(id: str): ...',
        '@app.head("/h")',
        '@app.options("/o")',
        'def misc(): ...',
        '@app.api_route("/both", methods=["GET", "post"])',
        'def both(): ...',
        '@app.api_route("/plain")',
        'def plain(): ...',
        '@app.get(TASKS)',
        'def constant(): ...',
        'app.add_api_route("/added", plain, methods=["DELETE"])',
        'app.add_api_route(path="/added-get", endpoint=plain)',
      ),
    );
    assert.deepEqual(f.routers, [
      { name: 'app', kind: 'app', prefix: '', line: 3 },
      { name: 'typed', kind: 'app', prefix: '', line: 4 },
      { name: 'router', kind: 'router', prefix: '/tasks', line: 5 },
      { name: 'bare', kind: 'router', prefix: '', line: 6 },
    ]);
    assert.deepEqual(routes(f), [
      'app GET /',
      'router POST ',
      'router GET /{id}',
      'router PUT /{id}',
      'router PATCH /{id}',
      'router DELETE /{id}',
      'app HEAD /h',
      'app OPTIONS /o',
      'app GET /both',
      'app POST /both',
      'app GET /plain',
      'app GET /tasks',
      'app DELETE /added',
      'app GET /added-get',
    ]);
    assert.equal(f.registrations[2].line, 11);
    assert.deepEqual(f.frameworks, ['fastapi']);
  });

  it('leaves the path undefined when it or its router’s prefix is not a literal or a module constant', async () => {
    const f = await facts(
      code(
        'def build():',
        '    LOCAL = "/local"',
        '    @app.get(LOCAL)',
        '    def a(): ...',
        '@app.get(f"/x/{name}")',
        'def b(): ...',
        '@app.get(settings.PATH)',
        'def c(): ...',
        '@app.get(path())',
        'def d(): ...',
        '@app.get("/a" "/b")',
        'def e(): ...',
        '@app.get(f"/static")',
        'def g(): ...',
        'unread = APIRouter(prefix=settings.PREFIX)',
        '@unread.get("/x")',
        'def h(): ...',
      ),
    );
    assert.deepEqual(routes(f), [
      'app GET ?',
      'app GET ?',
      'app GET ?',
      'app GET ?',
      'app GET ?',
      'app GET /static',
      'unread GET ?',
    ]);
    assert.deepEqual(
      f.routers,
      [{ name: 'unread', kind: 'router', prefix: '', line: 15 }],
      'under a prefix it cannot read',
    );
  });

  it('reads include_router with or without a prefix, a module’s router, a prefix it cannot read, and mount', async () => {
    const f = await facts(
      code(
        'from app.routers import tasks, users',
        'from .routers.items import router as items_router',
        'API = "/api"',
        'app = FastAPI()',
        'app.include_router(items_router, prefix="/api")',
        'app.include_router(tasks.router)',
        'app.include_router(users.router, prefix=API)',
        'app.include_router(router=items_router, prefix=settings.API_V1_STR)',
        'app.mount("/sub", subapi)',
        'app.mount("/static", StaticFiles(directory="static"), name="static")',
        'uvicorn.run(app, host="0.0.0.0")',
      ),
    );
    assert.deepEqual(
      f.mounts.map((m) => [m.parent, m.child.name, m.prefix, m.replacesPrefix ?? false, m.line]),
      [
        ['app', 'items_router', '/api', false, 5],
        ['app', 'tasks.router', '', false, 6],
        ['app', 'users.router', '/api', false, 7],
        ['app', 'items_router', undefined, false, 8],
        ['app', 'subapi', '/sub', false, 9],
        // Any function the app is handed to might register on it; the resolver finds no uvicorn.run of the project.
        ['app', 'uvicorn.run(0)', '', false, 11],
      ],
    );
  });

  it('names a parameter routes are registered on after its function, and the calls that hand a router to it', async () => {
    const f = await facts(
      code(
        'app = FastAPI()',
        'def register(app, db=None):',
        '    @app.get("/r")',
        '    def r(): ...',
        '    app.include_router(sub, prefix="/s")',
        'def setup(name, target: FastAPI):',
        '    target.add_api_route("/t", handler)',
        'def create(application):',
        '    register(application)',
        'def unrelated(x):',
        '    print(x)',
        '    x.get("key")',
        'register(app)',
        'routes.register(app)',
        'setup("n", app)',
        'CORS(app)',
      ),
    );
    assert.deepEqual(
      f.routers.map((r) => `${r.name}:${r.kind}:${r.line}`),
      ['app:app:1', 'register(0):param:2', 'setup(1):param:6', 'create(0):param:8'],
    );
    assert.deepEqual(routes(f), ['register(0) GET /r', 'setup(1) GET /t']);
    assert.deepEqual(
      f.mounts.map((m) => `${m.parent} <- ${m.child.name} ${m.prefix}`),
      [
        'register(0) <- sub /s',
        'create(0) <- register(0) ',
        'app <- register(0) ',
        'app <- routes.register(0) ',
        'app <- setup(1) ',
      ],
    );
  });

  it('reads imports: from-imports, relative ones, aliases, plain dotted imports, imports inside functions; not star imports', async () => {
    const f = await facts(
      code(
        'from __future__ import annotations',
        'from app.routers import tasks',
        'from .routers.tasks import router as r',
        'from . import views',
        'from ..core import (config, db as database)',
        'import app.routers.tasks as t',
        'import x.y, os',
        'from helpers import *',
        'def create_app():',
        '    from .api import bp as api_bp',
      ),
    );
    assert.deepEqual(f.imports, [
      { local: 'tasks', module: 'app.routers', name: 'tasks' },
      { local: 'r', module: '.routers.tasks', name: 'router' },
      { local: 'views', module: '.', name: 'views' },
      { local: 'config', module: '..core', name: 'config' },
      { local: 'database', module: '..core', name: 'db' },
      { local: 't', module: 'app.routers.tasks', name: '*' },
      { local: 'x.y', module: 'x.y', name: '*' },
      { local: 'os', module: 'os', name: '*' },
      { local: 'api_bp', module: '.api', name: 'bp' },
    ]);
    assert.deepEqual(f.frameworks, []);
  });
});

describe('conformance: Python extractor, Flask routing', () => {
  it('reads Flask apps, blueprints with url_prefix, route with methods (GET by default), method decorators, add_url_rule', async () => {
    const f = await facts(
      code(
        'from flask import Flask, Blueprint',
        'app = Flask(__name__)',
        'bp = Blueprint("tasks", __name__, url_prefix="/tasks")',
        'plain = Blueprint("plain", __name__)',
        '@bp.route("/", methods=["GET", "POST"])',
        'def index(): ...',
        '@bp.route("/<int:id>")',
        'def one(id): ...',
        '@bp.route("/<id>", methods=("put", "PATCH"))',
        'def update(id): ...',
        '@bp.get("/g")',
        'def g(): ...',
        '@app.route(rule="/health", methods=ALLOWED)',
        'def health(): ...',
        'app.add_url_rule("/reset", view_func=reset, methods=["POST"])',
        'app.add_url_rule(rule="/about", view_func=about)',
      ),
    );
    assert.deepEqual(f.routers, [
      { name: 'app', kind: 'app', prefix: '', line: 2 },
      { name: 'bp', kind: 'router', prefix: '/tasks', line: 3 },
      { name: 'plain', kind: 'router', prefix: '', line: 4 },
    ]);
    assert.deepEqual(routes(f), [
      'bp GET /',
      'bp POST /',
      'bp GET /<int:id>',
      'bp PUT /<id>',
      'bp PATCH /<id>',
      'bp GET /g',
      'app ? /health',
      'app POST /reset',
      'app GET /about',
    ]);
    assert.deepEqual(f.frameworks, ['flask']);
  });

  it('reads register_blueprint: the url_prefix given replaces the blueprint’s own', async () => {
    const f = await facts(
      code(
        'def create_app():',
        '    app = Flask(__name__)',
        '    from .tasks import bp as tasks_bp',
        '    app.register_blueprint(tasks_bp)',
        '    app.register_blueprint(api.bp, url_prefix="/api")',
        '    app.register_blueprint(blueprint=admin, url_prefix=None)',
        '    app.register_blueprint(other, url_prefix=PREFIXES["other"])',
        '    routes.init_app(app)',
        '    return app',
      ),
    );
    assert.deepEqual(f.routers, [{ name: 'app', kind: 'app', prefix: '', line: 2 }]);
    assert.deepEqual(
      f.mounts.map((m) => [m.parent, m.child.name, m.prefix, m.replacesPrefix ?? false]),
      [
        ['app', 'tasks_bp', '', false],
        ['app', 'api.bp', '/api', true],
        ['app', 'admin', '', false],
        ['app', 'other', undefined, true],
        ['app', 'routes.init_app(0)', '', false],
      ],
    );
  });

  it('reads routes registered on an app imported from another module', async () => {
    const f = await facts(code('from app import app', '@app.route("/tasks", methods=["POST"])', 'def create(): ...'));
    assert.deepEqual(routes(f), ['app POST /tasks']);
    assert.deepEqual(f.routers, []);
    assert.deepEqual(f.frameworks, []);
  });
});

describe('conformance: Python extractor, frameworks and odd code', () => {
  it('names the frameworks a file imports or builds on, and the ones Turbo does not read', async () => {
    const seen = async (...lines: string[]) => (await facts(code(...lines))).frameworks;
    assert.deepEqual(await seen('import fastapi', 'app = fastapi.FastAPI()'), ['fastapi']);
    assert.deepEqual(await seen('app = FastAPI()'), ['fastapi'], 'used without an import in this file');
    assert.deepEqual(await seen('bp = flask.Blueprint("b", __name__)'), ['flask']);
    assert.deepEqual(await seen('from flask_sqlalchemy import SQLAlchemy'), []);
    assert.deepEqual(await seen('from django.urls import path'), ['django']);
    assert.deepEqual(await seen('from litestar import Litestar, get'), ['litestar']);
    assert.deepEqual(await seen('from sanic import Sanic'), ['sanic']);
    assert.deepEqual(await seen('import tornado.web'), ['tornado']);
    assert.deepEqual(await seen('from aiohttp import web'), ['aiohttp']);
    assert.deepEqual(await seen('import aiohttp'), [], 'an aiohttp client is no server');
    assert.deepEqual(await seen('from starlette.applications import Starlette'), ['starlette']);
    assert.deepEqual(await seen('from starlette.responses import JSONResponse'), []);
    assert.deepEqual(
      await seen('from fastapi import FastAPI', 'from starlette.routing import Mount'),
      ['fastapi'],
      'Starlette under FastAPI is FastAPI',
    );
  });

  it('reads what it can from a file with syntax errors, and never throws', async () => {
    const f = await facts(
      code(
        'from fastapi import APIRouter',
        'router = APIRouter(prefix="/tasks")',
        'class Task(BaseModel):',
        '    id: str',
        '    title: str',
        'def broken(:',
        '    return (',
        '@router.get("/{id}")',
        'def one(id): ...',
      ),
    );
    assert.deepEqual(fieldsOf(model(f, 'Task')), ['id:str', 'title:str']);
    assert.deepEqual(
      f.routers.map((r) => r.name),
      ['router'],
    );
    for (const junk of ['', '@', 'class', 'class A(:', 'app.get(', '@app.get(', 'x: = ', 'def f(app):\n  @app.']) {
      await facts(junk);
    }
  });
});

describe('conformance: Python extractor, class-based views', () => {
  it('gives a MethodView the methods it defines, whether routed by a class decorator or by as_view', async () => {
    const f = await facts(
      code(
        'from flask.views import MethodView',
        'from flask_smorest import Blueprint',
        'blp = Blueprint("tasks", __name__, url_prefix="/tasks")',
        '@blp.route("/")',
        'class Tasks(MethodView):',
        '    @blp.response(200)',
        '    def get(self): ...',
        '    def post(self): ...',
        '    def helper(self): ...',
        'class One(MethodView):',
        '    def get(self, id): ...',
        '    def delete(self, id): ...',
        'blp.add_url_rule("/<int:id>", view_func=One.as_view("one"))',
        'blp.add_url_rule("/x", "x", Elsewhere.as_view("x"))',
        'blp.add_url_rule("/y", view_func=One.as_view("y"), methods=["GET"])',
        'blp.add_url_rule("/plain", view_func=plain)',
      ),
    );
    assert.deepEqual(routes(f), [
      'blp GET /',
      'blp POST /',
      'blp GET /<int:id>',
      'blp DELETE /<int:id>',
      'blp ? /x',
      'blp GET /y',
      'blp GET /plain',
    ]);
    assert.deepEqual(f.frameworks, ['flask']);
  });

  it('reads Flask-RESTful: Api(app) mounted on its app, add_resource with every path and the resource’s methods', async () => {
    const f = await facts(
      code(
        'from flask import Flask',
        'from flask_restful import Api, Resource',
        'app = Flask(__name__)',
        'api = Api(app, prefix="/api")',
        'class TaskList(Resource):',
        '    def get(self): ...',
        '    def post(self): ...',
        'class TaskItem(Resource):',
        '    def get(self, id): ...',
        '    def put(self, id): ...',
        'api.add_resource(TaskList, "/tasks", "/todos")',
        'api.add_resource(TaskItem, "/tasks/<int:id>")',
        'api.add_resource(Imported, "/other")',
      ),
    );
    assert.deepEqual(f.routers, [
      { name: 'app', kind: 'app', prefix: '', line: 3 },
      { name: 'api', kind: 'router', prefix: '/api', line: 4 },
    ]);
    assert.deepEqual(
      f.mounts.map((m) => `${m.parent} <- ${m.child.name} ${m.prefix}`),
      ['app <- api '],
    );
    assert.deepEqual(routes(f), [
      'api GET /tasks',
      'api POST /tasks',
      'api GET /todos',
      'api POST /todos',
      'api GET /tasks/<int:id>',
      'api PUT /tasks/<int:id>',
      'api ? /other',
    ]);
  });

  it('reads flask-restx: namespaces (under their name by default), add_namespace, Api.init_app', async () => {
    const f = await facts(
      code(
        'from flask_restx import Api, Namespace, Resource',
        'api = Api()',
        'tasks = Namespace("tasks")',
        'admin = Namespace("admin", path="/internal")',
        '@tasks.route("/<int:id>")',
        'class Task(Resource):',
        '    def get(self, id): ...',
        'api.add_namespace(tasks)',
        'api.add_namespace(admin, path="/ops")',
        'def create_app():',
        '    app = Flask(__name__)',
        '    api.init_app(app)',
        '    db.init_app(app)',
      ),
    );
    assert.deepEqual(
      f.routers.map((r) => `${r.name} ${r.kind} ${r.prefix}`),
      ['api router ', 'tasks router /tasks', 'admin router /internal', 'app app '],
    );
    assert.deepEqual(
      f.mounts.map((m) => `${m.parent} <- ${m.child.name} ${m.prefix} ${m.replacesPrefix ?? false}`),
      ['api <- tasks  false', 'api <- admin /ops true', 'app <- api  false', 'app <- db.init_app(0)  false'],
    );
    assert.deepEqual(routes(f), ['tasks GET /<int:id>']);
    assert.deepEqual(f.frameworks, ['flask']);
  });
});

const FIXTURES = path.resolve(__dirname, '../fixtures/conformance');

/**
 * A copy of a fixture project with `edits` applied (file → [old, new] pairs) and `added` files written,
 * checked against its contract.
 */
async function checkVariant(
  fixture: 'fastapi' | 'flask',
  edits: Record<string, [string, string][]> = {},
  added: Record<string, string> = {},
): Promise<ConformanceReport> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `turbo-conf-${fixture}-`));
  try {
    cpSync(path.join(FIXTURES, fixture, 'project'), dir, { recursive: true });
    for (const [file, pairs] of Object.entries(edits)) {
      let text = readFileSync(path.join(dir, file), 'utf8');
      for (const [from, to] of pairs) {
        assert.ok(text.includes(from), `${file} has ${JSON.stringify(from)}`);
        text = text.replace(from, to);
      }
      writeFileSync(path.join(dir, file), text);
    }
    for (const [file, text] of Object.entries(added)) writeFileSync(path.join(dir, file), text);
    return await checkConformance(readFileSync(path.join(FIXTURES, fixture, 'contract.md'), 'utf8'), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every clause's status, by name. */
const statuses = (report: ConformanceReport) => Object.fromEntries(report.clauses.map((c) => [c.name, c.status]));

/** The clauses not met, by name: everything else must be met. */
function unmet(report: ConformanceReport): Record<string, string> {
  return Object.fromEntries(report.clauses.filter((c) => c.status !== 'met').map((c) => [c.name, c.status]));
}

const clause = (report: ConformanceReport, name: string) => {
  const found = report.clauses.find((c) => c.name === name);
  assert.ok(found, `a clause ${name}`);
  return found;
};

const TASK_ROUTES = ['POST /tasks', 'GET /tasks', 'GET /tasks/{id}', 'PATCH /tasks/{id}', 'DELETE /tasks/{id}'];

describe('conformance: the FastAPI fixture, end to end', () => {
  it('finds the conformant project fully met: every model, field (inherited ones too) and route', async () => {
    const report = await checkVariant('fastapi');
    assert.deepEqual(unmet(report), {});
    assert.equal(report.total, 20);
    assert.equal(report.met, 20);
    assert.deepEqual(report.languages, ['python']);
    assert.deepEqual(report.frameworks, ['fastapi']);
    assert.deepEqual(
      Object.keys(statuses(report)).filter((n) => n.includes(' ')),
      [...TASK_ROUTES, 'POST /reset'],
    );
    const title = clause(report, 'Task.title');
    assert.deepEqual([title.file, title.line], ['app/models.py', 8], 'found on the base model');
    const one = clause(report, 'GET /tasks/{id}');
    assert.deepEqual([one.file, one.line], ['app/routers/tasks.py', 31]);
    const reset = clause(report, 'POST /reset');
    assert.deepEqual([reset.file, reset.line], ['app/main.py', 11]);
  });

  it('a missing field: only that field is missing', async () => {
    const report = await checkVariant('fastapi', {
      'app/models.py': [['    completed: bool = False\n    created_at', '    created_at']],
    });
    assert.deepEqual(unmet(report), { 'Task.completed': 'missing' });
  });

  it('a renamed field is missing under its contract name', async () => {
    const report = await checkVariant('fastapi', {
      'app/models.py': [['created_at: datetime', 'createdAt: datetime']],
    });
    assert.deepEqual(unmet(report), { 'Task.created_at': 'missing' });
  });

  it('a changed type (bool to str) is a mismatch that says both types and where', async () => {
    const report = await checkVariant('fastapi', {
      'app/models.py': [['    completed: bool = False\n    created_at', '    completed: str = "no"\n    created_at']],
    });
    assert.deepEqual(unmet(report), { 'Task.completed': 'mismatch' });
    const c = clause(report, 'Task.completed');
    assert.deepEqual([c.file, c.line], ['app/models.py', 24]);
    assert.match(c.detail ?? '', /bool/);
    assert.match(c.detail ?? '', /str/);
  });

  it('a missing model: the model and its fields are missing, the rest met', async () => {
    const report = await checkVariant('fastapi', {
      'app/models.py': [
        [
          'class TaskUpdate(BaseModel):\n    title: Optional[str] = None\n    completed: Optional[bool] = None\n\n\n',
          '',
        ],
      ],
    });
    assert.deepEqual(unmet(report), {
      TaskUpdate: 'missing',
      'TaskUpdate.title': 'missing',
      'TaskUpdate.completed': 'missing',
    });
  });

  it('a missing route: only that route is missing', async () => {
    const report = await checkVariant('fastapi', {
      'app/routers/tasks.py': [['@router.delete("/{id}")\n', '']],
    });
    assert.deepEqual(unmet(report), { 'DELETE /tasks/{id}': 'missing' });
  });

  it('a route under another method is missing, and the detail names the method found', async () => {
    const report = await checkVariant('fastapi', { 'app/routers/tasks.py': [['@router.patch(', '@router.put(']] });
    assert.deepEqual(unmet(report), { 'PATCH /tasks/{id}': 'missing' });
    assert.match(clause(report, 'PATCH /tasks/{id}').detail ?? '', /PUT/);
  });

  it('the router’s prefix changed: every route under it is missing, /reset on the app still met', async () => {
    const report = await checkVariant('fastapi', {
      'app/routers/tasks.py': [['APIRouter(prefix="/tasks"', 'APIRouter(prefix="/todos"']],
    });
    assert.deepEqual(unmet(report), Object.fromEntries(TASK_ROUTES.map((r) => [r, 'missing'])));
  });

  it('the router no longer included: its routes are missing, and the detail says nothing mounts it', async () => {
    const report = await checkVariant('fastapi', {
      'app/main.py': [['app.include_router(tasks.router)\n', '']],
    });
    assert.deepEqual(unmet(report), Object.fromEntries(TASK_ROUTES.map((r) => [r, 'missing'])));
    assert.match(clause(report, 'GET /tasks/{id}').detail ?? '', /mount/);
  });

  it('the router included under an extra prefix: its routes are missing at the contract’s paths', async () => {
    const report = await checkVariant('fastapi', {
      'app/main.py': [['app.include_router(tasks.router)', 'app.include_router(tasks.router, prefix="/api")']],
    });
    assert.deepEqual(unmet(report), Object.fromEntries(TASK_ROUTES.map((r) => [r, 'missing'])));
  });

  it('a router prefix Turbo cannot read makes its routes unknown, not missing', async () => {
    const report = await checkVariant('fastapi', {
      'app/routers/tasks.py': [['APIRouter(prefix="/tasks"', 'APIRouter(prefix=settings.TASKS_PREFIX']],
    });
    assert.deepEqual(unmet(report), Object.fromEntries(TASK_ROUTES.map((r) => [r, 'unknown'])));
  });

  it('a path parameter under another name ({task_id}) is still met', async () => {
    const report = await checkVariant('fastapi', {
      'app/routers/tasks.py': [
        ['@router.get("/{id}"', '@router.get("/{task_id}"'],
        ['@router.delete("/{id}")', '@router.delete("/{task_id}")'],
      ],
    });
    assert.deepEqual(unmet(report), {});
  });

  it('the prefix given at include_router instead of on the APIRouter is met too', async () => {
    const report = await checkVariant('fastapi', {
      'app/routers/tasks.py': [['APIRouter(prefix="/tasks", tags=["tasks"])', 'APIRouter(tags=["tasks"])']],
      'app/main.py': [['app.include_router(tasks.router)', 'app.include_router(tasks.router, prefix="/tasks")']],
    });
    assert.deepEqual(unmet(report), {});
  });

  it('a route registered by a function of another module that takes the app (admin.register(app)) is met', async () => {
    const main = [
      ['from app.routers import tasks', 'from app import admin\nfrom app.routers import tasks'],
      [
        '@app.post("/reset")\ndef reset() -> dict:\n    storage.clear()\n    return {"status": "ok"}\n',
        'admin.register(app)\n',
      ],
    ] as [string, string][];
    const admin = code(
      'from fastapi import FastAPI',
      'from app import storage',
      'def register(app: FastAPI) -> None:',
      '    @app.post("/reset")',
      '    def reset() -> dict:',
      '        storage.clear()',
      '        return {"status": "ok"}',
    );
    const report = await checkVariant('fastapi', { 'app/main.py': main }, { 'app/admin.py': admin });
    assert.deepEqual(unmet(report), {});
    const reset = clause(report, 'POST /reset');
    assert.deepEqual([reset.file, reset.line], ['app/admin.py', 4]);
    const uncalled = await checkVariant(
      'fastapi',
      { 'app/main.py': [main[0], [main[1][0], '']] },
      { 'app/admin.py': admin },
    );
    assert.deepEqual(unmet(uncalled), { 'POST /reset': 'unknown' }, 'a function nobody calls may be called elsewhere');
  });
});

describe('conformance: the Flask fixture, end to end', () => {
  it('finds the conformant project fully met: column types, <int:id> parameters, the blueprint prefix, add_url_rule', async () => {
    const report = await checkVariant('flask');
    assert.deepEqual(unmet(report), {});
    assert.equal(report.total, 12);
    assert.deepEqual(report.frameworks, ['flask']);
    const done = clause(report, 'Task.done');
    assert.deepEqual([done.file, done.line], ['tasks_app/models.py', 12]);
  });

  it('a column of another type is a mismatch', async () => {
    const report = await checkVariant('flask', {
      'tasks_app/models.py': [['done = db.Column(db.Boolean', 'done = db.Column(db.String(5)']],
    });
    assert.deepEqual(unmet(report), { 'Task.done': 'mismatch' });
  });

  it('register_blueprint with its own url_prefix replaces the blueprint’s: the task routes are missing', async () => {
    const report = await checkVariant('flask', {
      'tasks_app/__init__.py': [
        ['app.register_blueprint(tasks_bp)', 'app.register_blueprint(tasks_bp, url_prefix="/api")'],
      ],
    });
    assert.deepEqual(
      unmet(report),
      Object.fromEntries(
        ['GET /tasks', 'POST /tasks', 'GET /tasks/{id}', 'PUT /tasks/{id}', 'DELETE /tasks/{id}'].map((r) => [
          r,
          'missing',
        ]),
      ),
    );
  });

  it('a route registered for another method is missing', async () => {
    const report = await checkVariant('flask', {
      'tasks_app/routes.py': [['methods=["PUT"]', 'methods=["POST"]']],
    });
    assert.deepEqual(unmet(report), { 'PUT /tasks/{id}': 'missing' });
  });
});
