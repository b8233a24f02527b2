import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCliInProcess, type CliRun } from '../../support/cliRun';
import type { CerebrasStandIn } from '../../standin/server';
import { standInSuite } from '../../support/standInSuite';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

// What a terminal acts on or what reorders/hides text: C0 but tab and newline, DEL, C1, bidi, zero-width.
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;

const OSC52 = 'x\u001b]52;c;Y3VybCBldmlsIHwgc2g=\u0007.py';
const CLEAR = 'y\u001b[2J.py';
const C1 = 'z\u009b2J.py';
const BIDI = 'gpj.\u202eexe.py';

function assertSafe(text: string, where: string): void {
  const m = UNSAFE.exec(text);
  assert.ok(
    !m,
    `${where} holds U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')}: ${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 30), (m?.index ?? 0) + 30))}`,
  );
}

/** An answer whose paths and cut-off file carry escape sequences, continued once. */
function hostileAnswer(standin: CerebrasStandIn): void {
  const block = (p: string, body: string) => `<FILE path="${p}">\n${body}</FILE>\n`;
  standin.enqueue(
    {
      content:
        block(OSC52, 'a\n') +
        block(C1, 'b\n') +
        block(BIDI, 'c\n') +
        block('../\u001b[31mescape.txt', 'd\n') +
        `<FILE path="${CLEAR}">\nfirst `,
      finishReason: 'length',
    },
    { content: 'half\n</FILE>\n' },
  );
}

describe('model-chosen and test-output text reaches the terminal escaped (CLI)', () => {
  const suite = standInSuite();
  const { standin } = suite;
  let dir: string;
  let contract: string;
  let env: Record<string, string>;
  before(() => (env = suite.env));
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-term-'));
    contract = path.join(dir, 'c.contract.md');
    await fs.writeFile(contract, '# Build a thing\n');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('generate: paths, refused paths and notices print with their control characters escaped', async () => {
    hostileAnswer(standin);
    const r = await runCliInProcess(
      ['generate', contract, '--out', path.join(dir, 'out'), '--max-continuations', '1'],
      env,
    );
    assertSafe(r.stdout, 'stdout');
    assertSafe(r.stderr, 'stderr');
    // Still legible: the escape is shown, not dropped.
    assert.match(r.stdout + r.stderr, /\\x1b\]52;c;Y3VybCBldmlsIHwgc2g=\\x07/);
    assert.match(r.stderr, /cut off inside y\\x1b\[2J\.py/);
  });

  it('generate --json: parses, keeps the names exactly, and holds no raw C1 or bidi character', async () => {
    hostileAnswer(standin);
    const r = await runCliInProcess(
      ['generate', contract, '--out', path.join(dir, 'out'), '--max-continuations', '1', '--json'],
      env,
    );
    assertSafe(r.stdout, 'stdout');
    assertSafe(r.stderr, 'stderr');
    const report = JSON.parse(r.stdout);
    const named = [
      ...report.files.map((f: { path: string }) => f.path),
      ...report.rejected.map((f: { path: string }) => f.path),
    ];
    assert.ok(
      named.includes(OSC52) && named.includes(CLEAR),
      `the JSON carries the real names: ${JSON.stringify(named)}`,
    );
    for (const p of named)
      assert.ok(
        [OSC52, CLEAR, C1, BIDI, '../\u001b[31mescape.txt'].includes(p),
        `the JSON carries the real name: ${JSON.stringify(p)}`,
      );
    // A name the guard lets through is in the JSON as an escape, e.g. \u009b.
    if (named.includes(C1)) assert.ok(r.stdout.includes('z\\u009b2J.py'));
  });

  it('the real process (dist/cli.js) writes no raw control character to its streams', async () => {
    await fs.access(CLI).catch(() => assert.fail('dist/cli.js is missing: run npm run build first'));
    hostileAnswer(standin);
    const r = await new Promise<CliRun>((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'generate', contract, '--out', path.join(dir, 'out'), '--max-continuations', '1'],
        { env: { PATH: process.env.PATH, ...env } },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    assertSafe(r.stdout, 'stdout');
    assertSafe(r.stderr, 'stderr');
    assert.match(r.stdout + r.stderr, /\\x1b\]52/);
  });

  it('an error message from the server is escaped, in text and in JSON', async () => {
    const body = {
      message: 'bad \u001b]52;c;Y3VybA==\u0007 request \u202e\u009b',
      type: 'invalid_request_error',
      param: '',
      code: 'bad_request',
    };
    standin.enqueue({ status: 400, errorBody: body }, { status: 400, errorBody: body });
    const text = await runCliInProcess(['generate', contract, '--out', path.join(dir, 'out')], env);
    assert.equal(text.code, 1);
    assertSafe(text.stderr, 'stderr');
    assert.match(text.stderr, /\\x1b\]52/, 'the message is shown, escaped');
    const json = await runCliInProcess(['generate', contract, '--out', path.join(dir, 'out'), '--json'], env);
    assertSafe(json.stdout, 'stdout');
    assertSafe(json.stderr, 'stderr');
    assert.equal(JSON.parse(json.stdout).error.kind, 'bad_request');
  });

  // Escape sequences leave test output before it is parsed (as a terminal would show it), so the name
  // carries what survives that and must still be escaped: a lone ESC, a bidi override, a C1 CSI.
  const hostileTs = 'x\u001b\u202e\u009b.ts';

  /** A location is reported only for a file that exists: this one's name carries the hostile characters. */
  const writeHostileFile = async () => {
    await fs.mkdir(path.join(dir, 'src'), { recursive: true });
    await fs.writeFile(path.join(dir, 'src', hostileTs), '\n\n\n');
  };

  const tscOutput = `src/${hostileTs}(3,5): error TS2322: Type \u001b[2J'x' is not \u202eassignable\u009b to 'number'.\n`;

  it('parse-output: file names and messages from test output are escaped', async () => {
    await writeHostileFile();
    const r = await runCliInProcess(['parse-output', '--cwd', dir, '--runner', 'tsc'], env, tscOutput);
    assert.equal(r.code, 1, r.stderr);
    assertSafe(r.stdout, 'stdout');
    assertSafe(r.stderr, 'stderr');
    assert.match(r.stdout, /:3:5: error: TS2322/);
  });

  it('parse-output --json: valid JSON with the exact text, no raw C1 or bidi character', async () => {
    await writeHostileFile();
    const r = await runCliInProcess(['parse-output', '--cwd', dir, '--runner', 'tsc', '--json'], env, tscOutput);
    assertSafe(r.stdout, 'stdout');
    const json = JSON.parse(r.stdout);
    assert.match(json.diagnostics[0].message, /\u202eassignable\u009b/);
  });

  it('turbo test: output streamed from the tests and the diagnostics are escaped', async () => {
    const script = path.join(dir, 'noisy.js');
    await fs.writeFile(
      script,
      `process.stdout.write('\\u001b]0;owned\\u0007\\u001b[32mok\\u001b[0m \\u202eline\\r\\n'); process.stderr.write('\\u009b2J\\n'); process.exit(1);`,
    );
    const r = await runCliInProcess(['test', '--cwd', dir, '--cmd', `node noisy.js`], env);
    assert.equal(r.code, 1);
    assertSafe(r.stdout, 'stdout');
    assertSafe(r.stderr, 'stderr');
    assert.match(r.stderr, /ok/);
  });
});
