import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectTestCommand } from '../../src/core/testing/detect';
import { runTestCommand } from '../../src/core/testing/runner';

const node = (script: string) => `"${process.execPath}" -e ${JSON.stringify(script)}`;
/** Running, not a zombie waiting to be reaped (an orphan's reaper may be slow in a container). */
const alive = async (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
};

describe('runTestCommand (real processes)', () => {
  let cwd: string;
  before(async () => {
    cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-run-'));
  });
  after(() => fs.rm(cwd, { recursive: true, force: true }));

  it('captures stdout and stderr and the exit code, with colour turned off', async () => {
    const streamed: string[] = [];
    const r = await runTestCommand({
      cwd,
      command: node(
        'console.log("out", process.env.NO_COLOR, process.env.FORCE_COLOR, process.env.CI, process.env.CARGO_TERM_COLOR); console.error("err"); process.exit(3)',
      ),
      onOutput: (t) => streamed.push(t),
    });
    assert.equal(r.exitCode, 3);
    assert.equal(r.timedOut, false);
    assert.match(r.output, /out 1 0 true never/);
    assert.match(r.output, /err/);
    assert.equal(streamed.join(''), r.output);
  });

  it('runs in the given folder', async () => {
    const r = await runTestCommand({ cwd, command: node('console.log(process.cwd())') });
    assert.equal(r.output.trim(), await fs.realpath(cwd));
  });

  it('kills the whole process tree on timeout, children that forked away included', async () => {
    const script =
      'const c = require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }); console.log("child", c.pid); setInterval(() => {}, 1000)';
    const r = await runTestCommand({ cwd, command: node(script), timeoutMs: 800 });
    assert.equal(r.timedOut, true);
    const pid = Number(/child (\d+)/.exec(r.output)?.[1]);
    assert.ok(pid > 0);
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(await alive(pid), false, 'the forked child is gone too');
  });

  it('cancels through an AbortSignal', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const r = await runTestCommand({ cwd, command: node('setInterval(() => {}, 1000)'), signal: controller.signal });
    assert.equal(r.cancelled, true);
    assert.ok(Date.now() - started < 5000);
  });

  it('keeps only the last part of a huge output and tolerates invalid UTF-8', async () => {
    const script =
      'process.stdout.write(Buffer.from([0xff, 0xfe, 0x41, 0x0a])); const line = "x".repeat(1023) + "\\n"; for (let i = 0; i < 8192; i++) process.stdout.write(line); process.stdout.write("THE END\\n")';
    const r = await runTestCommand({ cwd, command: node(script), maxOutputBytes: 1024 * 1024 });
    assert.equal(r.exitCode, 0);
    assert.ok(Buffer.byteLength(r.output) <= 1024 * 1024);
    assert.ok(r.droppedBytes > 7 * 1024 * 1024);
    assert.match(r.output, /THE END\n$/);
    const small = await runTestCommand({ cwd, command: node('process.stdout.write(Buffer.from([0xff, 0xfe, 0x41]))') });
    assert.equal(small.output, '\ufffd\ufffdA');
  });

  it('reports a command that does not exist as a failed run, not an exception', async () => {
    const r = await runTestCommand({ cwd, command: 'definitely-not-a-command-turbo' });
    assert.notEqual(r.exitCode, 0);
    assert.match(r.output, /not found/);
  });
});

describe('detectTestCommand', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-detect-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it("finds npm test, pytest, go test and cargo test from the folder's files", async () => {
    assert.equal(await detectTestCommand(dir), undefined);
    await fs.writeFile(
      path.join(dir, 'package.json'),
      JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
    );
    assert.equal(await detectTestCommand(dir), undefined, "npm init's placeholder is not a test command");
    await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'vitest run' } }));
    assert.equal((await detectTestCommand(dir))?.command, 'npm test');
    await fs.rm(path.join(dir, 'package.json'));
    await fs.mkdir(path.join(dir, 'tests'));
    await fs.writeFile(path.join(dir, 'tests', 'test_x.py'), '');
    assert.deepEqual(await detectTestCommand(dir), {
      command: 'pytest',
      runner: 'pytest',
      reason: 'tests/ holds Python files',
    });
    await fs.writeFile(path.join(dir, 'pyproject.toml'), '');
    assert.equal((await detectTestCommand(dir))?.reason, 'pyproject.toml is present');
    await fs.rm(path.join(dir, 'pyproject.toml'));
    await fs.rm(path.join(dir, 'tests'), { recursive: true });
    await fs.writeFile(path.join(dir, 'go.mod'), 'module x\n');
    assert.equal((await detectTestCommand(dir))?.command, 'go test ./...');
    await fs.rm(path.join(dir, 'go.mod'));
    await fs.writeFile(path.join(dir, 'Cargo.toml'), '[package]\n');
    assert.equal((await detectTestCommand(dir))?.command, 'cargo test');
  });
});
