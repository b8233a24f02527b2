import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CerebrasClient, type StreamEvent } from '../../src/core/generation/client';
import { FsSink } from '../../src/core/generation/fsSink';
import { race } from '../../src/core/race/race';
import { TurboError } from '../../src/core/errors';
import { buildChatRequest } from '../../src/core/generation/prompt';
import {
  MAX_COMPLETION_TOKENS,
  MIN_COMPLETION_TOKENS,
  plannedCandidates,
  readRateLimit,
  sizeCompletionTokens,
  type RateLimit,
} from '../../src/core/generation/quota';
import { CerebrasStandIn, fileBlocks } from '../standin/server';

const repo = path.resolve(__dirname, '../..');

/** The header names the live service sends (CEREBRAS-API.md), with values as it writes them. */
const LIVE = {
  'x-ratelimit-limit-requests-day': '14400',
  'x-ratelimit-limit-tokens-minute': '60000',
  'x-ratelimit-remaining-requests-day': '14397',
  'x-ratelimit-remaining-tokens-minute': '51808',
  'x-ratelimit-reset-requests-day': '33011.38',
  'x-ratelimit-reset-tokens-minute': '11.38',
};

describe('readRateLimit', () => {
  it('reads the six x-ratelimit-* headers of a response', () => {
    const before = Date.now();
    const limit = readRateLimit(new Headers({ ...LIVE, 'content-type': 'text/event-stream' }));
    assert.ok(limit);
    const { at, ...values } = limit;
    assert.deepEqual(values, {
      limitRequestsDay: 14400,
      limitTokensMinute: 60000,
      remainingRequestsDay: 14397,
      remainingTokensMinute: 51808,
      resetRequestsDayS: 33011.38,
      resetTokensMinuteS: 11.38,
    });
    assert.ok(at >= before && at <= Date.now());
  });

  it('is undefined for a response without them', () => {
    assert.equal(readRateLimit(new Headers({ 'content-type': 'application/json', 'retry-after': '3' })), undefined);
  });

  it('ignores garbage values, never NaN, and is undefined when nothing was a count', () => {
    for (const bad of ['abc', '-5', 'NaN', 'Infinity', '', ' ', '1e400', '12 tokens', '0x10', '1,000', '+3']) {
      assert.equal(readRateLimit(new Headers({ 'x-ratelimit-remaining-tokens-minute': bad })), undefined, bad);
    }
    const mixed = readRateLimit(
      new Headers({ 'x-ratelimit-limit-tokens-minute': 'lots', 'x-ratelimit-remaining-tokens-minute': ' 4000 ' }),
    );
    assert.deepEqual(Object.keys(mixed ?? {}).sort(), ['at', 'remainingTokensMinute']);
    assert.equal(mixed?.remainingTokensMinute, 4000);
  });
});

describe('sizeCompletionTokens', () => {
  it('gives a short contract the floor, not 32768, and stays within [8192, 32768] in steps of 1024', () => {
    assert.equal(MIN_COMPLETION_TOKENS, 8192);
    assert.equal(MAX_COMPLETION_TOKENS, 32768);
    assert.equal(sizeCompletionTokens(''), 8192);
    assert.equal(sizeCompletionTokens('Build a calculator.'), 8192);
    for (const chars of [0, 100, 3000, 7000, 12_000, 20_000, 2_000_000]) {
      const size = sizeCompletionTokens('x'.repeat(chars));
      assert.ok(size >= 8192 && size <= 32768, `${chars}: ${size}`);
      assert.equal(size % 1024, 0, `${chars}: ${size}`);
    }
  });

  it('gives every contract in the repo (templates, conformance fixtures) the floor', () => {
    const contracts = [
      ...readdirSync(path.join(repo, 'media/templates')).map((f) => path.join('media/templates', f)),
      ...readdirSync(path.join(repo, 'test/fixtures/conformance')).map((d) =>
        path.join('test/fixtures/conformance', d, 'contract.md'),
      ),
    ];
    assert.ok(contracts.length >= 10);
    for (const file of contracts) {
      assert.equal(sizeCompletionTokens(readFileSync(path.join(repo, file), 'utf8')), 8192, file);
    }
  });

  it('grows with the contract: 4096 + 8 tokens per contract token, up to 32768', () => {
    // 3000 characters = 750 tokens: 4096 + 6000 = 10096, rounded up to 10240.
    assert.equal(sizeCompletionTokens('x'.repeat(3000)), 10240);
    assert.equal(sizeCompletionTokens('x'.repeat(12_000)), 28672);
    assert.equal(sizeCompletionTokens('x'.repeat(14_336)), 32768);
    assert.equal(sizeCompletionTokens('x'.repeat(1_000_000)), 32768);
    let last = 0;
    for (let chars = 0; chars <= 16_000; chars += 500) {
      const size = sizeCompletionTokens('x'.repeat(chars));
      assert.ok(size >= last, `shrank at ${chars}`);
      last = size;
    }
  });

  it("grows with the previous answer's completion tokens (half as much again), never shrinks below the contract's", () => {
    assert.equal(sizeCompletionTokens('c', { previousCompletionTokens: 6000 }), 9216);
    assert.equal(sizeCompletionTokens('c', { previousCompletionTokens: 8192 }), 12288);
    assert.equal(sizeCompletionTokens('c', { previousCompletionTokens: 30_000 }), 32768);
    assert.equal(sizeCompletionTokens('c', { previousCompletionTokens: 100 }), 8192);
    assert.equal(sizeCompletionTokens('x'.repeat(12_000), { previousCompletionTokens: 100 }), 28672);
    for (const bad of [NaN, -1, 0, Infinity, -Infinity]) {
      assert.equal(sizeCompletionTokens('x'.repeat(3000), { previousCompletionTokens: bad }), 10240, String(bad));
    }
  });

  it('is what a generation sends when no cap is set; an explicit cap wins', () => {
    const long = 'x'.repeat(3000);
    assert.equal(buildChatRequest(long).max_completion_tokens, 10240);
    assert.equal(buildChatRequest(long, { maxCompletionTokens: 32768 }).max_completion_tokens, 32768);
    assert.equal(buildChatRequest(long, { maxCompletionTokens: 4096 }).max_completion_tokens, 4096);
  });
});

describe('plannedCandidates', () => {
  const now = 1_800_000_000_000;
  const limit = (extra: Partial<RateLimit>, ageMs = 1000): RateLimit => ({
    limitTokensMinute: 60_000,
    resetTokensMinuteS: 30,
    at: now - ageMs,
    ...extra,
  });

  it('runs all asked when they fit, or when nothing is known', () => {
    assert.deepEqual(plannedCandidates(4, 12_000, limit({ remainingTokensMinute: 48_000 }), now), { run: 4 });
    assert.deepEqual(plannedCandidates(3, 12_000, undefined, now), { run: 3 });
    assert.deepEqual(plannedCandidates(3, 12_000, { at: now }, now), { run: 3 });
  });

  it('runs fewer when fewer fit, and says why', () => {
    assert.deepEqual(plannedCandidates(4, 12_000, limit({ remainingTokensMinute: 40_000 }), now), {
      run: 3,
      why: 'The Cerebras quota has 40,000 tokens left this minute; each candidate reserves 12,000, so 3 of 4 run.',
    });
  });

  it('runs one, never none, when nothing is left, and says why', () => {
    assert.deepEqual(plannedCandidates(4, 12_000, limit({ remainingTokensMinute: 0 }), now), {
      run: 1,
      why: 'The Cerebras quota has 0 tokens left this minute; each candidate reserves 12,000, so 1 of 4 runs.',
    });
    assert.equal(plannedCandidates(0, 12_000, limit({ remainingTokensMinute: 0 }), now).run, 1);
    assert.equal(plannedCandidates(NaN, 12_000, undefined, now).run, 1);
  });

  it('ignores a limit read longer ago than its reset window: then all run', () => {
    const low = { remainingTokensMinute: 10_000, resetTokensMinuteS: 20 };
    assert.equal(plannedCandidates(4, 12_000, limit(low, 19_000), now).run, 1);
    assert.deepEqual(plannedCandidates(4, 12_000, limit(low, 21_000), now), { run: 4 });
    // Without a reset header the window is the minute.
    const noReset = { remainingTokensMinute: 10_000, resetTokensMinuteS: undefined };
    assert.equal(plannedCandidates(4, 12_000, limit(noReset, 59_000), now).run, 1);
    assert.deepEqual(plannedCandidates(4, 12_000, limit(noReset, 61_000), now), { run: 4 });
  });

  it('runs no more than the requests left today', () => {
    const day = { remainingTokensMinute: 1_000_000, remainingRequestsDay: 2, resetRequestsDayS: 3600 };
    assert.deepEqual(plannedCandidates(4, 12_000, limit(day), now), {
      run: 2,
      why: 'The Cerebras quota allows 2 more requests today, so 2 of 4 run.',
    });
  });
});

describe('rate limits from the real SDK and the stand-in', () => {
  const standin = new CerebrasStandIn();
  let client: CerebrasClient;
  before(() => standin.start());
  beforeEach(() => {
    standin.requests.length = 0;
    standin.clearQueue();
    standin.quota = undefined;
    client = new CerebrasClient({ apiKey: standin.apiKey, baseUrl: standin.url, warmConnection: false, maxRetries: 0 });
  });
  after(() => standin.close());

  async function run(contract: string, onRateLimit?: (l: RateLimit) => void, maxCompletionTokens?: number) {
    const order: string[] = [];
    const request = buildChatRequest(contract, { maxCompletionTokens });
    for await (const e of client.stream(request, {
      onRateLimit: (l) => {
        order.push('limit');
        onRateLimit?.(l);
      },
    }))
      order.push((e as StreamEvent).type);
    return order;
  }

  it('fills lastRateLimit and calls onRateLimit from a streamed answer, before its content', async () => {
    assert.equal(client.lastRateLimit, undefined);
    standin.enqueue({ content: 'hello there', reasoning: 'hm', chunkSize: 4 });
    const seen: RateLimit[] = [];
    const order = await run('c', (l) => seen.push(l));
    assert.equal(order[0], 'limit');
    assert.equal(order.filter((t) => t === 'limit').length, 1);
    assert.equal(seen.length, 1);
    assert.equal(client.lastRateLimit, seen[0]);
    // Without a simulated quota the stand-in shows a large one, less this request (8192 + its prompt).
    const prompt = Math.ceil(((buildChatRequest('c').messages[0].content as string).length + 1) / 4);
    assert.equal(seen[0].limitTokensMinute, 1_000_000);
    assert.equal(seen[0].remainingTokensMinute, 1_000_000 - 8192 - prompt);
    assert.ok(seen[0].resetTokensMinuteS! > 0 && seen[0].resetTokensMinuteS! <= 60);
    assert.ok(seen[0].limitRequestsDay! > 0);
  });

  it('reserves max_completion_tokens per request and answers 429 with the real body when they do not fit', async () => {
    standin.quota = { tokensPerMinute: 20_000 };
    standin.enqueue({ content: 'a' }, { content: 'b' }, { content: 'c' });
    await run('c');
    const first = client.lastRateLimit;
    await run('c');
    const second = client.lastRateLimit;
    assert.equal(first?.limitTokensMinute, 20_000);
    assert.ok(first && second && second.remainingTokensMinute! < first.remainingTokensMinute!);
    assert.ok(second.remainingTokensMinute! < 8192, 'two requests at 8192 leave less than a third needs');

    const seen: RateLimit[] = [];
    const err = await run('c', (l) => seen.push(l)).then(
      () => assert.fail('the third request should not fit'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof TurboError);
    assert.equal(err.kind, 'rate_limit');
    assert.equal(err.status, 429);
    assert.match(err.message, /Tokens per minute limit exceeded - too many tokens processed\./);
    assert.equal(seen.length, 1, "the 429's headers are reported too");
    assert.equal(client.lastRateLimit, seen[0]);
    assert.equal(seen[0].remainingTokensMinute, second.remainingTokensMinute);

    // The refused request left its scenario queued for the next one, and the 429 body is the service's.
    assert.equal(standin.chatRequests.length, 3);
    const refused = await fetch(`${standin.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${standin.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(buildChatRequest('c')),
    });
    assert.equal(refused.status, 429);
    assert.deepEqual(await refused.json(), {
      message: 'Tokens per minute limit exceeded - too many tokens processed.',
      type: 'too_many_requests_error',
      param: 'quota',
      code: 'token_quota_exceeded',
    });
    standin.quota = { tokensPerMinute: 20_000 };
    const events: string[] = [];
    for await (const e of client.stream(buildChatRequest('c'))) if (e.type === 'content') events.push(e.text);
    assert.equal(events.join(''), 'c');
  });

  it('plans from what the stand-in said is left', async () => {
    standin.quota = { tokensPerMinute: 30_000 };
    const request = buildChatRequest('c');
    const perRequest = request.max_completion_tokens! + Math.ceil(JSON.stringify(request.messages).length / 4);
    await run('c');
    const plan = plannedCandidates(3, perRequest, client.lastRateLimit);
    assert.equal(plan.run, 2);
    assert.match(plan.why ?? '', /^The Cerebras quota has 21,[0-9]{3} tokens left this minute; .* so 2 of 3 run\.$/);
  });

  it('counts requests against a daily quota and refuses the one over it', async () => {
    standin.quota = { tokensPerMinute: 1_000_000, requestsPerDay: 1 };
    await run('c', undefined, 1000);
    assert.equal(client.lastRateLimit?.remainingRequestsDay, 0);
    const started = Date.now();
    const err = await run('c', undefined, 1000).catch((e: unknown) => e);
    assert.ok(err instanceof TurboError && err.kind === 'rate_limit', String(err));
    assert.match(err.message, /Requests per day limit exceeded/);
    assert.ok(Date.now() - started < 5000, 'a day-long retry-after is not waited for');
    assert.equal(client.lastRateLimit?.limitRequestsDay, 1);
  });
});

describe('a race sized by the quota (stand-in with a simulated quota)', function () {
  this.timeout(60_000);
  const standin = new CerebrasStandIn();
  const CONTRACT = 'Write src/calc.js (CommonJS) exporting add(a, b).\n';
  const GOOD = fileBlocks({ 'src/calc.js': 'exports.add = (a, b) => a + b;\n' });
  let folder: string;
  before(() => standin.start());
  beforeEach(async () => {
    standin.requests.length = 0;
    standin.clearQueue();
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-quota-race-'));
    await fs.mkdir(path.join(folder, 'test'));
    await fs.writeFile(
      path.join(folder, 'test/calc.test.js'),
      "const test = require('node:test');\nconst assert = require('node:assert');\n" +
        "test('adds', () => assert.strictEqual(require('../src/calc.js').add(2, 3), 5));\n",
    );
  });
  afterEach(() => fs.rm(folder, { recursive: true, force: true }));
  after(() => standin.close());

  const raceOf = (client: CerebrasClient, notices: string[]) =>
    race({
      client,
      contract: CONTRACT,
      folder,
      candidates: 3,
      testCommand: 'node --test',
      sink: new FsSink(folder, 'always'),
      onNotice: (m) => notices.push(m),
    });

  it('starts fewer candidates when the last answer said the minute is nearly spent, and says why', async () => {
    standin.quota = { tokensPerMinute: 20_000 };
    const client = new CerebrasClient({ apiKey: standin.apiKey, baseUrl: standin.url, warmConnection: false });
    standin.enqueue({ content: 'warm-up' }, { content: GOOD }, { content: GOOD }, { content: GOOD });
    for await (const e of client.stream(buildChatRequest(CONTRACT))) void e;
    const notices: string[] = [];
    const report = await raceOf(client, notices);
    assert.equal(report.maxCompletionTokens, 8192, 'each candidate is sized from the contract, not 32768');
    assert.equal(report.asked, 3);
    assert.equal(report.ran, 1);
    assert.equal(report.winner, 1);
    assert.match(
      notices[0],
      /^The Cerebras quota has 11,[0-9]{3} tokens left this minute; each candidate reserves 8,[0-9]{3}, so 1 of 3 runs\.$/,
    );
    assert.equal(standin.chatRequests.length, 2, 'no request was sent only to be refused');
  });

  it("lowers the plan from the first candidate's headers before the others start", async () => {
    standin.quota = { tokensPerMinute: 20_000 };
    const client = new CerebrasClient({ apiKey: standin.apiKey, baseUrl: standin.url, warmConnection: false });
    standin.enqueue({ content: GOOD }, { content: GOOD }, { content: GOOD });
    const notices: string[] = [];
    const report = await raceOf(client, notices);
    assert.equal(report.ran, 2);
    assert.ok(report.green);
    assert.match(notices.join('\n'), /tokens left this minute; each candidate reserves 8,[0-9]{3}, so 2 of 3 run\./);
    assert.equal(report.candidates[2].generation, undefined);
    assert.match(report.candidates[2].error ?? '', /so 2 of 3 run/);
    assert.equal(standin.chatRequests.length, 2);
  });
});
