/**
 * Many small files (issue 12, item 14): the cost per file stays constant. Timing-free: while a
 * generation runs, every linear search of a long array (findIndex, indexOf, includes, …) is counted
 * by the elements it may walk. A search of what was written so far, once per file, walks n²/2.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsSink } from '../../../src/core/generation/fsSink';
import { generate } from '../../../src/core/generation/pipeline';
import { fileBlocks } from '../../standin/server';
import { standInSuite } from '../../support/standInSuite';

const SEARCHES = [
  'findIndex',
  'find',
  'findLast',
  'findLastIndex',
  'indexOf',
  'lastIndexOf',
  'includes',
  'some',
  'every',
  'filter',
] as const;
const LONG = 1000;

/** Runs `work` with the array searches counted; returns the elements they could walk in all. */
async function countSearches(work: () => Promise<void>): Promise<number> {
  let walked = 0;
  const proto = Array.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = SEARCHES.map((name) => [name, proto[name]] as const);
  for (const [name, original] of originals) {
    proto[name] = function (this: unknown[], ...args: unknown[]) {
      if (this.length > LONG) walked += this.length;
      return original.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    for (const [name, original] of originals) proto[name] = original;
  }
  return walked;
}

describe('many small files', function () {
  this.timeout(120_000);
  const suite = standInSuite();
  const { standin } = suite;
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-scale-'))));
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('5,000 files: no search per file over what was written (linear work, not n²)', async () => {
    const n = 5_000;
    const files: Record<string, string> = {};
    for (let i = 0; i < n; i++) files[`pkg/m${i}.py`] = `x = ${i}\n`;
    // One file repeated: its replacement must not cost a search either.
    files['pkg/m0.py'] = 'x = 0\n';
    standin.enqueue({ content: `${fileBlocks(files)}<FILE path="pkg/m1.py">\nx = 1\n</FILE>\n`, chunkSize: 16 * 1024 });
    let report: Awaited<ReturnType<typeof generate>> | undefined;
    const walked = await countSearches(async () => {
      report = await generate({ client: suite.client, contract: 'x', sink: new FsSink(root, 'never') });
    });
    assert.equal(report?.error, undefined);
    assert.equal(report?.files.length, n);
    assert.ok(
      walked <= 20 * n,
      `array searches walked ${walked} elements for ${n} files (a search per file walks about ${(n * n) / 2})`,
    );
  });
});
