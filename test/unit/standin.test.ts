import * as assert from 'node:assert/strict';
// As src/core/generation/client.ts: the SDK's web runtime, selected before the SDK loads.
import '@cerebras/cerebras_cloud_sdk/shims/web';
import Cerebras from '@cerebras/cerebras_cloud_sdk';
import { CerebrasStandIn } from '../standin/server';

/** The stand-in is only useful if the real SDK accepts it as Cerebras: these talk to it with the SDK itself. */
describe('Cerebras stand-in, through the real SDK', () => {
  const standin = new CerebrasStandIn();
  before(() => standin.start());
  after(() => standin.close());

  it('answers non-streaming chat completions with usage and time_info', async () => {
    const sdk = new Cerebras({ apiKey: standin.apiKey, baseURL: standin.url, warmTCPConnection: false, maxRetries: 0 });
    standin.enqueue({ content: 'whole answer', reasoning: 'why' });
    const res = (await sdk.chat.completions.create({
      model: 'gpt-oss-120b',
      messages: [{ role: 'user', content: 'hi' }],
    })) as {
      object: string;
      choices: { message: { content: string; reasoning?: string }; finish_reason: string }[];
      usage: { completion_tokens: number };
      time_info: { total_time: number };
    };
    assert.equal(res.object, 'chat.completion');
    assert.equal(res.choices[0].message.content, 'whole answer');
    assert.equal(res.choices[0].message.reasoning, 'why');
    assert.equal(res.choices[0].finish_reason, 'stop');
    assert.ok(res.usage.completion_tokens > 0 && res.time_info.total_time > 0);
  });

  it("receives the SDK's connection warm-up on GET /v1/tcp_warming", async () => {
    const before = standin.requests.filter((r) => r.path === '/v1/tcp_warming').length;
    new Cerebras({ apiKey: standin.apiKey, baseURL: standin.url });
    for (let i = 0; i < 50 && standin.requests.filter((r) => r.path === '/v1/tcp_warming').length === before; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(standin.requests.filter((r) => r.path === '/v1/tcp_warming').length, before + 1);
  });

  it('paces the stream at the configured token rate (never faster)', async () => {
    const sdk = new Cerebras({ apiKey: standin.apiKey, baseURL: standin.url, warmTCPConnection: false, maxRetries: 0 });
    standin.enqueue({ content: 'x'.repeat(1600), chunkSize: 16, tokensPerSecond: 1000 });
    const started = performance.now();
    let text = '';
    const stream = await sdk.chat.completions.create({
      model: 'gpt-oss-120b',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    for await (const chunk of stream) {
      const c = chunk as { choices?: { delta?: { content?: string } }[] };
      text += c.choices?.[0]?.delta?.content ?? '';
    }
    assert.equal(text.length, 1600);
    // 400 tokens at 1000 tokens/s cannot arrive in less than about 0.4 s.
    assert.ok(performance.now() - started >= 350, `took ${performance.now() - started} ms`);
  });

  it('holds the stream after pauseAfterChunks until released, then goes on at the same pace', async () => {
    const sdk = new Cerebras({ apiKey: standin.apiKey, baseURL: standin.url, warmTCPConnection: false, maxRetries: 0 });
    let release = () => {};
    const until = new Promise<void>((r) => (release = r));
    standin.enqueue({
      content: 'x'.repeat(1600),
      chunkSize: 16,
      tokensPerSecond: 4000,
      pauseAfterChunks: { chunks: 50, until },
    });
    let text = '';
    const stream = await sdk.chat.completions.create({
      model: 'gpt-oss-120b',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const read = (async () => {
      for await (const chunk of stream)
        text += (chunk as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? '';
    })();
    await new Promise((r) => setTimeout(r, 400));
    // Held after 50 chunks of 16 characters (the SDK may still hold back the last event it read).
    assert.ok(text.length >= 784 && text.length <= 800, `${text.length} characters before the release`);
    const releasedAt = performance.now();
    release();
    await read;
    assert.equal(text.length, 1600);
    // The other 200 tokens at 4000 tokens/s take about 50 ms more: the pace, not a burst and not the held time again.
    const after = performance.now() - releasedAt;
    assert.ok(after >= 40, `the rest came in ${after} ms`);
  });

  it('returns flat error bodies with retry-after on 429', async () => {
    standin.enqueue({ status: 429, headers: { 'retry-after': '7' } });
    const res = await fetch(`${standin.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${standin.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-oss-120b', messages: [] }),
    });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '7');
    const body = (await res.json()) as Record<string, string>;
    assert.deepEqual(Object.keys(body).sort(), ['code', 'message', 'param', 'type']);
  });
});
