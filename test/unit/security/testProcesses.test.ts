import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTestCommand } from '../../../src/core/testing/runner';

const node = (script: string) => `"${process.execPath}" -e ${JSON.stringify(script)}`;

/** Running, not a zombie waiting to be reaped (an orphan's reaper may be slow in a container). */
async function alive(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

const pidsIn = (output: string) => [...output.matchAll(/escaped (\d+)/g)].map((m) => Number(m[1]));

describe('children that leave the process group (Linux /proc)', () => {
  let cwd: string;
  const started: number[] = [];
  before(async function () {
    if (process.platform !== 'linux') this.skip();
    cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-setsid-'));
  });
  after(async () => {
    // Whatever a failing assertion left behind is not left running on the machine.
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone, as it should be.
      }
    }
    if (cwd) await fs.rm(cwd, { recursive: true, force: true });
  });

  const check = async (output: string, expected: number) => {
    const pids = pidsIn(output);
    started.push(...pids);
    assert.equal(pids.length, expected, output);
    for (const pid of pids) assert.equal(await alive(pid), false, `process ${pid} is still running`);
  };

  it('stops a setsid child on timeout', async () => {
    const r = await runTestCommand({
      cwd,
      command: "setsid sh -c 'echo escaped $$; exec sleep 30' & sleep 30",
      timeoutMs: 1000,
    });
    assert.equal(r.timedOut, true);
    await check(r.output, 1);
  });

  it('stops a setsid child whose parent already exited (re-parented to init)', async () => {
    const r = await runTestCommand({
      cwd,
      command: "(setsid sh -c 'echo escaped $$; exec sleep 30' &); sleep 30",
      timeoutMs: 1000,
    });
    assert.equal(r.timedOut, true);
    await check(r.output, 1);
  });

  it('stops a setsid child that cleared its environment while its parent lives', async () => {
    const r = await runTestCommand({
      cwd,
      command: "setsid sh -c 'echo escaped $$; exec env -i sleep 30' & sleep 30",
      timeoutMs: 1000,
    });
    assert.equal(r.timedOut, true);
    await check(r.output, 1);
  });

  it('stops a detached node child when the command finishes normally', async () => {
    const script =
      'const c = require("child_process").spawn("sleep", ["30"], { detached: true, stdio: "ignore" }); console.log("escaped", c.pid); c.unref()';
    const r = await runTestCommand({ cwd, command: node(script), timeoutMs: 20_000 });
    assert.equal(r.timedOut, false);
    assert.equal(r.exitCode, 0);
    await check(r.output, 1);
  });

  it('stops a setsid child on cancel', async () => {
    const controller = new AbortController();
    let seen = '';
    const r = await runTestCommand({
      cwd,
      command: "setsid sh -c 'echo escaped $$; exec sleep 30' & sleep 30",
      signal: controller.signal,
      onOutput: (t) => /escaped \d+\n/.test((seen += t)) && controller.abort(),
      timeoutMs: 20_000,
    });
    assert.equal(r.cancelled, true);
    await check(r.output, 1);
  });
});

describe('the test timeout timer', () => {
  it('a timeout longer than a timer can hold does not fire at once', async () => {
    const cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-timer-'));
    try {
      for (const timeoutMs of [2_200_000_000, Infinity]) {
        const r = await runTestCommand({ cwd, command: node('setTimeout(() => console.log("done"), 300)'), timeoutMs });
        assert.equal(r.timedOut, false, `timeout ${timeoutMs}`);
        assert.equal(r.exitCode, 0);
        assert.match(r.output, /done/);
      }
    } finally {
      await fs.rm(cwd, { recursive: true, force: true });
    }
  });
});
