import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsSink } from '../../src/core/generation/fsSink';
import { SCRATCH_PREFIX } from '../../src/core/race/scratch';
import type { RaceOptions } from '../../src/core/race/types';
import type { Scenario } from '../standin/server';
import { standInSuite } from './standInSuite';

/** A project folder in the temp folder holding these files. */
export async function writeProject(files: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-rt-project-'));
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), content);
  }
  return dir;
}

/** The race's scratch folders in the temp folder now. */
export async function scratchFolders(): Promise<string[]> {
  return (await fs.readdir(os.tmpdir())).filter((n) => n.startsWith(SCRATCH_PREFIX));
}

/**
 * What every race suite shares, registered as the current describe's hooks: the stand-in and a client
 * for it (standInSuite), a temp folder of the suite's own (other programs racing on the machine leave their scratch
 * copies elsewhere), and after each test the check that every scratch copy is gone.
 */
export function raceSuite(contract: string) {
  const suite = standInSuite();
  const { standin } = suite;
  let savedTmp: string | undefined;
  let privateTmp: string;
  let existing: string[] = [];
  before(async () => {
    savedTmp = process.env.TMPDIR;
    privateTmp = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-race-suite-'));
    process.env.TMPDIR = privateTmp;
  });
  beforeEach(async () => {
    standin.clearQueue();
    standin.requests.length = 0;
    existing = await scratchFolders();
  });
  afterEach(async () => {
    const left = (await scratchFolders()).filter((n) => !existing.includes(n));
    assert.deepEqual(left, [], 'every scratch copy is removed');
  });
  after(async () => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    await fs.rm(privateTmp, { recursive: true, force: true });
  });
  return {
    standin,
    /** Scratch folders there were before the current test. */
    existing: () => existing,
    /** A race of these answers (one per candidate, in request order) into `folder`, judged by `npm test`. */
    options(folder: string, scenarios: Scenario[], more: Partial<RaceOptions> = {}): RaceOptions {
      standin.enqueue(...scenarios);
      return {
        client: suite.client,
        contract,
        folder,
        candidates: scenarios.length,
        testCommand: 'npm test',
        sink: new FsSink(folder, 'always'),
        ...more,
      };
    },
  };
}
