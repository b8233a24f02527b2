import * as path from 'node:path';
import { RUNNER_NAMES } from '../core/testing/parsers/types';
import { DEFAULT_CANDIDATES, MAX_CANDIDATES, MIN_CANDIDATES } from '../core/race/types';

export const MAIN_HELP = `turbo — contract-driven code generation on Cerebras Inference

Usage:
  turbo generate CONTRACT_FILE --out DIR [options]
  turbo race CONTRACT_FILE --out DIR [--candidates N] [--cmd "..."] [--json]
  turbo test [--cwd DIR] [--cmd "..."] [--json]
  turbo parse-output [--cwd DIR] [--runner R] [--json] < OUTPUT_FILE
  turbo fix [--cwd DIR] [--rounds N] [--json]
  turbo check CONTRACT_FILE --dir DIR [--json]
  turbo mcp
  turbo help [COMMAND]
  turbo --version

Commands:
  generate   Stream an implementation of CONTRACT_FILE from the model and write its files into DIR.
  race       Generate N candidates side by side, run the tests in a scratch copy of DIR for each,
             and write the best one into DIR.
  test       Run the folder's tests and print the failures as file:line:col diagnostics.
  parse-output
             Read captured test output (or a JUnit XML file) and print its failures.
  fix        Run the tests, ask the model for surgical SEARCH/REPLACE fixes, re-test until green.
  check      Check the code in DIR against the contract's models, fields and routes (no model call).
  mcp        Serve the MCP tools (generate, generate_and_write_files, race_and_write_files,
             run_tests, check_contract, check_status) over stdio.
  help       Show help for a command.

Environment:
  CEREBRAS_API_KEY    your API key (required)
  CEREBRAS_BASE_URL   API base URL (default https://api.cerebras.ai); CEREBRAS_URL is accepted too
  CEREBRAS_MODEL      default model when --model is not given (default gpt-oss-120b)
  HTTPS_PROXY, HTTP_PROXY, NO_PROXY
                      proxy for requests to the API (lower-case names work too)
  TURBO_REQUEST_TIMEOUT
                      seconds to wait for the API to start answering, per attempt (1-600, default 30);
                      a request is tried at most 3 times
  TURBO_TEST_ENV_DENY variables test commands must not see, besides CEREBRAS_API_KEY (comma-separated
                      names, e.g. NPM_TOKEN,GH_TOKEN); their values are redacted from test output

Run 'turbo help COMMAND' for a command's options.
`;

export const GENERATE_HELP = `turbo generate CONTRACT_FILE --out DIR [options]

Sends the contract in CONTRACT_FILE to the model, streams the answer, and writes each
<FILE path="..."> block into DIR as soon as it is complete. Paths that would leave DIR,
or land in .git, .vscode or node_modules, are refused. A file cut off by the end of the
stream is never written: Turbo first asks the model to continue it (see
--max-continuations) and stitches the rest on.

Options:
  --out DIR                  output folder (created when missing)            [required]
  --model M                  model id (default: $CEREBRAS_MODEL or gpt-oss-120b)
  --overwrite ask|always|never
                             files that already exist in DIR: ask once at the end
                             (only at a terminal; otherwise keep them), always
                             replace them, or never                           [default: ask]
  --max-tokens N             cap on completion tokens per request, 1-1000000,
                             reserved from the per-minute quota
                                         [default: sized from the contract, 8192-32768]
  --max-continuations N      follow-up requests when the answer is cut off,
                             0-10; 0 turns continuation off                   [default: 2]
  --idle-timeout S           abort when the stream sends nothing for S seconds,
                             1-3600                                           [default: 60]
  --json                     print one JSON object with the result on stdout
  -q, --quiet                print nothing but errors (and the JSON with --json)
  -h, --help                 show this help

Exit status:
  0  the generation completed and its files were written
  1  the generation failed (API key, network, rate limit, server); the message says what to do
  2  the command line, CEREBRAS_MODEL or CEREBRAS_BASE_URL was wrong (the message names it)
  3  the output was truncated: a file was still cut off after the continuations

JSON output (--json):
  {"files":[{"path":"app/main.py","lines":8,"bytes":190}],
   "rejected":[{"path":"../x","reason":"'..' segment","status":"rejected"}],
   "finish_reason":"stop","truncated":false,
   "usage":{"prompt_tokens":412,"completion_tokens":980},
   "unfinished":[],"warnings":[],"continuations":0,
   "duration_ms":640,"model":"gpt-oss-120b","cost_usd":0.00088}
  On failure an "error":{"kind":"auth","message":"..."} member is added.
`;

export const RACE_HELP = `turbo race CONTRACT_FILE --out DIR [options]

Sends the contract to the model N times side by side. Each candidate is written into its own
scratch copy of DIR (in the system temp folder; large folders such as node_modules are linked,
not copied), and the project's test command runs in each copy. The best candidate is written
into DIR: green first (the command exited 0 and at least as many tests ran as before), then
more tests passed, code that loads, more contract clauses met, fewer lines. Existing test
files are the judge: a candidate may not change them (such writes are refused and reported).
Every scratch copy is removed afterwards, also on an error or Ctrl+C.

Without --cmd the command is detected in DIR as for turbo test (npm test, pytest, go test
./..., cargo test) and named on stderr with the reason; with no command at all the contract
check (turbo check) and then fewer lines decide.

Options:
  --out DIR                  the project folder the winner is written into   [required]
  --candidates N             how many candidates, ${MIN_CANDIDATES}-${MAX_CANDIDATES}                           [default: ${DEFAULT_CANDIDATES}]
  --cmd "..."                test command line, run by the shell in each copy
  --model M                  model id (default: $CEREBRAS_MODEL or gpt-oss-120b)
  --overwrite ask|always|never
                             the winner's files that already exist in DIR, as
                             for turbo generate                               [default: ask]
  --timeout S                per test run, in seconds, 1-86400                [default: 300]
  --max-continuations N      follow-up requests per candidate when its answer
                             is cut off, 0-10                                 [default: 2]
  --protect GLOB             no candidate may write files matching GLOB either
                             (repeatable; as turbo.protectedPaths); existing
                             test files are always protected
  --json                     print one JSON object with the result on stdout
  -q, --quiet                print nothing but errors (and the JSON with --json)
  -h, --help                 show this help

Lines (without --json): one per candidate (number, green or ✗, passed/failed, lines,
tokens, seconds, cost, refused writes), the winner, the files written.

Exit status:
  0  a green winner was written
  1  no candidate is green (the best one is still written), or the race failed
  2  wrong command line (--candidates outside ${MIN_CANDIDATES}-${MAX_CANDIDATES} included)
  130 interrupted (Ctrl+C): the scratch copies are removed first

JSON output (--json):
  {"winner":2,"green":true,
   "candidates":[{"candidate":1,"green":false,"passed":3,"failed":1,
     "refused":[{"path":"test/calc.test.js","reason":"..."}],
     "files":[{"path":"src/calc.js","lines":17,"bytes":300}],"error":null,
     "loads":true,"conformance":null,"not_green_because":null,"new_tests":[],
     "lines":17,"tokens":410,"duration_ms":1900,"cost_usd":0.0004}, ...],
   "files":[{"path":"src/calc.js","lines":15,"bytes":280,"overwritten":true}],
   "duration_ms":2300,"usage":{"prompt_tokens":900,"completion_tokens":1300},"cost_usd":0.0013,
   "output_dir":"/abs/DIR","asked":3,"ran":3,"not_written":[],"baseline_ran":4,
   "max_completion_tokens":8192,"cancelled":false,"error":null,"notices":[]}
  "winner" is null when no candidate could be written; "files" are the winner's files as
  written into DIR; "not_written" the ones the overwrite policy kept out. Never the code.
`;

export const MCP_HELP = `turbo mcp

Serves Turbo as an MCP server over stdio (the same as \`node dist/mcp.js\`), for coding agents.
Tools, with the names and arguments of the speed-run plugin's Turbo MCP server:
  generate(prompt, system_prompt?, max_tokens?)             the model's text answer
  generate_and_write_files(prompt, output_dir, system_prompt?)
                                                            writes the files; returns metadata only
  race_and_write_files(prompt, output_dir, candidates?, test_command?)
                                                            2-8 candidates, each tested in a scratch
                                                            copy; the best is written; metadata only
  run_tests(project_dir, command?, timeout_seconds?)        located test failures as JSON
  check_status()                                            configuration and the models your key has

Environment:
  CEREBRAS_API_KEY                  your API key (required for the tools that call the model)
  CEREBRAS_MODEL                    model id (default gpt-oss-120b)
  CEREBRAS_BASE_URL / CEREBRAS_URL  API base URL (CEREBRAS_URL may include /v1)
  TURBO_OVERWRITE                   always (default) or never, exactly: files that already exist
                                    in output_dir (each written file says overwritten true/false)
  TURBO_MAX_CONTINUATIONS           follow-up requests for a cut-off answer, 0 to 10 (default 2)
  TURBO_ALLOWED_DIRS                more folders agents may write into and run tests in: absolute,
                                    existing, separated by "${path.delimiter}"
  HTTPS_PROXY / HTTP_PROXY / NO_PROXY  proxy for requests to the API
  TURBO_REQUEST_TIMEOUT             seconds to wait for the API to start answering (1-600, default 30)
  TURBO_TEST_ENV_DENY               variables run_tests' commands must not see besides CEREBRAS_API_KEY
                                    (comma-separated names)
  A wrong value is an error on every generate_and_write_files and run_tests call (and in
  check_status), never a silent default.

Where agents may write: output_dir and project_dir must lie inside the client's MCP roots when
it lists any (they replace the working directory), else inside the server's working directory,
or inside a TURBO_ALLOWED_DIRS folder. Real paths are compared, so a symlink that leads out is
outside. Relative values resolve against the working directory; "" and ~ are refused.
Prompt and system_prompt together are limited to 2 MB; a message over the stdio transport's
10 MiB is dropped and answered with an error.
`;

const RUNNERS = RUNNER_NAMES.join(', ');

const DIAGNOSTICS_JSON = `  {"diagnostics":[{"file":"tests/test_x.py","line":7,"column":1,"message":"assert 4 == 5",
     "severity":"error","test":"tests/test_x.py::test_add",
     "related":[{"file":"calc.py","line":6,"column":1,"message":"raised here: ..."}]}],
   "runner":"pytest","passed":1,"failed":2}
  "file" is relative to the folder when it lies inside it. "expected" and "actual" are
  added when the runner printed both values. "passed" is null when the runner does not
  print it (go test without -v).`;

export const TEST_HELP = `turbo test [--cwd DIR] [--cmd "..."] [options]

Runs the tests of DIR and prints each failure as file:line:col: error: message, with the
related lines (for example where the exception was raised) as notes. Without --cmd the
command is detected: npm test (package.json with a test script), pytest (pytest.ini,
pyproject.toml, setup.cfg, tox.ini or tests/*.py), go test ./... (go.mod), cargo test
(Cargo.toml). Colour is turned off through NO_COLOR, FORCE_COLOR=0, CARGO_TERM_COLOR and CI.

Options:
  --cwd DIR        folder to run in                                      [default: .]
  --cmd "..."      test command line (run by the shell)
  --runner R       read the output as: auto, ${RUNNERS}                  [default: auto]
  --timeout S      stop the run (and every process it started) after S seconds,
                   1-86400                                               [default: 300]
  --json           print one JSON object on stdout (the output is not echoed)
  -q, --quiet      do not echo the test output to stderr
  -h, --help       show this help

Exit status: 0 the tests pass; 1 they fail, time out or cannot run; 2 wrong command line.

JSON output (--json): the parse-output object plus "command", "exit_code", "timed_out",
"duration_ms" and "green":
${DIAGNOSTICS_JSON}
`;

export const PARSE_OUTPUT_HELP = `turbo parse-output [--cwd DIR] [--runner R] [--json] [FILE] < OUTPUT_FILE
turbo parse-output --junit REPORT.xml [--cwd DIR] [--json]

Reads test output captured from a runner (from FILE or standard input) and prints its
failures as file:line:col: error: message. Relative paths resolve against --cwd. Frames in
installed packages, the standard library or the runner are skipped.

Options:
  --cwd DIR        the folder the tests ran in                           [default: .]
  --runner R       auto, ${RUNNERS}                                      [default: auto]
  --junit FILE     read a JUnit XML report (pytest --junitxml, jest-junit, vitest or
                   mocha junit/xunit reporters)
  --json           print one JSON object on stdout
  -h, --help       show this help

Exit status: 0 no failures; 1 failures found, or the runner could not be told; 2 wrong command line.

JSON output (--json):
${DIAGNOSTICS_JSON}
`;

export const FIX_HELP = `turbo fix [--cwd DIR] [--rounds N] [options]

The test loop, headless: runs the tests, sends the failures, the test output and the files
they point at to the model, asks for minimal SEARCH/REPLACE edits, applies them (each SEARCH
must match exactly once; a fix applies whole or not at all; files are replaced atomically),
and re-runs the tests. It stops when the tests pass, when a round does not reduce the
failures, or after N rounds. The tests are the judge: an edit to a file that exists and looks
like a test (test_*.py, *_test.py, conftest.py, *.test.*, *.spec.*, *_test.go, anything in
tests/, test/, __tests__/ …) or that adds one is refused, and a run that passes with fewer
tests than the first run is not green.

Options:
  --cwd DIR        project folder                                        [default: .]
  --cmd "..."      test command line (default: detected, as for turbo test)
  --rounds N       at most N fix rounds, 1-20                            [default: 3]
  --contract FILE  the contract the code implements (sent as the source of truth)
  --model M        model id (default: $CEREBRAS_MODEL or gpt-oss-120b)
  --timeout S      per test run, in seconds, 1-86400                     [default: 300]
  --protect GLOB   never write files matching GLOB either (repeatable; as turbo.protectedPaths)
  --json           print one JSON object: outcome, rounds (changed files, cost), final run
  -q, --quiet      print only the summary
  -h, --help       show this help

Exit status: 0 the tests pass at the end; 1 otherwise; 2 wrong command line, CEREBRAS_MODEL
or CEREBRAS_BASE_URL.
Needs CEREBRAS_API_KEY (and optionally CEREBRAS_BASE_URL), as turbo generate.
`;

export const CHECK_HELP = `turbo check CONTRACT_FILE --dir DIR [--json]

Checks the code in DIR against the contract without a model call: every model the contract
declares must exist (a class, interface, type or struct of that name), with every field
(a clearly different type is a mismatch: bool vs str, int vs string; list[Task], List[Task],
Task[], Array<Task> and []Task are the same), and every route must be registered with its
method and path (path parameters match by position, whatever their name).

Reads Python (FastAPI, Flask, Pydantic, dataclasses, SQLAlchemy), TypeScript and JavaScript
(Express, interfaces, types, classes, zod) and Go (net/http 1.22 patterns, gin, structs with
json tags) with tree-sitter. Test files, dependencies and build output are not read.
What it cannot tell is "unknown", never a guess. Behaviour is the tests' job.

Options:
  --dir DIR        the folder the code is in (required)
  --json           print one JSON object on stdout
  -h, --help       show this help

Exit status: 0 every clause met; 1 a clause is missing, mismatched or unknown, the contract
declares no models or routes, or it could not be read; 2 wrong command line (a source file
given as the contract included).

Lines (without --json): CONTRACT_FILE:LINE: STATUS: NAME: DETAIL for each unmet clause, then
"N/M clauses met".

JSON output (--json):
  {"clauses":[{"kind":"model|field|route","name":"Task.title","contract_line":7,
    "status":"met|missing|mismatch|unknown","detail":"declared bool, found str in app/models.py:12",
    "file":"app/models.py","line":12}],"met":11,"total":13,"files_read":4,
    "languages":["python"],"frameworks":["fastapi"],"duration_ms":23}
  (file and line are null when the code does not have the clause)
`;
