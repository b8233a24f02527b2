import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, UsageError } from '../../src/cli/args';
import { main } from '../../src/cli/cli';
import { runTestCommand } from '../../src/core/testing/runner';
import { CerebrasStandIn, fileBlocks } from '../standin/server';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const FILES = { 'app/main.py': 'print("hi")\n', 'app/__init__.py': '', 'README.md': '# Demo\n\n```sh\nrun\n```\n' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runInProcess(
  argv: string[],
  env: Record<string, string | undefined>,
  answer?: string,
): Promise<Run & { questions: string[] }> {
  let stdout = '';
  let stderr = '';
  const questions: string[] = [];
  const tty = answer === undefined ? {} : { prompt: async (q: string) => (questions.push(q), answer) };
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
    isTTY: answer !== undefined,
    ...tty,
  });
  return { code, stdout, stderr, questions };
}

function runProcess(argv: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...argv], { env: { PATH: process.env.PATH, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('turbo CLI', () => {
  const standin = new CerebrasStandIn();
  let dir: string;
  let contract: string;
  let env: Record<string, string>;
  before(async () => {
    await standin.start();
    env = { CEREBRAS_API_KEY: standin.apiKey, CEREBRAS_BASE_URL: standin.url };
  });
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-cli-'));
    contract = path.join(dir, 'tasks.contract.md');
    await fs.writeFile(contract, '# Build a task API\n\n## RULES\n- FastAPI\n');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));
  after(() => standin.close());

  it('runs as a real process: writes the files exactly and prints the JSON report', async () => {
    await fs.access(CLI).catch(() => assert.fail('dist/cli.js is missing: run npm run build first'));
    standin.enqueue({ content: fileBlocks(FILES, 'Sure!\n'), chunkSize: 9 });
    const run = await runProcess(['generate', contract, '--out', path.join(dir, 'out'), '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      Object.keys(report).sort(),
      [
        'continuations',
        'cost_usd',
        'duration_ms',
        'files',
        'finish_reason',
        'model',
        'rejected',
        'truncated',
        'unfinished',
        'usage',
        'warnings',
      ].sort(),
    );
    assert.deepEqual(report.files, [
      { path: 'app/main.py', lines: 1, bytes: 12 },
      { path: 'app/__init__.py', lines: 0, bytes: 0 },
      { path: 'README.md', lines: 5, bytes: Buffer.byteLength(FILES['README.md']) },
    ]);
    assert.equal(report.finish_reason, 'stop');
    assert.equal(report.truncated, false);
    assert.equal(report.model, 'gpt-oss-120b');
    assert.ok(report.usage.prompt_tokens > 0 && report.usage.completion_tokens > 0);
    assert.equal(typeof report.duration_ms, 'number');
    const expectedCost = (report.usage.prompt_tokens * 0.35 + report.usage.completion_tokens * 0.75) / 1e6;
    assert.ok(Math.abs(report.cost_usd - expectedCost) < 1e-12);
    for (const [p, c] of Object.entries(FILES)) assert.equal(await fs.readFile(path.join(dir, 'out', p), 'utf8'), c);
    assert.doesNotMatch(run.stdout + run.stderr, new RegExp(standin.apiKey));
  });

  it('parse-output reads real captured output from stdin, or a JUnit file, and prints diagnostics', async () => {
    const project = path.join(dir, 'proj');
    await fs.cp(path.resolve(__dirname, '../fixtures/projects/node-test'), project, { recursive: true });
    const run = await runTestCommand({
      cwd: project,
      command: `"${process.execPath}" --test --test-reporter=junit --test-reporter-destination=report.xml --test-reporter=tap --test-reporter-destination=stdout`,
    });
    let stdout = '';
    const io = {
      stdout: (t: string) => (stdout += t),
      stderr: () => undefined,
      env: {},
      isTTY: false,
      readStdin: async () => run.output,
    };
    assert.equal(await main(['parse-output', '--cwd', project, '--json'], io), 1);
    const json = JSON.parse(stdout);
    assert.deepEqual([json.runner, json.passed, json.failed], ['node', 1, 2]);
    assert.deepEqual(
      json.diagnostics.map((d: { file: string; line: number; column: number }) => `${d.file}:${d.line}:${d.column}`),
      ['test/lib.test.js:6:10', 'test/lib.test.js:14:16'],
    );
    // The values the runner printed, for a diff; only where it printed both.
    assert.deepEqual(
      json.diagnostics.map((d: { expected?: string; actual?: string }) => [d.expected, d.actual]),
      [
        ["'hello-world'", "'hello_world'"],
        [undefined, undefined],
      ],
    );
    stdout = '';
    assert.equal(await main(['parse-output', '--cwd', project], io), 1);
    assert.match(
      stdout,
      /^test\/lib\.test\.js:14:16: error: TypeError: Cannot read properties of undefined \(reading 'reduce'\) \[total of missing items\]\nlib\.js:6:16: note: raised here/m,
    );
    stdout = '';
    assert.equal(
      await main(['parse-output', '--cwd', project, '--junit', path.join(project, 'report.xml'), '--json'], io),
      1,
    );
    const junit = JSON.parse(stdout);
    assert.equal(junit.runner, 'junit');
    assert.deepEqual(
      junit.diagnostics.map((d: { file: string; line: number }) => `${d.file}:${d.line}`),
      ['test/lib.test.js:6', 'test/lib.test.js:14'],
    );
    let stderr = '';
    const quiet = { ...io, stderr: (t: string) => (stderr += t), readStdin: async () => 'hello\nworld\n' };
    assert.equal(await main(['parse-output'], quiet), 1);
    assert.match(stderr, /could not tell which test runner/);
    assert.equal(await main(['parse-output', '--runner', 'nose'], quiet), 2);
  });

  it('prints help for every command', async () => {
    const help = await runInProcess(['--help'], {});
    assert.equal(help.code, 0);
    assert.match(help.stdout, /turbo generate CONTRACT_FILE --out DIR/);
    for (const command of ['test', 'parse-output', 'fix', 'check']) {
      const h = await runInProcess(['help', command], {});
      assert.match(h.stdout, new RegExp(`^turbo ${command} `));
      assert.match(h.stdout, /Exit status/);
    }
    const gen = await runInProcess(['help', 'generate'], {});
    for (const flag of ['--out', '--model', '--json', '--overwrite', '--max-tokens'])
      assert.match(gen.stdout, new RegExp(flag));
  });

  it('check: the contract against the code, as a real process, with lines, JSON and honest exit codes', async () => {
    const fixture = path.resolve(__dirname, '../fixtures/conformance/fastapi');
    const code = path.join(dir, 'code');
    await fs.cp(path.join(fixture, 'project'), code, { recursive: true });
    const good = await runProcess(['check', path.join(fixture, 'contract.md'), '--dir', code], {});
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /^(\d+)\/\1 clauses met · \d+ files read \(python; fastapi\)/m);
    const models = path.join(code, 'app/models.py');
    await fs.writeFile(models, (await fs.readFile(models, 'utf8')).replace(/completed: bool/, 'completed: str'));
    const bad = await runProcess(['check', path.join(fixture, 'contract.md'), '--dir', code, '--json'], {});
    assert.equal(bad.code, 1);
    const report = JSON.parse(bad.stdout);
    const completed = report.clauses.find((c: { name: string }) => c.name.endsWith('.completed'));
    assert.equal(completed.status, 'mismatch');
    assert.match(completed.detail, /^declared bool, found str in app\/models.py:\d+$/);
    assert.equal(report.met, report.total - 1);

    // A swapped argument (the code as the contract) or a file that declares nothing is never a pass.
    const swapped = await runInProcess(['check', models, '--dir', code], {});
    assert.equal(swapped.code, 2);
    assert.match(swapped.stderr, /is source code, not a contract/);
    const prose = await runInProcess(['check', contract, '--dir', code], {});
    assert.equal(prose.code, 1);
    assert.match(prose.stderr, /declares no models or routes Turbo can read, so nothing was checked/);
    const noDir = await runInProcess(['check', contract], {});
    assert.equal(noDir.code, 2);
    assert.match(noDir.stderr, /check needs --dir DIR/);
  });

  it('check: a file name cannot start a line of its own in the text output', async () => {
    const code = path.join(dir, 'code');
    await fs.mkdir(code);
    await fs.writeFile(path.join(code, 'm\nALL CLAUSES MET x.py'), 'class task:\n    id: str\n');
    const c = path.join(dir, 'c.md');
    await fs.writeFile(c, '## DATA CONTRACT\n\nclass Task(BaseModel):\n    id: str\n');
    const run = await runInProcess(['check', c, '--dir', code], {});
    assert.equal(run.code, 1);
    assert.ok(!run.stdout.split('\n').some((l) => l.startsWith('ALL CLAUSES MET')), run.stdout);
    assert.match(run.stdout, /there is task in m\\nALL CLAUSES MET x\.py:1/);
  });

  it('uses --model and CEREBRAS_MODEL', async () => {
    standin.enqueue({ content: fileBlocks({ 'a.txt': 'a\n' }) }, { content: fileBlocks({ 'b.txt': 'b\n' }) });
    const a = await runInProcess(['generate', contract, '--out', dir, '--model', 'llama-3.3-70b', '--json'], env);
    assert.equal(JSON.parse(a.stdout).model, 'llama-3.3-70b');
    const b = await runInProcess(['generate', contract, '--out', dir, '--json'], {
      ...env,
      CEREBRAS_MODEL: 'qwen-3-32b',
    });
    assert.equal(JSON.parse(b.stdout).model, 'qwen-3-32b');
    const sent = standin.chatRequests.slice(-2).map((r) => (r.body as { model: string }).model);
    assert.deepEqual(sent, ['llama-3.3-70b', 'qwen-3-32b']);
  });

  it('says when the model was retired and what to use instead, and still uses it', async () => {
    standin.enqueue({ content: fileBlocks({ 'a.txt': 'a\n' }) }, { content: fileBlocks({ 'b.txt': 'b\n' }) });
    const retired = await runInProcess(['generate', contract, '--out', dir, '--model', 'llama3.1-8b'], env);
    assert.equal(retired.code, 0);
    assert.match(retired.stderr, /llama3\.1-8b was retired by Cerebras on 2026-05-27; use gpt-oss-120b/);
    const current = await runInProcess(['generate', contract, '--out', dir, '--overwrite', 'always'], env);
    assert.doesNotMatch(current.stderr, /retired/);
  });

  it('fails with one line on stderr and exit 1 for a wrong key, writing nothing', async () => {
    const run = await runInProcess(['generate', contract, '--out', path.join(dir, 'out')], {
      ...env,
      CEREBRAS_API_KEY: 'csk-notthekey123',
    });
    assert.equal(run.code, 1);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.match(run.stderr, /rejected the API key/);
    assert.doesNotMatch(run.stderr, /csk-notthekey123/);
    await assert.rejects(fs.access(path.join(dir, 'out', 'a.txt')));
  });

  it('says "truncated" and exits non-zero when the output was cut off and continuation is off', async () => {
    standin.enqueue({ content: '<FILE path="a.txt">\nA\n</FILE>\n<FILE path="b.txt">\nhal', finishReason: 'length' });
    const before = standin.chatRequests.length;
    const run = await runInProcess(
      ['generate', contract, '--out', path.join(dir, 'out'), '--json', '--max-continuations', '0'],
      env,
    );
    assert.equal(standin.chatRequests.length, before + 1);
    assert.equal(run.code, 3);
    assert.match(run.stderr, /truncated/);
    const report = JSON.parse(run.stdout);
    assert.equal(report.truncated, true);
    assert.equal(report.finish_reason, 'length');
    assert.deepEqual(report.unfinished, ['b.txt']);
    assert.deepEqual(await fs.readdir(path.join(dir, 'out')), ['a.txt']);
  });

  it('continues a cut-off answer and stitches the file together', async () => {
    standin.enqueue(
      { content: '<FILE path="a.txt">\nA\n</FILE>\n<FILE path="b.txt">\nfirst half, ', finishReason: 'length' },
      { content: 'second half\n</FILE>\n<FILE path="c.txt">\nC\n</FILE>\n' },
    );
    const run = await runInProcess(['generate', contract, '--out', path.join(dir, 'out'), '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.continuations, 1);
    assert.equal(report.truncated, false);
    assert.equal(await fs.readFile(path.join(dir, 'out', 'b.txt'), 'utf8'), 'first half, second half\n');
    assert.deepEqual((await fs.readdir(path.join(dir, 'out'))).sort(), ['a.txt', 'b.txt', 'c.txt']);
    assert.match(run.stderr, /cut off inside b\.txt/);
  });

  it('rejects bad numbers for --max-continuations and --idle-timeout', async () => {
    for (const args of [
      ['--max-continuations', '-1'],
      ['--idle-timeout', '0'],
      ['--max-continuations', 'two'],
    ]) {
      const run = await runInProcess(['generate', contract, '--out', dir, ...args], env);
      assert.equal(run.code, 2, args.join(' '));
    }
  });

  it('--overwrite ask asks at a terminal and keeps existing files otherwise', async () => {
    const out = path.join(dir, 'out');
    await fs.mkdir(out);
    await fs.writeFile(path.join(out, 'a.txt'), 'mine\n');
    standin.enqueue({ content: fileBlocks({ 'a.txt': 'theirs\n' }) });
    const piped = await runInProcess(['generate', contract, '--out', out], env);
    assert.equal(piped.code, 0);
    assert.equal(await fs.readFile(path.join(out, 'a.txt'), 'utf8'), 'mine\n');
    assert.match(piped.stderr, /not written: a\.txt/);

    standin.enqueue({ content: fileBlocks({ 'a.txt': 'theirs\n' }) });
    const atTerminal = await runInProcess(['generate', contract, '--out', out], env, 'y');
    assert.equal(atTerminal.code, 0);
    assert.equal(atTerminal.questions.length, 1);
    assert.match(atTerminal.stderr, /This generated file already exists:\n  a\.txt/);
    assert.equal(await fs.readFile(path.join(out, 'a.txt'), 'utf8'), 'theirs\n');
  });

  describe('faults through the real CLI process: no partial file, no key in any output', () => {
    const cases: {
      name: string;
      scenarios: import('../standin/server').Scenario[];
      args?: string[];
      code: number;
      stderr: RegExp;
      files: string[];
    }[] = [
      {
        name: '429 then success',
        scenarios: [{ status: 429, headers: { 'retry-after': '0' } }, { content: fileBlocks(FILES) }],
        code: 0,
        stderr: /Retrying \(attempt 2 of 3\)/,
        files: ['README.md', 'app/__init__.py', 'app/main.py'],
      },
      {
        name: '500 then success',
        scenarios: [{ status: 500, headers: { 'retry-after-ms': '5' } }, { content: fileBlocks(FILES) }],
        code: 0,
        stderr: /server error \(500\)/,
        files: ['README.md', 'app/__init__.py', 'app/main.py'],
      },
      {
        name: 'a cut connection',
        scenarios: [
          { content: fileBlocks({ 'a.txt': 'A\n', 'big.txt': 'x'.repeat(3000) }), chunkSize: 20, cutAfterChunks: 20 },
        ],
        code: 1,
        stderr: /connection to Cerebras failed/,
        files: ['a.txt'],
      },
      {
        name: 'a stalled stream',
        scenarios: [
          { content: fileBlocks({ 'a.txt': 'A\n', 'big.txt': 'x'.repeat(3000) }), chunkSize: 20, stallAfterChunks: 20 },
        ],
        args: ['--idle-timeout', '1'],
        code: 1,
        stderr: /stopped sending for 1 s/,
        files: ['a.txt'],
      },
      {
        name: 'finish_reason "length" with continuation off',
        scenarios: [{ content: '<FILE path="a.txt">\nA\n</FILE>\n<FILE path="b.txt">\nB', finishReason: 'length' }],
        args: ['--max-continuations', '0'],
        code: 3,
        stderr: /truncated/,
        files: ['a.txt'],
      },
      {
        name: 'a wrong key',
        scenarios: [{ content: fileBlocks(FILES) }],
        code: 1,
        stderr: /rejected the API key/,
        files: [],
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        standin.enqueue(...c.scenarios);
        const out = path.join(dir, 'out');
        const key = c.name === 'a wrong key' ? 'csk-wrongkeywrongkey' : standin.apiKey;
        const run = await runProcess(['generate', contract, '--out', out, ...(c.args ?? [])], {
          ...env,
          CEREBRAS_API_KEY: key,
        });
        assert.equal(run.code, c.code, run.stderr);
        assert.match(run.stderr, c.stderr);
        const written = await fs.readdir(out, { recursive: true, withFileTypes: true }).catch(() => []);
        const files = written
          .filter((e) => e.isFile())
          .map((e) => path.relative(out, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
          .sort();
        assert.deepEqual(files, c.files, 'only complete files, and no temporary file, are on disk');
        assert.ok(!(run.stdout + run.stderr).includes(key), 'the key is in no output');
      });
    }
  });

  it('lists refused paths in "rejected"', async () => {
    standin.enqueue({ content: fileBlocks({ '../escape.txt': 'x', 'ok.txt': 'ok\n' }) });
    const run = await runInProcess(['generate', contract, '--out', path.join(dir, 'out'), '--json'], env);
    assert.equal(run.code, 0);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.rejected, [{ path: '../escape.txt', reason: "'..' segment", status: 'rejected' }]);
    await assert.rejects(fs.access(path.join(dir, 'escape.txt')));
  });

  it('explains a missing key, a missing contract and bad flags', async () => {
    const noKey = await runInProcess(['generate', contract, '--out', dir], { CEREBRAS_BASE_URL: standin.url });
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /CEREBRAS_API_KEY is not set/);
    const missing = await runInProcess(['generate', path.join(dir, 'nope.md'), '--out', dir], env);
    assert.match(missing.stderr, /cannot read .*nope\.md: ENOENT/);
    const noOut = await runInProcess(['generate', contract], env);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /--out DIR/);
    const bad = await runInProcess(['generate', contract, '--out', dir, '--frobnicate'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown option --frobnicate/);
  });
});

describe("turbo's arguments (node:util parseArgs, strict)", () => {
  const spec = { boolean: ['json', 'quiet', 'q', 'help', 'h'], value: ['cwd', 'cmd', 'timeout'] };
  const parsed = (argv: string[]) => {
    const { flags, positionals } = parseArgs(argv, spec);
    return { flags: Object.fromEntries(flags), positionals };
  };
  const refused = (argv: string[]) => {
    try {
      parseArgs(argv, spec);
    } catch (err) {
      assert.ok(err instanceof UsageError, String(err));
      return err.message;
    }
    return assert.fail(`${argv.join(' ')} was accepted`);
  };

  it('takes --flag=value and --flag value (the last one wins); -- ends the flags; - is an argument', () => {
    assert.deepEqual(parsed(['--cwd=a', 'x', '--cwd', 'b', '--json', '-', '--', '--quiet', '-h']), {
      flags: { cwd: 'b', json: true },
      positionals: ['x', '-', '--quiet', '-h'],
    });
    assert.deepEqual(parsed(['--cmd=--version', '--timeout=-5']).flags, { cmd: '--version', timeout: '-5' });
  });

  it('reads one-letter flags as short options, grouped or not', () => {
    assert.deepEqual(parsed(['-qh']).flags, { q: true, h: true });
    assert.deepEqual(parsed(['-q', '--help']).flags, { q: true, help: true });
  });

  it('refuses unknown flags and missing values, saying what to write instead', () => {
    assert.equal(refused(['--frobnicate']), 'unknown option --frobnicate');
    assert.equal(refused(['-out', 'dir']), 'unknown option -out');
    assert.equal(refused(['--cwd']), '--cwd needs a value');
    assert.equal(refused(['--json=yes']), '--json takes no value');
    assert.equal(
      refused(['--cmd', '--json']),
      '--cmd needs a value (got --json; to pass a value that starts with -, write --cmd=VALUE)',
    );
    assert.match(refused(['--timeout', '-5']), /--timeout needs a value \(got -5; .* write --timeout=VALUE\)/);
  });
});

/** A real node --test project: four tests of src/calc.js, which the contract asks for. */
const CALC_TESTS = `const test = require('node:test');
const assert = require('node:assert/strict');
const calc = require('../src/calc.js');
test('add', () => assert.equal(calc.add(2, 3), 5));
test('sub', () => assert.equal(calc.sub(5, 3), 2));
test('mul', () => assert.equal(calc.mul(2, 3), 6));
test('div', () => assert.equal(calc.div(6, 3), 2));
`;
const GOOD_CALC =
  'exports.add = (a, b) => a + b;\nexports.sub = (a, b) => a - b;\nexports.mul = (a, b) => a * b;\nexports.div = (a, b) => a / b;\n';
const BUGGY_CALC = GOOD_CALC.replace('a * b', 'a + b');
const BROKEN_CALC = 'exports.add = (a, b) => {\n';

describe('turbo race', () => {
  const standin = new CerebrasStandIn();
  let dir: string;
  let project: string;
  let contract: string;
  let env: Record<string, string>;
  before(async () => {
    await standin.start();
    env = { CEREBRAS_API_KEY: standin.apiKey, CEREBRAS_BASE_URL: standin.url, PATH: process.env.PATH ?? '' };
  });
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-cli-race-'));
    project = path.join(dir, 'calc');
    await fs.mkdir(path.join(project, 'test'), { recursive: true });
    await fs.writeFile(
      path.join(project, 'package.json'),
      '{ "private": true, "scripts": { "test": "node --test" } }\n',
    );
    await fs.writeFile(path.join(project, 'test/calc.test.js'), CALC_TESTS);
    contract = path.join(dir, 'calc.contract.md');
    await fs.writeFile(
      contract,
      '# Calculator\n\nsrc/calc.js (CommonJS) exports add, sub, mul and div of two numbers.\n',
    );
  });
  afterEach(async () => {
    standin.clearQueue();
    await fs.rm(dir, { recursive: true, force: true });
  });
  after(() => standin.close());

  const answer = (calc: string) => ({ content: fileBlocks({ 'src/calc.js': calc }), chunkSize: 64 });

  it('the passing candidate wins over a buggy one: exit 0, the JSON shape, the detected command named', async () => {
    standin.enqueue(answer(BUGGY_CALC), answer(GOOD_CALC));
    const run = await runInProcess(['race', contract, '--out', project, '--candidates', '2', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /testing each candidate with "npm test" \(package\.json has a test script \("node --test"\)\)/,
    );
    const report = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(report), [
      'winner',
      'green',
      'candidates',
      'files',
      'duration_ms',
      'usage',
      'cost_usd',
      'output_dir',
      'asked',
      'ran',
      'not_written',
      'baseline_ran',
      'max_completion_tokens',
      'cancelled',
      'error',
      'notices',
    ]);
    assert.equal(report.green, true);
    assert.deepEqual([report.asked, report.ran, report.cancelled, report.error], [2, 2, false, null]);
    assert.equal(report.output_dir, project);
    const bytes = Buffer.byteLength(GOOD_CALC);
    assert.deepEqual(report.files, [{ path: 'src/calc.js', lines: 4, bytes, overwritten: false }]);
    const winner = report.candidates.find((c: { candidate: number }) => c.candidate === report.winner);
    const loser = report.candidates.find((c: { candidate: number }) => c.candidate !== report.winner);
    assert.deepEqual(Object.keys(winner).slice(0, 7), [
      'candidate',
      'green',
      'passed',
      'failed',
      'refused',
      'files',
      'error',
    ]);
    assert.deepEqual(
      [winner.green, winner.passed, winner.failed, winner.refused, winner.error, winner.loads],
      [true, 4, 0, [], null, true],
    );
    assert.deepEqual(winner.files, [{ path: 'src/calc.js', lines: 4, bytes }]);
    assert.deepEqual([loser.green, loser.passed, loser.failed], [false, 3, 1]);
    for (const c of report.candidates) {
      assert.ok(c.tokens > 0 && c.duration_ms > 0 && c.cost_usd > 0, JSON.stringify(c));
      assert.ok('not_green_because' in c && 'conformance' in c && 'new_tests' in c);
    }
    assert.ok(report.usage.completion_tokens > 0 && report.cost_usd > 0);
    assert.equal(await fs.readFile(path.join(project, 'src/calc.js'), 'utf8'), GOOD_CALC);
    assert.ok(!run.stdout.includes('a * b'), 'never the code');
    assert.deepEqual((await fs.readdir(project)).sort(), ['package.json', 'src', 'test'], 'nothing but the winner');
  });

  it('no green candidate: exit 1, the best is still written, one line per candidate', async () => {
    standin.enqueue(answer(BROKEN_CALC), answer(BUGGY_CALC));
    const run = await runInProcess(
      ['race', contract, '--out', project, '--candidates', '2', '--cmd', 'node --test'],
      env,
    );
    assert.equal(run.code, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /testing each candidate with/, '--cmd is used as given');
    assert.equal(await fs.readFile(path.join(project, 'src/calc.js'), 'utf8'), BUGGY_CALC);
    const rows = run.stdout.split('\n').filter((l) => /^ {2}\d {2}/.test(l));
    assert.equal(rows.length, 2, run.stdout);
    assert.ok(
      rows.some((l) => /^ {2}\d {2}✗ +3 passed, 1 failed · 4 lines · \d+ tokens · \d+\.\d s · \$0\.\d{4}$/.test(l)),
      run.stdout,
    );
    assert.match(run.stdout, /^No candidate is green; the best, candidate \d \(3 passed, 1 failed\), was written\.$/m);
    assert.match(run.stdout, /^ {2}\+ src\/calc\.js \(4 lines\)$/m);
    assert.match(run.stdout, /^1 file, 4 lines written to .*calc \(2 candidates in \d+\.\d\d s, \$0\.\d{4}\)$/m);
  });

  it('a folder without a test setup: says so, the shorter candidate lands, and nothing is green (exit 1)', async () => {
    const bare = path.join(dir, 'bare');
    standin.enqueue({ content: fileBlocks({ 'a.txt': 'a\nb\n' }) }, { content: fileBlocks({ 'a.txt': 'a\n' }) });
    const run = await runInProcess(['race', contract, '--out', bare, '--candidates', '2'], env);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /no test command found in .*bare .*scored by the contract check, then fewer lines/);
    assert.equal((run.stdout.match(/^ {2}\d {2}✗ +not tested · /gm) ?? []).length, 2, run.stdout);
    assert.equal(await fs.readFile(path.join(bare, 'a.txt'), 'utf8'), 'a\n');
  });

  it('--candidates outside 2-8 is a usage error (exit 2) that says the range, before any request', async () => {
    const before = standin.chatRequests.length;
    for (const n of ['9', '1', 'three']) {
      const run = await runInProcess(['race', contract, '--out', project, '--candidates', n], env);
      assert.equal(run.code, 2);
      assert.match(run.stderr, new RegExp(`--candidates takes a whole number from 2 to 8; got "?${n}"?`));
    }
    const noOut = await runInProcess(['race', contract], env);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /race needs --out DIR/);
    assert.equal(standin.chatRequests.length, before);
    const help = await runInProcess(['help', 'race'], {});
    assert.match(help.stdout, /^turbo race CONTRACT_FILE --out DIR/);
    assert.match((await runInProcess(['--help'], {})).stdout, /turbo race CONTRACT_FILE/);
  });

  it('Ctrl+C mid-race, as a real process: every scratch copy is removed and the exit is non-zero', async () => {
    await fs.access(CLI).catch(() => assert.fail('dist/cli.js is missing: run npm run build first'));
    const tmp = path.join(dir, 'tmp');
    await fs.mkdir(tmp);
    let release = () => undefined as void;
    const until = new Promise<void>((resolve) => (release = resolve));
    const held = {
      content: fileBlocks({ 'src/calc.js': GOOD_CALC }),
      chunkSize: 8,
      pauseAfterChunks: { chunks: 2, until },
    };
    standin.enqueue(held, { ...held });
    const before = standin.chatRequests.length;
    const child = spawn(
      process.execPath,
      [CLI, 'race', contract, '--out', project, '--candidates', '2', '--cmd', 'node --test'],
      { env: { ...env, TMPDIR: tmp, TEMP: tmp, TMP: tmp }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const scratch = async () => (await fs.readdir(tmp)).filter((n) => n.startsWith('turbo-race-'));
      await waitFor(async () => standin.chatRequests.length - before === 2 && (await scratch()).length > 0);
      child.kill('SIGINT');
      const code = await exited;
      assert.notEqual(code, 0, stderr);
      assert.equal(code, 130, stderr);
      assert.deepEqual(await scratch(), [], 'no scratch copy is left in the temp folder');
      await assert.rejects(fs.access(path.join(project, 'src/calc.js')), 'nothing landed');
    } finally {
      release();
      child.kill('SIGKILL');
    }
  });
});

/** Polls until `check` is true (10 s at most). */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > end) assert.fail('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
