import * as assert from 'node:assert/strict';
import { CerebrasClient, normalizeBaseUrl, type StreamEvent } from '../../src/core/generation/client';
import { TurboError } from '../../src/core/errors';
import { buildChatRequest } from '../../src/core/generation/prompt';
import { CerebrasStandIn } from '../standin/server';
import { closedPort } from '../support/closedPort';

async function collect(client: CerebrasClient, signal?: AbortSignal): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const e of client.stream(buildChatRequest('contract'), { signal })) events.push(e);
  return events;
}

async function failure(promise: Promise<unknown>): Promise<TurboError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof TurboError, `expected a TurboError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('CerebrasClient against the stand-in', () => {
  const standin = new CerebrasStandIn();
  let client: CerebrasClient;
  before(async () => {
    await standin.start();
  });
  beforeEach(() => {
    standin.requests.length = 0;
    client = new CerebrasClient({
      apiKey: standin.apiKey,
      baseUrl: standin.url,
      warmConnection: false,
      idleTimeoutMs: 400,
    });
  });
  after(() => standin.close());

  it('streams content and ends with finish_reason, usage and time_info', async () => {
    standin.enqueue({ content: 'hello world, this is streamed', reasoning: 'think', chunkSize: 5 });
    const events = await collect(client);
    const text = events
      .filter((e) => e.type === 'content')
      .map((e) => (e as { text: string }).text)
      .join('');
    assert.equal(text, 'hello world, this is streamed');
    assert.ok(events.some((e) => e.type === 'reasoning'));
    const end = events.at(-1);
    assert.equal(end?.type, 'end');
    if (end?.type === 'end') {
      assert.equal(end.finishReason, 'stop');
      assert.ok(end.usage && end.usage.completion_tokens > 0);
      assert.ok(end.timeInfo && typeof end.timeInfo.total_time === 'number');
    }
    const sent = standin.chatRequests[0];
    assert.equal(sent.authorization, `Bearer ${standin.apiKey}`);
    assert.equal((sent.body as { stream: boolean }).stream, true);
    assert.ok((sent.body as { max_completion_tokens: number }).max_completion_tokens > 0);
  });

  it('accepts a stream without [DONE]', async () => {
    standin.enqueue({ content: 'abc', omitDone: true });
    const events = await collect(client);
    assert.equal(events.at(-1)?.type, 'end');
  });

  it('treats a stream that ends without finish_reason as incomplete, not success', async () => {
    standin.enqueue({ content: 'abcdef', finishReason: null });
    const err = await failure(collect(client));
    assert.equal(err.kind, 'incomplete');
  });

  it('maps a wrong key (401) to an auth error that says what to do and hides the key', async () => {
    const wrong = new CerebrasClient({ apiKey: 'csk-wrongwrongwrong', baseUrl: standin.url, warmConnection: false });
    const err = await failure(collect(wrong));
    assert.equal(err.kind, 'auth');
    assert.equal(err.status, 401);
    assert.match(err.message, /Wrong API Key/);
    assert.match(err.message, /valid key/);
    assert.doesNotMatch(err.message, /csk-wrong/);
    assert.equal(standin.chatRequests.length, 1, 'auth failures are not retried');
  });

  it('retries a 429 with a short retry-after and then succeeds', async () => {
    standin.enqueue({ status: 429, headers: { 'retry-after': '0' } }, { content: 'ok' });
    const retries: { attempt: number; waitMs: number; reason: string }[] = [];
    const events: StreamEvent[] = [];
    for await (const e of client.stream(buildChatRequest('c'), { onRetry: (r) => retries.push(r) })) events.push(e);
    assert.equal(events.at(-1)?.type, 'end');
    assert.equal(standin.chatRequests.length, 2);
    assert.equal(retries.length, 1);
    assert.equal(retries[0].attempt, 2);
    assert.equal(retries[0].waitMs, 0);
    assert.match(retries[0].reason, /rate limit/);
  });

  it('fails fast on a 429 that asks to wait a day', async () => {
    standin.enqueue({
      status: 429,
      headers: { 'retry-after': '86399' },
      errorBody: {
        message: 'Tokens per day limit exceeded',
        type: 'too_many_requests_error',
        param: 'quota',
        code: 'token_quota_exceeded',
      },
    });
    const started = Date.now();
    const err = await failure(collect(client));
    assert.equal(err.kind, 'rate_limit');
    assert.match(err.message, /Tokens per day limit exceeded/);
    assert.match(err.message, /24 h/);
    assert.ok(Date.now() - started < 5000);
    assert.equal(standin.chatRequests.length, 1);
  });

  it('retries a 500 and reports a server error when it persists', async () => {
    standin.enqueue(
      { status: 500, headers: { 'retry-after-ms': '10' } },
      { status: 500, headers: { 'retry-after-ms': '10' } },
      { status: 500, headers: { 'retry-after-ms': '10' } },
    );
    const err = await failure(collect(client));
    assert.equal(err.kind, 'server');
    assert.equal(standin.chatRequests.length, 3);
  });

  it('does not retry a 503 the service marks x-should-retry: false', async () => {
    standin.enqueue({ status: 503, headers: { 'x-should-retry': 'false', 'retry-after-ms': '10' } });
    const err = await failure(collect(client));
    assert.equal(err.kind, 'server');
    assert.equal(standin.chatRequests.length, 1);
  });

  it('retries a 400 the service marks x-should-retry: true', async () => {
    standin.enqueue({ status: 400, headers: { 'x-should-retry': 'true', 'retry-after-ms': '10' } }, { content: 'ok' });
    const events = await collect(client);
    assert.equal(events.at(-1)?.type, 'end');
    assert.equal(standin.chatRequests.length, 2);
  });

  it('a cancel during the wait before a retry ends the request at once, as cancelled', async () => {
    standin.enqueue({ status: 429, headers: { 'retry-after': '15' } });
    const controller = new AbortController();
    const started = Date.now();
    const err = await failure(
      (async () => {
        const request = client.stream(buildChatRequest('c'), {
          signal: controller.signal,
          onRetry: () => setTimeout(() => controller.abort(), 50),
        });
        for await (const e of request) void e;
      })(),
    );
    assert.equal(err.kind, 'cancelled');
    assert.ok(Date.now() - started < 5000);
    assert.equal(standin.chatRequests.length, 1);
  });

  it('handles a non-JSON error body', async () => {
    standin.enqueue({ status: 400, errorBody: '<html>bad gateway</html>' });
    const err = await failure(collect(client));
    assert.equal(err.kind, 'bad_request');
  });

  it('reports a model the service does not offer as unavailable, not a raw 404', async () => {
    const err = await failure(
      (async () => {
        for await (const _ of client.stream({ ...buildChatRequest('x'), model: 'nope-1b' })) void _;
      })(),
    );
    assert.equal(err.kind, 'model_unavailable');
    assert.match(err.message, /nope-1b does not exist/);
    assert.match(err.message, /pick another model/);
  });

  it('turns a socket cut mid-stream into a network error', async () => {
    standin.enqueue({ content: 'x'.repeat(400), chunkSize: 10, cutAfterChunks: 5 });
    const err = await failure(collect(client));
    assert.equal(err.kind, 'network');
  });

  it('turns an error event inside the stream into an error', async () => {
    standin.enqueue({ content: 'x'.repeat(400), chunkSize: 10, errorEventAfterChunks: 3 });
    const err = await failure(collect(client));
    assert.ok(['network', 'server'].includes(err.kind));
  });

  it('detects a stalled stream with its idle watchdog', async () => {
    standin.enqueue({ content: 'x'.repeat(400), chunkSize: 10, stallAfterChunks: 3 });
    const err = await failure(collect(client));
    assert.equal(err.kind, 'stalled');
  });

  it('lets a slow but steady stream run past the idle timeout: only silence counts', async () => {
    // ~1.2 s of answer at 100 tokens/s, a chunk every ~100 ms, against a 400 ms idle timeout.
    standin.enqueue({ content: 'y'.repeat(480), chunkSize: 40, tokensPerSecond: 100 });
    const started = performance.now();
    const events = await collect(client);
    assert.ok(performance.now() - started > 800, 'the stream lasted longer than the idle timeout');
    assert.equal(
      events
        .filter((e) => e.type === 'content')
        .map((e) => (e as { text: string }).text)
        .join(''),
      'y'.repeat(480),
    );
    assert.equal(events.at(-1)?.type, 'end');
  });

  it('turns an abort mid-stream into a cancellation, not a silent end', async () => {
    standin.enqueue({ content: 'x'.repeat(4000), chunkSize: 10, tokensPerSecond: 2000 });
    const controller = new AbortController();
    const events: StreamEvent[] = [];
    const err = await failure(
      (async () => {
        for await (const e of client.stream(buildChatRequest('c'), { signal: controller.signal })) {
          events.push(e);
          if (events.length === 3) controller.abort();
        }
      })(),
    );
    assert.equal(err.kind, 'cancelled');
  });

  it('lists models', async () => {
    assert.deepEqual(await client.listModels(), standin.models);
  });

  it("accepts the seed's base URL with /v1", async () => {
    const seedStyle = new CerebrasClient({
      apiKey: standin.apiKey,
      baseUrl: `${standin.url}/v1/`,
      warmConnection: false,
    });
    standin.enqueue({ content: 'ok' });
    const events = await collect(seedStyle);
    assert.equal(events.at(-1)?.type, 'end');
    assert.equal(normalizeBaseUrl(' https://api.cerebras.ai/v1 '), 'https://api.cerebras.ai');
    assert.equal(normalizeBaseUrl(''), undefined);
  });

  it('reports an unreachable server as a network problem', async () => {
    const dead = new CerebrasClient({
      apiKey: 'k',
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      warmConnection: false,
      maxRetries: 0,
    });
    const err = await failure(collect(dead));
    assert.equal(err.kind, 'network');
    assert.match(err.message, /refused the connection \(ECONNREFUSED\)/);
  });
});
