import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkConformance } from '../../src/core/contract/conformance/check';
import { extractGo, jsonName } from '../../src/core/contract/conformance/go';
import { type Grammars, loadGrammars } from '../../src/core/contract/conformance/grammars';
import { parsePattern } from '../../src/core/contract/conformance/goValues';
import type { FileFacts } from '../../src/core/contract/conformance/types';

let grammars: Grammars;

function facts(source: string, file = 'main.go'): FileFacts {
  const tree = grammars.parser('go').parse(source);
  assert.ok(tree);
  try {
    return extractGo(tree.rootNode, file);
  } finally {
    tree.delete();
  }
}

/** Registrations as `router METHOD path` (method `-` when none), with what the handler compares and `…` for a subtree. */
const regs = (f: FileFacts) =>
  f.registrations.map(
    (r) =>
      `${r.router} ${r.method ?? '-'} ${r.path ?? '?'}${r.subtree ? ' …' : ''}` +
      (r.handlerMethods ? ` [${r.handlerMethods.join(',')}]` : ''),
  );
const routers = (f: FileFacts) => f.routers.map((r) => `${r.kind} ${r.name}${r.prefix ? ' ' + r.prefix : ''}`);
const mounts = (f: FileFacts) => f.mounts.map((m) => `${m.parent} <- ${m.child.name} ${m.prefix ?? '?'}`);

describe('Go extractor', () => {
  before(async () => {
    grammars = await loadGrammars();
  });

  it('gives the whole facts of a small file, lines included', () => {
    const f = facts(
      `package api

import (
	"net/http"
	"time"

	"example.com/app/internal/handlers"
)

type Task struct {
	Base
	ID        string    \`json:"id"\`
	CreatedAt time.Time \`json:"created_at"\`
}

func Routes(mux *http.ServeMux) {
	sub := http.NewServeMux()
	sub.HandleFunc("GET /tasks/{id}", handlers.GetTask)
	mux.Handle("/api/", http.StripPrefix("/api", sub))
	handlers.Register(mux)
}
`,
      'internal/api/routes.go',
    );
    assert.deepEqual(f, {
      file: 'internal/api/routes.go',
      language: 'go',
      models: [
        {
          name: 'Task',
          kind: 'struct',
          bases: ['Base'],
          fields: [
            { name: 'ID', aliases: ['id'], type: 'string', line: 12 },
            { name: 'CreatedAt', aliases: ['created_at'], type: 'time.Time', line: 13 },
          ],
          line: 10,
        },
      ],
      routers: [
        { name: 'Routes(0)', kind: 'param', prefix: '', line: 16 },
        { name: 'sub', kind: 'app', prefix: '', line: 17 },
      ],
      registrations: [{ router: 'sub', method: 'GET', path: '/tasks/{id}', line: 18 }],
      mounts: [
        { parent: 'Routes(0)', child: { name: 'sub', line: 19 }, prefix: '/api', line: 19 },
        { parent: 'Routes(0)', child: { name: 'handlers.Register(0)', line: 20 }, prefix: '', line: 20 },
      ],
      imports: [
        { local: 'http', module: 'net/http', name: '*' },
        { local: 'time', module: 'time', name: '*' },
        { local: 'handlers', module: 'example.com/app/internal/handlers', name: '*' },
      ],
      frameworks: ['net/http'],
    });
  });

  describe('structs', () => {
    it('reads each field name with its type as written and its json name', () => {
      const f = facts(`package models

import "time"

type Task struct {
	ID          string     \`json:"id"\`
	Title       string     \`json:"title" binding:"required"\`
	Description *string    \`json:"description,omitempty"\`
	Tags        []string   \`json:"tags"\`
	Counts      map[string]int
	Done, Flagged bool     \`json:",omitempty"\`
	CreatedAt   time.Time  \`json:"created_at"\`
	secret      string     \`json:"-"\`
	Minus       int        \`json:"-,"\`
}
`);
      assert.equal(f.language, 'go');
      assert.deepEqual(
        f.models.map((m) => [m.name, m.kind, m.line]),
        [['Task', 'struct', 5]],
      );
      assert.deepEqual(
        f.models[0].fields.map((x) => [x.name, x.type, x.aliases.join('|'), x.line]),
        [
          ['ID', 'string', 'id', 6],
          ['Title', 'string', 'title', 7],
          ['Description', '*string', 'description', 8],
          ['Tags', '[]string', 'tags', 9],
          ['Counts', 'map[string]int', '', 10],
          ['Done', 'bool', '', 11],
          ['Flagged', 'bool', '', 11],
          ['CreatedAt', 'time.Time', 'created_at', 12],
          ['Minus', 'int', '-', 14],
        ],
      );
    });

    it('takes embedded structs as bases, unless a json tag names them', () => {
      const f = facts(`package models
type Base struct { ID int \`json:"id"\` }
type (
	Task struct {
		Base
		*Audit
		common.Stamp
		Page[Task]
		Owner \`json:"owner"\`
		Title string
	}
	Empty struct{}
)
type Alias = Task
type Status string
`);
      assert.deepEqual(
        f.models.map((m) => [m.name, m.bases, m.fields.map((x) => `${x.name}:${x.type}:${x.aliases.join('|')}`)]),
        [
          ['Base', [], ['ID:int:id']],
          ['Task', ['Base', 'Audit', 'Stamp', 'Page'], ['Owner:Owner:owner', 'Title:string:']],
          ['Empty', [], []],
        ],
      );
    });

    it('marks lower-case fields unexported (encoding/json never encodes them), embedded structs aside', () => {
      const f = facts(`package models
type base struct { Kind string }
type Task struct {
	base
	ID     string \`json:"id"\`
	title  string \`json:"title"\`
	_      int
	Ünïcode, done bool
}
`);
      assert.deepEqual(
        f.models.map((m) => [m.name, m.bases, m.fields.map((x) => `${x.name}${x.unexported ? ' unexported' : ''}`)]),
        [
          ['base', [], ['Kind']],
          ['Task', ['base'], ['ID', 'title unexported', '_ unexported', 'Ünïcode', 'done unexported']],
        ],
      );
      assert.ok(!('unexported' in f.models[1].fields[0]), 'exported fields carry no flag');
    });

    it('reads the json name of a struct tag', () => {
      assert.equal(jsonName('json:"created_at,omitempty"'), 'created_at');
      assert.equal(jsonName('db:"x" json:"due"'), 'due');
      assert.equal(jsonName('json:"-"'), null);
      assert.equal(jsonName('json:"-,"'), '-', 'a field named - on the wire');
      assert.equal(jsonName('json:",omitempty"'), undefined);
      assert.equal(jsonName('xml:"title"'), undefined);
      assert.equal(jsonName(undefined), undefined);
    });
  });

  describe('imports and frameworks', () => {
    it('names each import by its package or its alias, and the routers Turbo does not read', () => {
      const f = facts(`package main
import "example.com/app/internal/handlers"
import (
	"net/http"
	store "example.com/app/internal/storage"
	_ "github.com/lib/pq"
	"github.com/go-chi/chi/v5"
	"github.com/labstack/echo/v4"
	"github.com/gofiber/fiber/v2"
	"github.com/gorilla/mux"
	"github.com/julienschmidt/httprouter"
)
`);
      assert.deepEqual(
        f.imports.map((i) => `${i.local}=${i.module}:${i.name}`),
        [
          'handlers=example.com/app/internal/handlers:*',
          'http=net/http:*',
          'store=example.com/app/internal/storage:*',
          'chi=github.com/go-chi/chi/v5:*',
          'echo=github.com/labstack/echo/v4:*',
          'fiber=github.com/gofiber/fiber/v2:*',
          'mux=github.com/gorilla/mux:*',
          'httprouter=github.com/julienschmidt/httprouter:*',
        ],
      );
      // Importing net/http (for status codes) is not routing through it.
      assert.deepEqual(f.frameworks, ['chi', 'echo', 'fiber', 'gorilla/mux', 'httprouter']);
    });

    it('reads no routes off the routers of chi, gorilla/mux and echo', () => {
      const f = facts(`package main
import (
	"net/http"
	"github.com/gorilla/mux"
	"github.com/go-chi/chi/v5"
	"github.com/labstack/echo/v4"
)
func main() {
	r := mux.NewRouter()
	r.HandleFunc("/tasks/{id}", getTask).Methods("GET")
	api := r.PathPrefix("/api").Subrouter()
	api.HandleFunc("/tasks", listTasks)
	c := chi.NewRouter()
	c.Get("/tasks", listTasks)
	c.Handle("/x", h)
	e := echo.New()
	e.GET("/tasks", list)
	register(r)
	http.ListenAndServe(":8080", r)
}
func routes(r chi.Router) { r.HandleFunc("/y", h) }
`);
      assert.deepEqual(regs(f), []);
      assert.deepEqual(routers(f), []);
      assert.deepEqual(mounts(f), []);
      assert.deepEqual(f.frameworks, ['gorilla/mux', 'chi', 'echo']);
    });
  });

  describe('net/http', () => {
    it('reads Go 1.22 patterns on a ServeMux: method, path, host dropped, subtree, {$}', () => {
      const f = facts(`package main
import "net/http"
const taskPath = "/tasks/{id}"
const api = "/api"
func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /tasks/{id}", getTask)
	mux.HandleFunc("POST  /tasks", createTask)
	mux.Handle("DELETE example.com/tasks/{id}", http.HandlerFunc(deleteTask))
	mux.HandleFunc("PUT "+taskPath, updateTask)
	mux.HandleFunc("GET "+api+"/health", health)
	mux.HandleFunc("GET /static/", files)
	mux.HandleFunc("GET /{$}", home)
	mux.HandleFunc("/", notFound)
	mux.HandleFunc(pattern(), other)
	http.ListenAndServe(":8080", mux)
}
`);
      assert.deepEqual(routers(f), ['app mux']);
      assert.deepEqual(regs(f), [
        'mux GET /tasks/{id}',
        'mux POST /tasks',
        'mux DELETE /tasks/{id}',
        'mux PUT /tasks/{id}',
        'mux GET /api/health',
        'mux GET /static/ …',
        'mux GET /',
        'mux - / …',
        'mux - ?',
      ]);
      assert.deepEqual(
        f.registrations.map((r) => r.line),
        [7, 8, 9, 10, 11, 12, 13, 14, 15],
      );
      assert.deepEqual(f.frameworks, ['net/http']);
      assert.deepEqual(mounts(f), [], 'ListenAndServe serves the mux; it mounts nothing');
    });

    it('parses ServeMux patterns', () => {
      assert.deepEqual(parsePattern('GET /tasks/{id}'), { method: 'GET', path: '/tasks/{id}', subtree: false });
      assert.deepEqual(parsePattern('/tasks/'), { method: undefined, path: '/tasks/', subtree: true });
      assert.deepEqual(parsePattern('api.example.com/v1/'), { method: undefined, path: '/v1/', subtree: true });
      assert.deepEqual(parsePattern('GET /tasks/{$}'), { method: 'GET', path: '/tasks/', subtree: false });
      assert.deepEqual(parsePattern('GET /files/{path...}'), {
        method: 'GET',
        path: '/files/{path...}',
        subtree: false,
      });
    });

    it('declares routers with var, with a type, and as a package variable', () => {
      const f = facts(`package main
import "net/http"
var router = http.NewServeMux()
var (
	admin *http.ServeMux
)
func init() {
	router.HandleFunc("GET /a", a)
	admin = http.NewServeMux()
	admin.HandleFunc("GET /b", b)
	var m = &http.ServeMux{}
	m.HandleFunc("GET /c", c)
}
`);
      assert.deepEqual(routers(f), ['app router', 'app admin', 'app m']);
      assert.deepEqual(regs(f), ['router GET /a', 'admin GET /b', 'm GET /c']);
    });

    it('registers http.HandleFunc and http.Handle on the default mux, named http', () => {
      const f = facts(`package main
import (
	"log"
	"net/http"
)
func main() {
	http.HandleFunc("/tasks", tasksHandler)
	http.Handle("/reset", http.HandlerFunc(reset))
	http.DefaultServeMux.HandleFunc("GET /health", health)
	log.Fatal(http.ListenAndServe(":8080", nil))
}
`);
      assert.deepEqual(routers(f), ['app http']);
      assert.equal(f.routers[0].line, 7);
      assert.deepEqual(regs(f), ['http - /tasks', 'http - /reset', 'http GET /health']);
      assert.deepEqual(f.frameworks, ['net/http']);
    });

    it('reads the methods a handler without a method in its pattern compares r.Method with', () => {
      const f = facts(`package main
import "net/http"
type Server struct{}
func (s *Server) handleTasks(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		list(w)
	case http.MethodPost, "PUT":
		create(w, r)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}
func reset(w http.ResponseWriter, req *http.Request) {
	if req.Method != "POST" {
		return
	}
}
const del = "DELETE"
func taskHandler(w http.ResponseWriter, r *http.Request) {
	if r.Method == del || r.Method == http.MethodHead { return }
}
func plain(w http.ResponseWriter, r *http.Request) {}
func main() {
	s := &Server{}
	mux := http.NewServeMux()
	mux.HandleFunc("/tasks", s.handleTasks)
	mux.HandleFunc("/reset", reset)
	mux.Handle("/tasks/", http.HandlerFunc(taskHandler))
	mux.HandleFunc("/inline", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch {}
	})
	mux.HandleFunc("/plain", plain)
	mux.HandleFunc("/elsewhere", handlers.Tasks)
	mux.HandleFunc("GET /typed", reset)
}
`);
      assert.deepEqual(regs(f), [
        'mux - /tasks [GET,POST,PUT]',
        'mux - /reset [POST]',
        // An == comparison may reject as well as serve: Turbo does not guess which.
        'mux - /tasks/ …',
        'mux - /inline',
        'mux - /plain',
        'mux - /elsewhere',
        'mux GET /typed',
      ]);
    });

    it('reads served methods only from a switch on r.Method and an early-return != guard', () => {
      const f = facts(`package main
import "net/http"
type Server struct{}
func readOnly(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost || r.Method == http.MethodDelete {
		http.Error(w, "read-only", 405)
		return
	}
	list(w)
}
func rejecting(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		list(w)
	case http.MethodDelete:
		w.Header().Set("Allow", "GET")
		http.Error(w, "no", http.StatusMethodNotAllowed)
	case "PUT":
		w.WriteHeader(405)
		return
	}
}
func servingDefault(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		http.Error(w, "no", http.StatusMethodNotAllowed)
	default:
		list(w)
	}
}
func fallsOut(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		list(w)
		return
	case http.MethodPost:
		create(w, r)
		return
	}
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
}
func servesAfter(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		list(w)
		return
	}
	create(w, r)
}
func twoGuards(w http.ResponseWriter, r *http.Request) {
	// Only GET and HEAD get past this.
	if r.Method != http.MethodGet && (r.Method != "HEAD") {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	list(w)
}
func guardThenEquals(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return
	}
	if r.Method == http.MethodPost {
		create(w, r)
	}
}
func noReturn(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "GET only", 405)
	}
	list(w)
}
func unreadValue(w http.ResponseWriter, r *http.Request, method string) {
	if r.Method != method {
		return
	}
}
func fallsThrough(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodHead:
		fallthrough
	case http.MethodGet:
		list(w)
	}
}
func (s *Server) handleReset() http.HandlerFunc {
	s.count++
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		reset(w)
	}
}
func main() {
	s := &Server{}
	http.HandleFunc("/tasks", readOnly)
	http.HandleFunc("/rejecting", rejecting)
	http.HandleFunc("/default", servingDefault)
	http.HandleFunc("/falls-out", fallsOut)
	http.HandleFunc("/serves-after", servesAfter)
	http.HandleFunc("/two-guards", twoGuards)
	http.HandleFunc("/guard-then-equals", guardThenEquals)
	http.HandleFunc("/no-return", noReturn)
	http.HandleFunc("/unread", unreadValue)
	http.HandleFunc("/falls-through", fallsThrough)
	http.HandleFunc("/reset", s.handleReset())
}
`);
      assert.deepEqual(regs(f), [
        'http - /tasks',
        'http - /rejecting [GET]',
        'http - /default',
        'http - /falls-out [GET,POST]',
        'http - /serves-after',
        'http - /two-guards [GET,HEAD]',
        'http - /guard-then-equals',
        'http - /no-return',
        'http - /unread',
        'http - /falls-through',
        'http - /reset [POST]',
      ]);
    });

    it('names parameters of router types Func(index), methods included, the receiver not counted', () => {
      const f = facts(`package handlers
import "net/http"
type Handler struct{}
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /tasks", h.list)
}
func Register(store *Store, a, b *http.ServeMux, _ int) {
	b.HandleFunc("POST /reset", reset)
	a.Handle("GET /x", x)
}
`);
      assert.deepEqual(routers(f), ['param Routes(0)', 'param Register(1)', 'param Register(2)']);
      assert.deepEqual(regs(f), ['Routes(0) GET /tasks', 'Register(2) POST /reset', 'Register(1) GET /x']);
      assert.deepEqual(f.frameworks, ['net/http']);
    });

    it('mounts a router under http.StripPrefix, a sub-mux handed to Handle, and routers passed to functions', () => {
      const f = facts(`package main
import (
	"net/http"
	"example.com/app/internal/handlers"
	api "example.com/app/internal/api"
)
func main() {
	mux := http.NewServeMux()
	sub := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", sub))
	mux.Handle("/v2/", http.StripPrefix("/v2", api.Router))
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("."))))
	mux.Handle("/all/", sub)
	registerRoutes(mux)
	handlers.Register(mux)
	h := handlers.New(nil)
	h.Routes(mux)
	t := &handlers.Tasks{}
	t.Mount(nil, mux)
	srv := newServer()
	srv.routes(mux)
	api2 := h.Sub()
	api2.Attach(mux)
	h.Sub().Attach(mux)
	handlers.New(nil).Attach(mux)
	http.Handle("/old/", http.StripPrefix("/old", sub))
	http.ListenAndServe(":8080", logging(mux))
}
`);
      assert.deepEqual(routers(f), ['app mux', 'app sub', 'app http']);
      assert.deepEqual(mounts(f), [
        'mux <- sub /api',
        'mux <- api.Router /v2',
        'mux <- sub ',
        'mux <- registerRoutes(0) ',
        'mux <- handlers.Register(0) ',
        'mux <- handlers.Routes(0) ',
        'mux <- handlers.Mount(1) ',
        'mux <- routes(0) ',
        'mux <- Attach(0) ',
        'mux <- Attach(0) ',
        'mux <- handlers.Attach(0) ',
        'http <- sub /old',
        'mux <- logging(0) ',
      ]);
      assert.deepEqual(regs(f), ['mux - /static/ …']);
    });

    it('does not take a func literal parameter for the router of the same name around it', () => {
      const f = facts(`package main
import "net/http"
func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /a", a)
	each(func(mux Registry) { mux.HandleFunc("/b", b) })
}
`);
      assert.deepEqual(regs(f), ['mux GET /a']);
    });

    it('reads a receiver it cannot place (a router of another file) by the framework the file imports', () => {
      const f = facts(`package main
import "net/http"
func routes() {
	mux.HandleFunc("GET /a", a)
}
`);
      assert.deepEqual(routers(f), []);
      assert.deepEqual(regs(f), ['mux GET /a']);
      const none = facts(`package main
func routes() { mux.HandleFunc("GET /a", a) }
`);
      assert.deepEqual(regs(none), [], 'a file that does not import net/http registers nothing');
    });
  });

  it('reads routers held in struct fields as Struct.field, in methods and through struct values', () => {
    const f = facts(`package main
import (
	"net/http"
	"github.com/gin-gonic/gin"
)
type Server struct {
	store  *Store
	mux    *http.ServeMux
	engine *gin.Engine
	api    *gin.RouterGroup
}
func NewServer() *Server {
	s := &Server{store: NewStore(), mux: http.NewServeMux(), engine: gin.New()}
	s.api = s.engine.Group("/api")
	registerMore(s.mux)
	return s
}
func (s *Server) routes() {
	s.mux.HandleFunc("GET /tasks", s.list)
	s.api.GET("/tasks/:id", s.get)
	v1 := s.engine.Group("/v1")
	v1.POST("/x", s.x)
	s.store.Handle("/nope", nil)
}
func (a *App) other() {
	a.router.GET("/elsewhere", h)
}
`);
    assert.deepEqual(routers(f), ['app Server.mux', 'app Server.engine', 'router Server.api /api', 'router v1 /v1']);
    assert.deepEqual(regs(f), [
      'Server.mux GET /tasks',
      'Server.api GET /tasks/:id',
      'v1 POST /x',
      // App is declared in another file of the package: its field may be a router there.
      'App.router GET /elsewhere',
    ]);
    assert.deepEqual(mounts(f), [
      'Server.engine <- Server.api ',
      'Server.mux <- registerMore(0) ',
      'Server.engine <- v1 ',
    ]);
  });

  describe('gin', () => {
    it('reads gin.Default and gin.New, every verb, Any, Handle and Match', () => {
      const f = facts(`package main
import (
	"net/http"
	"github.com/gin-gonic/gin"
)
const byID = "/tasks/:id"
func main() {
	r := gin.Default()
	r.GET("/tasks", list)
	r.POST("/tasks", create)
	r.PUT(byID, update)
	r.PATCH(byID, patch)
	r.DELETE(byID, remove)
	r.HEAD("/h", h)
	r.OPTIONS("/o", o)
	r.Any("/any", any)
	r.Handle("POST", "/reset", reset)
	r.Handle(http.MethodGet, "/health", health)
	r.Match([]string{http.MethodGet, "POST"}, "/both", both)
	r.GET(path(), x)
	r.Use(gin.Logger())
	r.Run(":8080")
	e := gin.New()
	e.GET("/e", e1)
}
`);
      assert.deepEqual(routers(f), ['app r', 'app e']);
      assert.deepEqual(regs(f), [
        'r GET /tasks',
        'r POST /tasks',
        'r PUT /tasks/:id',
        'r PATCH /tasks/:id',
        'r DELETE /tasks/:id',
        'r HEAD /h',
        'r OPTIONS /o',
        'r * /any',
        'r POST /reset',
        'r GET /health',
        'r GET /both',
        'r POST /both',
        'r GET ?',
        'e GET /e',
      ]);
      assert.deepEqual(f.frameworks, ['gin']);
      assert.deepEqual(mounts(f), []);
    });

    it('reads groups as routers with their prefix, mounted on their parent', () => {
      const f = facts(`package main
import "github.com/gin-gonic/gin"
func main() {
	router := gin.Default()
	api := router.Group("/api")
	{
		tasks := api.Group("/tasks")
		tasks.GET("", list)
		tasks.GET("/:id", get)
	}
	v := router.Group(version())
	v.GET("/x", x)
	router.POST("/reset", reset)
	setupRoutes(router)
}
func setupRoutes(r *gin.Engine) {
	g := r.Group("/v1")
	g.GET("/y", y)
}
`);
      assert.deepEqual(routers(f), [
        'app router',
        'router api /api',
        'router tasks /tasks',
        'router v',
        'param setupRoutes(0)',
        'router g /v1',
      ]);
      assert.deepEqual(mounts(f), [
        'router <- api ',
        'api <- tasks ',
        'router <- v ?',
        'router <- setupRoutes(0) ',
        'setupRoutes(0) <- g ',
      ]);
      assert.deepEqual(regs(f), ['tasks GET ', 'tasks GET /:id', 'v GET /x', 'router POST /reset', 'g GET /y']);
    });

    it('takes every gin router type as a parameter', () => {
      const f = facts(`package routes
import g "github.com/gin-gonic/gin"
func A(e *g.Engine) { e.GET("/a", a) }
func B(rg *g.RouterGroup) { rg.GET("/b", b) }
func C(r g.IRouter) { r.POST("/c", c) }
func D(r g.IRoutes, ctx *g.Context) { r.DELETE("/d", d) }
`);
      assert.deepEqual(routers(f), ['param A(0)', 'param B(0)', 'param C(0)', 'param D(0)']);
      assert.deepEqual(regs(f), ['A(0) GET /a', 'B(0) GET /b', 'C(0) POST /c', 'D(0) DELETE /d']);
      assert.deepEqual(f.frameworks, ['gin']);
    });
  });

  it('never throws on broken code and still reads what it can', () => {
    const f = facts(`package main
import "net/http"
type Task struct {
	ID string \`json:"id"\`
	Title
}
func main() {
	mux := http.NewServeMux(
	mux.HandleFunc("GET /tasks", list)
	}}} func (
`);
    assert.deepEqual(
      f.models.map((m) => m.name),
      ['Task'],
    );
    assert.ok(f.models[0].fields.some((x) => x.name === 'ID'));
    for (const source of ['', 'package', 'func (', '`', 'type X struct { A int `json:"a', 'r.GET(']) facts(source);
  });
});

describe('Go conformance check on generated projects', () => {
  const FIXTURES = path.resolve(__dirname, '../fixtures/conformance');
  const temps: string[] = [];

  after(() => {
    for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Replaces `from` (which must occur exactly once) in a file of the copied project. */
  interface Edit {
    file: string;
    from: string;
    to: string;
  }

  /** Copies a fixture's project, plants the edits, runs the check: every clause name → its status. */
  async function check(fixture: string, edits: Edit[] = []): Promise<Map<string, string>> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `turbo-${fixture}-`));
    temps.push(dir);
    fs.cpSync(path.join(FIXTURES, fixture, 'project'), dir, { recursive: true });
    for (const edit of edits) {
      const file = path.join(dir, edit.file);
      const text = fs.readFileSync(file, 'utf8');
      assert.equal(text.split(edit.from).length, 2, `${edit.file} holds ${JSON.stringify(edit.from)} once`);
      fs.writeFileSync(file, text.replace(edit.from, edit.to));
    }
    const contract = fs.readFileSync(path.join(FIXTURES, fixture, 'contract.md'), 'utf8');
    const report = await checkConformance(contract, dir);
    return new Map(report.clauses.map((c) => [c.name, c.status]));
  }

  /** Every clause met except `expected`, which has the given statuses. */
  function assertOnly(statuses: Map<string, string>, expected: Record<string, string>): void {
    for (const name of Object.keys(expected)) assert.ok(statuses.has(name), `a clause ${name}`);
    const wrong = [...statuses].filter(([name, status]) => status !== (expected[name] ?? 'met'));
    assert.deepEqual(wrong, [], 'clauses whose status differs from the expected');
  }

  describe('net/http (Go 1.22 patterns)', () => {
    const MODELS = 'internal/models/task.go';
    const SERVER = 'internal/handlers/server.go';
    const COMPLETED = 'Completed   bool      `json:"completed"`';

    it('meets every clause of the contract in the conformant project', async () => {
      const statuses = await check('go-nethttp');
      assert.equal(statuses.size, 3 + 6 + 3 + 2 + 6);
      assertOnly(statuses, {});
    });

    it('calls a removed field missing', async () => {
      assertOnly(await check('go-nethttp', [{ file: MODELS, from: COMPLETED, to: '' }]), {
        'Task.Completed': 'missing',
      });
    });

    it('calls a renamed field missing', async () => {
      const edit = { file: MODELS, from: COMPLETED, to: 'Done bool `json:"done"`' };
      assertOnly(await check('go-nethttp', [edit]), { 'Task.Completed': 'missing' });
    });

    it('calls bool changed to string a mismatch', async () => {
      const edit = { file: MODELS, from: COMPLETED, to: 'Completed string `json:"completed"`' };
      assertOnly(await check('go-nethttp', [edit]), { 'Task.Completed': 'mismatch' });
    });

    it('calls a field made unexported a mismatch, json tag or not', async () => {
      const edit = { file: MODELS, from: 'ID          string ', to: 'id          string ' };
      assertOnly(await check('go-nethttp', [edit]), { 'Task.ID': 'mismatch' });
    });

    it('calls a removed struct missing, and its fields with it', async () => {
      const edit = {
        file: MODELS,
        from: 'type TaskList struct {\n\tTasks []Task `json:"tasks"`\n\tTotal int    `json:"total"`\n}',
        to: '',
      };
      assertOnly(await check('go-nethttp', [edit]), {
        TaskList: 'missing',
        'TaskList.Tasks': 'missing',
        'TaskList.Total': 'missing',
      });
    });

    it('calls a route that is not registered missing', async () => {
      const edit = { file: SERVER, from: '\tmux.HandleFunc("POST /reset", ts.resetHandler)\n', to: '' };
      assertOnly(await check('go-nethttp', [edit]), { 'POST /reset': 'missing' });
    });

    it('calls a route registered under another method missing', async () => {
      const edit = { file: SERVER, from: '"PUT /tasks/{id}"', to: '"PATCH /tasks/{id}"' };
      assertOnly(await check('go-nethttp', [edit]), { 'PUT /tasks/{id}': 'missing' });
    });

    it('meets a route whose path parameter has another name', async () => {
      const edits = [
        { file: SERVER, from: '"GET /tasks/{id}"', to: '"GET /tasks/{taskID}"' },
        {
          file: 'internal/handlers/tasks.go',
          from: 'task, err := ts.store.Get(req.PathValue("id"))',
          to: 'task, err := ts.store.Get(req.PathValue("taskID"))',
        },
      ];
      assertOnly(await check('go-nethttp', edits), {});
    });

    it('meets a pattern without a method when its handler checks r.Method, and cannot tell when it does not', async () => {
      // The handler is a method declared in another file: Turbo reads r.Method checks in the registering file only.
      const open = { file: SERVER, from: '"POST /reset"', to: '"/reset"' };
      assertOnly(await check('go-nethttp', [open]), { 'POST /reset': 'unknown' });
      const checked = {
        file: SERVER,
        from: '\tmux.HandleFunc("POST /reset", ts.resetHandler)\n',
        to: [
          '\tmux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {',
          '\t\tif r.Method != http.MethodPost {',
          '\t\t\thttp.Error(w, "POST only", http.StatusMethodNotAllowed)',
          '\t\t\treturn',
          '\t\t}',
          '\t\tts.resetHandler(w, r)',
          '\t})',
          '',
        ].join('\n'),
      };
      assertOnly(await check('go-nethttp', [checked]), {});
      const wrong = { ...checked, to: checked.to.replace('MethodPost', 'MethodDelete') };
      assertOnly(await check('go-nethttp', [wrong]), { 'POST /reset': 'missing' });
    });

    it('cannot tell which methods a handler serves when it only rejects some with ==, and reads a switch', async () => {
      const both =
        '\tmux.HandleFunc("POST /tasks", ts.createTaskHandler)\n\tmux.HandleFunc("GET /tasks", ts.listTasksHandler)\n';
      const handler = (body: string[]) => ({
        file: SERVER,
        from: both,
        to: ['\tmux.HandleFunc("/tasks", func(w http.ResponseWriter, r *http.Request) {', ...body, '\t})', ''].join(
          '\n',
        ),
      });
      const readOnly = handler([
        '\t\tif r.Method == http.MethodPost || r.Method == http.MethodDelete {',
        '\t\t\thttp.Error(w, "read-only", http.StatusMethodNotAllowed)',
        '\t\t\treturn',
        '\t\t}',
        '\t\tts.listTasksHandler(w, r)',
      ]);
      assertOnly(await check('go-nethttp', [readOnly]), { 'POST /tasks': 'unknown', 'GET /tasks': 'unknown' });
      const switched = handler([
        '\t\tswitch r.Method {',
        '\t\tcase http.MethodGet:',
        '\t\t\tts.listTasksHandler(w, r)',
        '\t\tcase http.MethodPost:',
        '\t\t\tts.createTaskHandler(w, r)',
        '\t\tdefault:',
        '\t\t\thttp.Error(w, "method not allowed", http.StatusMethodNotAllowed)',
        '\t\t}',
      ]);
      assertOnly(await check('go-nethttp', [switched]), {});
      const refused = { ...switched, to: switched.to.replace('ts.createTaskHandler(w, r)', 'w.WriteHeader(405)') };
      assertOnly(await check('go-nethttp', [refused]), { 'POST /tasks': 'missing' });
    });

    it('follows a mux mounted under http.StripPrefix: its routes move under the prefix', async () => {
      const edit = {
        file: 'main.go',
        from: '\tserver.Register(mux)\n',
        to: '\tapi := http.NewServeMux()\n\tserver.Register(api)\n\tmux.Handle("/api/", http.StripPrefix("/api", api))\n',
      };
      const routes = [
        'POST /tasks',
        'GET /tasks',
        'GET /tasks/{id}',
        'PUT /tasks/{id}',
        'DELETE /tasks/{id}',
        'POST /reset',
      ];
      assertOnly(await check('go-nethttp', [edit]), Object.fromEntries(routes.map((r) => [r, 'missing'])));
      const back = { ...edit, to: edit.to.replace('StripPrefix("/api", api)', 'StripPrefix("", api)') };
      assertOnly(await check('go-nethttp', [back]), {});
    });

    it('answers unknown for the routes of a router Turbo does not read (chi), and still judges the models', async () => {
      const server = fs.readFileSync(path.join(FIXTURES, 'go-nethttp/project', SERVER), 'utf8');
      const register = server.slice(server.indexOf('func (ts *TaskServer) Register'));
      const chi = [
        'func (ts *TaskServer) Register(r chi.Router) {',
        '\tr.Post("/tasks", ts.createTaskHandler)',
        '\tr.Get("/tasks", ts.listTasksHandler)',
        '\tr.Get("/tasks/{id}", ts.getTaskHandler)',
        '\tr.Put("/tasks/{id}", ts.replaceTaskHandler)',
        '\tr.Delete("/tasks/{id}", ts.deleteTaskHandler)',
        '\tr.Post("/reset", ts.resetHandler)',
        '}',
        '',
      ].join('\n');
      const edits = [
        { file: SERVER, from: register, to: chi },
        { file: SERVER, from: '\t"net/http"\n', to: '\t"github.com/go-chi/chi/v5"\n' },
        { file: 'main.go', from: 'mux := http.NewServeMux()', to: 'mux := chi.NewRouter()' },
        { file: 'main.go', from: '\t"os"\n', to: '\t"os"\n\n\t"github.com/go-chi/chi/v5"\n' },
      ];
      const routes = [
        'POST /tasks',
        'GET /tasks',
        'GET /tasks/{id}',
        'PUT /tasks/{id}',
        'DELETE /tasks/{id}',
        'POST /reset',
      ];
      assertOnly(await check('go-nethttp', edits), Object.fromEntries(routes.map((r) => [r, 'unknown'])));
    });

    it('cannot tell about routes registered in a function nothing calls with the mux', async () => {
      const edit = { file: 'main.go', from: '\tserver.Register(mux)\n', to: '' };
      const routes = [
        'POST /tasks',
        'GET /tasks',
        'GET /tasks/{id}',
        'PUT /tasks/{id}',
        'DELETE /tasks/{id}',
        'POST /reset',
      ];
      assertOnly(await check('go-nethttp', [edit]), Object.fromEntries(routes.map((r) => [r, 'unknown'])));
    });
  });

  describe('gin', () => {
    const MODELS = 'internal/models/models.go';
    const ROUTES = 'internal/routes/routes.go';

    it('meets every clause of the contract in the conformant project', async () => {
      const statuses = await check('go-gin');
      assert.equal(statuses.size, 3 + 7 + 4 + 1 + 6);
      assertOnly(statuses, {});
    });

    it('calls a removed field missing', async () => {
      const edit = { file: MODELS, from: '\tPriority  int        `json:"priority"`\n', to: '' };
      assertOnly(await check('go-gin', [edit]), { 'Task.Priority': 'missing' });
    });

    it('calls a renamed field missing', async () => {
      const edit = { file: MODELS, from: 'Labels    []string   `json:"labels"`', to: 'Tags []string `json:"tags"`' };
      assertOnly(await check('go-gin', [edit]), { 'Task.Labels': 'missing' });
    });

    it('calls bool changed to string a mismatch', async () => {
      const edit = { file: MODELS, from: 'Done      bool       `json:"done"`', to: 'Done string `json:"done"`' };
      assertOnly(await check('go-gin', [edit]), { 'Task.Done': 'mismatch' });
    });

    it('calls a removed struct missing, and its field with it', async () => {
      const edit = { file: MODELS, from: 'type StatusResponse struct {\n\tStatus string `json:"status"`\n}', to: '' };
      assertOnly(await check('go-gin', [edit]), { StatusResponse: 'missing', 'StatusResponse.Status': 'missing' });
    });

    it('calls a route that is not registered missing', async () => {
      const edit = { file: ROUTES, from: '\t\ttasks.DELETE("/:id", ts.DeleteTask)\n', to: '' };
      assertOnly(await check('go-gin', [edit]), { 'DELETE /tasks/{id}': 'missing' });
    });

    it('calls a route registered under another method missing', async () => {
      const edit = { file: ROUTES, from: 'tasks.PATCH("/:id"', to: 'tasks.PUT("/:id"' };
      assertOnly(await check('go-gin', [edit]), { 'PATCH /tasks/{id}': 'missing' });
    });

    it('calls a route registered outside the group missing', async () => {
      const edit = { file: ROUTES, from: 'tasks.GET("/:id"', to: 'r.GET("/:id"' };
      assertOnly(await check('go-gin', [edit]), { 'GET /tasks/{id}': 'missing' });
    });

    it('moves every route of the group with its prefix', async () => {
      const edit = { file: ROUTES, from: 'r.Group("/tasks")', to: 'r.Group("/api/tasks")' };
      const routes = ['POST /tasks', 'GET /tasks', 'GET /tasks/{id}', 'PATCH /tasks/{id}', 'DELETE /tasks/{id}'];
      assertOnly(await check('go-gin', [edit]), Object.fromEntries(routes.map((r) => [r, 'missing'])));
    });

    it('meets routes whose path parameter has another name, and one registered with Any', async () => {
      const edits = [
        ...['GET', 'PATCH', 'DELETE'].map((verb) => ({
          file: ROUTES,
          from: `tasks.${verb}("/:id"`,
          to: `tasks.${verb}("/:taskID"`,
        })),
        { file: 'internal/handlers/tasks.go', from: 'c.Param("id")', to: 'c.Param("taskID")' },
        { file: ROUTES, from: 'r.POST("/reset"', to: 'r.Any("/reset"' },
      ];
      assertOnly(await check('go-gin', edits), {});
    });
  });
});
