/**
 * Writes that race, are interrupted or fail (issue 12, items 6 and 7): `--overwrite never` never
 * replaces a file that appears meanwhile, no `.name.turbo-…` temporary outlives the process (a
 * second Ctrl+C, SIGTERM, or the next run for one left by a killed process), and every write error
 * is an error outcome naming the path and the cause.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fsSync from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/cli';
import { ASYNC_IO, SYNC_IO } from '../../../src/core/fsIo';
import { FsSink } from '../../../src/core/generation/fsSink';
import { generate } from '../../../src/core/generation/pipeline';
import type { OverwritePolicy } from '../../../src/core/generation/sink';
import { fileBlocks } from '../../standin/server';
import { metadataResult } from '../../../src/core/generation/agentResult';
import { standInSuite } from '../../support/standInSuite';
import { tree } from '../../support/tree';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

/** A pid no process has now. */
function deadPid(): number {
  for (let pid = 4_000_000; ; pid--) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
}

describe('writes that race, are interrupted or fail', function () {
  this.timeout(60_000);
  const suite = standInSuite({ idleTimeoutMs: 2000 });
  const { standin } = suite;
  let sandbox: string;
  let root: string;
  beforeEach(async () => {
    sandbox = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-writes-')));
    root = path.join(sandbox, 'out');
    standin.clearQueue();
  });
  afterEach(() => fs.rm(sandbox, { recursive: true, force: true }));

  describe('a file that appears between the check and the write', () => {
    const original = SYNC_IO.writeNew;
    afterEach(() => (SYNC_IO.writeNew = original));
    /** Another program creates `a.txt` once Turbo has looked (it was not there) and is writing. */
    const outsiderDuringWrite = () => {
      let done = false;
      SYNC_IO.writeNew = async (p, ...rest) => {
        await original(p, ...rest);
        if (done || !path.basename(p).startsWith('.a.txt.turbo-')) return;
        done = true;
        fsSync.writeFileSync(path.join(root, 'a.txt'), 'outsider\n', { flag: 'wx' });
      };
    };
    for (const policy of ['never', 'ask'] as OverwritePolicy[]) {
      it(`is left intact and reported skipped under --overwrite ${policy}`, async () => {
        outsiderDuringWrite();
        standin.enqueue({ content: fileBlocks({ 'a.txt': 'turbo\n', 'b.txt': 'b\n' }) });
        const report = await generate({
          client: suite.client,
          contract: 'x',
          sink: new FsSink(root, policy, policy === 'ask' ? async () => 'skip' : undefined),
        });
        assert.equal(await fs.readFile(path.join(root, 'a.txt'), 'utf8'), 'outsider\n');
        assert.deepEqual(
          report.files.map((f) => f.path),
          ['b.txt'],
        );
        assert.deepEqual(
          report.rejected.map((r) => [r.path, r.status]),
          [['a.txt', 'skipped']],
        );
        assert.deepEqual(await tree(root), ['a.txt', 'b.txt'], 'no temporary left');
      });
    }
    it('is replaced and reported overwritten under --overwrite always', async () => {
      outsiderDuringWrite();
      standin.enqueue({ content: fileBlocks({ 'a.txt': 'turbo\n' }) });
      const report = await generate({ client: suite.client, contract: 'x', sink: new FsSink(root, 'always') });
      assert.equal(await fs.readFile(path.join(root, 'a.txt'), 'utf8'), 'turbo\n');
      assert.deepEqual(
        report.files.map((f) => [f.path, f.overwritten]),
        [['a.txt', true]],
      );
      assert.deepEqual(await tree(root), ['a.txt']);
    });
  });

  describe('temporaries', () => {
    it('a stale temporary of a dead process is removed by the next run; a live one is kept', async () => {
      await fs.mkdir(path.join(root, 'pkg'), { recursive: true });
      const dead = `.m.py.turbo-${deadPid()}-ab12cd-0`;
      const live = `.m.py.turbo-${process.pid}-ab12cd-0`;
      for (const name of [dead, live]) await fs.writeFile(path.join(root, 'pkg', name), 'half');
      standin.enqueue({ content: fileBlocks({ 'pkg/m.py': 'x = 1\n' }) });
      const report = await generate({ client: suite.client, contract: 'x', sink: new FsSink(root, 'never') });
      assert.equal(report.error, undefined);
      assert.deepEqual(await tree(root), [`pkg/${live}`, 'pkg/m.py']);
    });

    /** Starts `turbo generate` on a 50 MB file and sends `signals` once its temporary exists. */
    async function interrupt(signals: NodeJS.Signals[]) {
      await fs.access(CLI).catch(() => assert.fail('dist/cli.js is missing: run npm run build first'));
      await fs.mkdir(root, { recursive: true });
      const contract = path.join(sandbox, 'contract.md');
      await fs.writeFile(contract, 'Build it.');
      standin.enqueue({
        content: fileBlocks({ 'big.txt': `${'y'.repeat(99)}\n`.repeat(500_000) }),
        chunkSize: 1 << 20,
      });
      const child = spawn(process.execPath, [CLI, 'generate', contract, '--out', root, '--overwrite', 'never', '-q'], {
        env: { PATH: process.env.PATH, CEREBRAS_API_KEY: standin.apiKey, CEREBRAS_BASE_URL: standin.url },
        stdio: 'ignore',
      });
      let seen = false;
      const watcher = fsSync.watch(root, (_event, name) => {
        if (seen || !String(name).includes('.turbo-')) return;
        seen = true;
        // Apart: two signals of one kind sent at once arrive as one.
        signals.forEach((signal, i) => setTimeout(() => child.kill(signal), i * 10));
      });
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      watcher.close();
      assert.ok(seen, 'the temporary was seen');
      return exit;
    }

    it('SIGTERM during a large write leaves no temporary and exits 143', async () => {
      const exit = await interrupt(['SIGTERM']);
      assert.deepEqual(exit, { code: 143, signal: null });
      assert.deepEqual(await tree(root), [], 'nothing under the real name, no temporary');
    });

    it('a second Ctrl+C during a large write leaves no temporary and exits 130', async () => {
      const exit = await interrupt(['SIGINT', 'SIGINT']);
      assert.deepEqual(exit, { code: 130, signal: null });
      assert.deepEqual(await tree(root), [], 'nothing under the real name (stopped mid-write), no temporary');
    });
  });

  describe('write failures are errors', () => {
    const run = async (argv: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await main(argv, {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        env: { CEREBRAS_API_KEY: standin.apiKey, CEREBRAS_BASE_URL: standin.url },
        isTTY: false,
      });
      return { code, stdout, stderr };
    };

    it('--out naming a regular file: exit 1, a clear message, --json has the error', async () => {
      const contract = path.join(sandbox, 'contract.md');
      await fs.writeFile(contract, 'Build it.');
      const file = path.join(sandbox, 'afile');
      await fs.writeFile(file, 'keep\n');
      standin.enqueue({ content: fileBlocks({ 'a.txt': 'a\n' }) });
      const plain = await run(['generate', contract, '--out', file, '-q']);
      assert.equal(plain.code, 1);
      assert.match(plain.stderr, /Could not write a\.txt: .*afile is not a folder/);
      standin.enqueue({ content: fileBlocks({ 'a.txt': 'a\n' }) });
      const json = await run(['generate', contract, '--out', file, '--json']);
      assert.equal(json.code, 1);
      const parsed = JSON.parse(json.stdout);
      assert.equal(parsed.error.kind, 'io');
      assert.match(parsed.error.message, /afile is not a folder/);
      assert.equal(await fs.readFile(file, 'utf8'), 'keep\n');
    });

    it('a full disk (ENOSPC) is an error naming the file and the cause; complete files are listed', async function () {
      const disk = path.join(sandbox, 'disk');
      await fs.mkdir(disk);
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', disk]).status === 0;
      const original = ASYNC_IO.writeNew;
      if (!mounted) {
        // No tmpfs here: the same errno error as a full disk gives, from the write of the big file.
        ASYNC_IO.writeNew = async (p, content, ...rest) => {
          if (content.length > 300_000)
            throw Object.assign(new Error(`ENOSPC: no space left on device, write`), {
              code: 'ENOSPC',
              errno: -28,
              syscall: 'write',
            });
          return original(p, content, ...rest);
        };
      }
      try {
        const out = path.join(disk, 'app');
        standin.enqueue({
          content: fileBlocks({ 'app/small.py': 'x = 1\n', 'app/x.py': `${'#'.repeat(99)}\n`.repeat(4_000) }),
        });
        const report = await generate({ client: suite.client, contract: 'x', sink: new FsSink(out, 'never') });
        assert.equal(report.error?.kind, 'io');
        assert.match(report.error!.message, /Could not write app\/x\.py: no space left on device \(ENOSPC\)/);
        assert.deepEqual(
          report.files.map((f) => f.path),
          ['app/small.py'],
        );
        assert.ok(
          (await tree(out)).every((p) => !p.includes('.turbo-') && p !== 'app/x.py'),
          'no partial file, no temporary',
        );
        const mcp = metadataResult(report, out, undefined);
        assert.equal(mcp.status, 'partial');
        assert.ok(mcp.errors.some((e) => /app\/x\.py/.test(e) && /ENOSPC/.test(e)));
      } finally {
        ASYNC_IO.writeNew = original;
        if (mounted) spawnSync('umount', [disk]);
      }
    });
  });
});
