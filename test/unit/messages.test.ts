/**
 * Issue 13: what Turbo says. Retries counted per request ("attempt 2 of 3") and a refused
 * connection given up quickly; URLs shown without their password; counts spelled right; refusals
 * grouped by reason without nested parentheses; one precision for costs and prices; a SEARCH text
 * quoted on one line.
 */
import * as assert from 'node:assert/strict';
import { CerebrasClient, type RetryInfo, type StreamEvent } from '../../src/core/generation/client';
import { APIConnectionError } from '@cerebras/cerebras_cloud_sdk';
import { attemptsFor, describeConnectionFailure, retryWaitMs } from '../../src/core/generation/clientErrors';
import { preview } from '../../src/core/testing/fix';
import { hideCredentials, shownUrl } from '../../src/core/inputs';
import { formatCost, formatPrice } from '../../src/core/generation/models';
import type { GenerationReport } from '../../src/core/generation/pipeline';
import { buildChatRequest } from '../../src/core/generation/prompt';
import { count, summaryMessage } from '../../src/extension/progressText';
import { CerebrasStandIn } from '../standin/server';
import { closedPort } from '../support/closedPort';

/** What fetch throws for a failed connection, as the SDK passes it on. */
const failed = (code: string) =>
  new APIConnectionError({
    cause: Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error(`connect ${code}`), { code }),
    }),
  });
const refused = failed('ECONNREFUSED');
const reset = failed('ECONNRESET');

async function drain(
  client: CerebrasClient,
  onRetry: (r: RetryInfo) => void,
  onRetrySent?: (r: { attempt: number; attempts: number }) => void,
): Promise<Error | undefined> {
  try {
    const events: StreamEvent[] = [];
    for await (const e of client.stream(buildChatRequest('c'), { onRetry, onRetrySent })) events.push(e);
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

describe('retries: counted per request, a refused connection given up quickly', () => {
  it('a refused connection gets one quick retry (at most two attempts); other failures keep three', () => {
    assert.equal(attemptsFor(refused, 2), 2);
    assert.equal(attemptsFor(refused, 0), 1);
    assert.equal(attemptsFor(reset, 2), 3);
    const first = retryWaitMs(refused, 0);
    assert.ok(first !== undefined && first <= 250, `waits ${first} ms`);
    assert.equal(retryWaitMs(refused, 1), undefined);
    assert.ok(retryWaitMs(reset, 1) !== undefined);
  });

  it('every request counts its own attempts: "2 of 3" twice for two requests, and says when the retry is sent', async () => {
    const standin = new CerebrasStandIn();
    await standin.start();
    try {
      const client = new CerebrasClient({ apiKey: standin.apiKey, baseUrl: standin.url, warmConnection: false });
      const retries: RetryInfo[] = [];
      const sent: { attempt: number; attempts: number }[] = [];
      for (let request = 0; request < 2; request++) {
        standin.enqueue({ status: 500, headers: { 'retry-after-ms': '5' } }, { content: 'ok' });
        assert.equal(
          await drain(
            client,
            (r) => retries.push(r),
            (r) => sent.push(r),
          ),
          undefined,
        );
      }
      assert.deepEqual(
        retries.map((r) => `${r.attempt} of ${r.attempts}`),
        ['2 of 3', '2 of 3'],
      );
      assert.deepEqual(sent, [
        { attempt: 2, attempts: 3 },
        { attempt: 2, attempts: 3 },
      ]);
    } finally {
      await standin.close();
    }
  });

  it('a closed port fails within a second, after "attempt 2 of 2"', async () => {
    const port = await closedPort();
    const client = new CerebrasClient({
      apiKey: 'csk-test',
      baseUrl: `http://127.0.0.1:${port}`,
      warmConnection: false,
    });
    const retries: RetryInfo[] = [];
    const started = performance.now();
    const err = await drain(client, (r) => retries.push(r));
    assert.ok(err, 'it fails');
    assert.ok(performance.now() - started < 1000, `took ${Math.round(performance.now() - started)} ms`);
    assert.deepEqual(
      retries.map((r) => `${r.attempt} of ${r.attempts}`),
      ['2 of 2'],
    );
  });
});

describe('URLs in messages', () => {
  it('never show the password of a base URL, in the URL or in what fetch said about it', () => {
    assert.equal(shownUrl('http://me:hunter2@proxy.local:8080/x'), 'http://…@proxy.local:8080/x');
    assert.equal(
      hideCredentials('cannot fetch http://me:pw@a/ and https://u@b/c'),
      'cannot fetch http://…@a/ and https://…@b/c',
    );
    const err = Object.assign(
      new TypeError(
        'Request cannot be constructed from a URL that includes credentials: http://me:hunter2@127.0.0.1:9/v1',
      ),
      {},
    );
    const text = describeConnectionFailure(err, { url: shownUrl('http://me:hunter2@127.0.0.1:9/v1/chat/completions') });
    assert.doesNotMatch(text, /hunter2/);
    assert.match(text, /http:\/\/…@127\.0\.0\.1:9\/v1\/chat\/completions/);
  });
});

describe('counts, costs and prices', () => {
  it('spells counts to match', () => {
    assert.equal(count(1, 'file'), '1 file');
    assert.equal(count(0, 'file'), '0 files');
    assert.equal(count(1024, 'line'), '1,024 lines');
  });

  it('shows costs with one precision under a dollar, so a session total does not jump', () => {
    assert.equal(formatCost(0.0078), '$0.0078');
    assert.equal(formatCost(0.0156), '$0.0156');
    assert.equal(formatCost(0.25), '$0.2500');
    assert.equal(formatCost(1.234), '$1.23');
    assert.equal(formatCost(0), '$0');
    assert.equal(formatCost(0.00001), 'under $0.0001');
    assert.equal(formatCost(undefined), 'cost unknown');
  });

  it('shows prices in dollars and cents', () => {
    assert.equal(formatPrice(1.2), '$1.20');
    assert.equal(formatPrice(0.35), '$0.35');
    assert.equal(formatPrice(0.1), '$0.10');
  });
});

describe('the summary of a generation', () => {
  const report = (over: Partial<GenerationReport>): GenerationReport => ({
    model: 'gpt-oss-120b',
    unfinished: [],
    continuations: 0,
    costUsd: 0.0078,
    finishReason: 'stop',
    truncated: false,
    timeInfo: undefined,
    error: undefined,
    files: [{ path: 'a', lines: 1, bytes: 2, overwritten: false }],
    rejected: [],
    warnings: [],
    usage: undefined,
    streamMs: 1000,
    durationMs: 1000,
    ...over,
  });

  it('says a reason once for the files it applies to, without nested parentheses', () => {
    const skip = 'exists, and you chose Skip Existing';
    const text = summaryMessage(
      report({
        rejected: [
          { path: 'x.txt', reason: skip },
          { path: 'y.txt', reason: skip },
          { path: 'z.txt', reason: skip },
        ],
      }),
    );
    assert.equal(
      text,
      'Turbo wrote 1 file (1 line) in 1.0 s with gpt-oss-120b, $0.0078. 3 not written: x.txt, y.txt and 1 more: exists, and you chose Skip Existing.',
    );
    assert.doesNotMatch(text, /\([^)]*\(/, 'no parentheses inside parentheses');
  });

  it('names two files in all when the reasons differ, and counts the rest', () => {
    const text = summaryMessage(
      report({
        rejected: [
          { path: 'a', reason: 'r1' },
          { path: 'b', reason: 'r2' },
          { path: 'c', reason: 'r3' },
          { path: 'd', reason: 'r3' },
        ],
      }),
    );
    assert.match(text, /4 not written: a: r1; b: r2; 2 more for other reasons, listed in the log\.$/);
  });
});

describe('a SEARCH text in a message', () => {
  it('is its first line, quoted, with the number of lines left: no "\\n" shown literally', () => {
    assert.equal(preview('function slugify(txt) {\n'), '"function slugify(txt) {"');
    assert.equal(preview('  a();\n  b();\n  c();\n'), '"a();" and 2 more lines');
    assert.equal(preview('x'.repeat(80)), `"${'x'.repeat(59)}…"`);
    assert.doesNotMatch(preview('one\ntwo'), /\\n/);
  });
});
