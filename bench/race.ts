/**
 * A race of 4 against one generation plus one test run, in the same run, as a ratio: the stand-in streams
 * at Cerebras's pace (3,000 tokens/s, reasoning first) in its own process, and the project's real tests
 * (node --test) judge. With tests at most one per core, a 2-core machine runs the four test runs in two
 * rounds: the ratio there is about (generation + 2 test runs) ÷ (generation + 1 test run).
 * The bar: a race of 4 takes well under twice one generation plus one test run.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CerebrasClient } from '../src/core/generation/client';
import { FsSink } from '../src/core/generation/fsSink';
import { generate } from '../src/core/generation/pipeline';
import { race } from '../src/core/race/race';
import { runTests } from '../src/core/testing/loop';
import { fileBlocks, type Scenario } from '../test/standin/server';
import type { Row } from './answerParser';

interface StandIn {
  url: string;
  apiKey: string;
  serve(scenario: Scenario): Promise<unknown> & { queued: Promise<void> };
}

const TEST = [
  "const test = require('node:test');",
  "const assert = require('node:assert');",
  "const calc = require('../src/calc.js');",
  ...Array.from({ length: 20 }, (_, i) => `test('f${i}', () => assert.strictEqual(calc.f${i}(${i}), ${i * 2}));`),
  '',
].join('\n');

/** About 1,500 tokens of code: twenty small functions with comments, as a model writes them. */
const ANSWER = fileBlocks({
  'src/calc.js': Array.from(
    { length: 20 },
    (_, i) =>
      `/**\n * Doubles its argument (function ${i} of the calculator).\n * @param {number} x the value to double\n * @returns {number} twice x\n */\nexports.f${i} = function f${i}(x) {\n  const twice = x * 2;\n  return twice;\n};\n`,
  ).join('\n'),
});

/** About 2,000 tokens of reasoning before the answer, as gpt-oss writes on a small task. */
const REASONING = 'We need to implement twenty doubling functions and make sure each returns twice its input. '.repeat(
  90,
);

async function project(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-bench-race-'));
  await fs.mkdir(path.join(dir, 'test'));
  await fs.writeFile(path.join(dir, 'test/calc.test.js'), TEST);
  return dir;
}

export async function raceRows(
  add: (row: Row) => void,
  quick: boolean,
  median: (xs: number[]) => number,
  standin: StandIn,
): Promise<void> {
  const client = new CerebrasClient({ apiKey: standin.apiKey, baseUrl: standin.url, warmConnection: false });
  // As gpt-oss-120b answers on Cerebras: ~150 ms before the first token, ~2,000 tokens of reasoning, then
  // the code, at 3,000 tokens/s (CEREBRAS-API.md; the quota sizing's reasoning estimate).
  const scenario: Scenario = { content: ANSWER, reasoning: REASONING, tokensPerSecond: 3000, delayMs: 150 };
  const once: number[] = [];
  const raced: number[] = [];
  for (let r = 0; r < (quick ? 2 : 5); r++) {
    const single = await project();
    const dir = await project();
    try {
      await standin.serve(scenario).queued;
      let t = performance.now();
      const report = await generate({ client, contract: 'Write src/calc.js.', sink: new FsSink(single, 'always') });
      const test = await runTests({ cwd: single, command: 'node --test' });
      once.push(performance.now() - t);
      if (report.error || !test.green) throw new Error(`the single generation failed: ${report.error ?? test.output}`);
      for (let i = 0; i < 4; i++) await standin.serve(scenario).queued;
      t = performance.now();
      const result = await race({
        client,
        contract: 'Write src/calc.js.',
        folder: dir,
        candidates: 4,
        testCommand: 'node --test',
        sink: new FsSink(dir, 'always'),
      });
      raced.push(performance.now() - t);
      if (!result.green || result.ran !== 4) throw new Error(`the race failed: ${result.error ?? 'not green'}`);
    } finally {
      await fs.rm(single, { recursive: true, force: true });
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  const one = median(once);
  const four = median(raced);
  add({
    section: 'race',
    name: 'one generation + one test run (2,000 reasoning + 1,500 code tokens, 20 tests)',
    value: one,
    unit: 'ms',
  });
  add({ section: 'race', name: `race of 4 on ${os.availableParallelism()} cores`, value: four, unit: 'ms' });
  const ratio = four / one;
  add({
    section: 'race',
    name: 'race of 4 ÷ (one generation + one test run)',
    value: ratio,
    unit: '×',
    target: '< 2',
    ok: ratio < 2,
  });
}
