/**
 * Issue 12, item 9: one retry layer (at most three attempts), deadlines for a server that never
 * answers, and failure messages that name the URL and the real cause. Real local servers throughout:
 * a closed port, a TCP server that accepts and stays silent, one that resets, a self-signed HTTPS one.
 */
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CerebrasClient, type ClientOptions, type StreamEvent } from '../../../src/core/generation/client';
import { TurboError } from '../../../src/core/errors';
import { networkFromEnv } from '../../../src/core/generation/http';
import { buildChatRequest } from '../../../src/core/generation/prompt';
import { CerebrasStandIn } from '../../standin/server';

async function failure(client: CerebrasClient, onRetry?: () => void): Promise<TurboError> {
  try {
    const events: StreamEvent[] = [];
    for await (const e of client.stream(buildChatRequest('contract'), { onRetry })) events.push(e);
  } catch (err) {
    assert.ok(err instanceof TurboError, `expected a TurboError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

const make = (baseUrl: string, extra: Partial<ClientOptions> = {}) =>
  new CerebrasClient({ apiKey: 'csk-test', baseUrl, warmConnection: false, ...extra });

/**
 * A TCP server that accepts and then either stays silent or resets; counts the requests (connections
 * that sent something: fetch may open a spare connection that never carries one).
 */
async function tcpServer(
  behaviour: 'silent' | 'reset',
): Promise<{ url: string; connections: () => number; close: () => void }> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      count++;
      if (behaviour === 'reset') socket.resetAndDestroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on: a server is opened there and closed again. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('network failures: one retry layer, deadlines, messages that name the cause', function () {
  this.timeout(20_000);

  it('a port that fetch blocks (127.0.0.1:9) is said plainly and not retried: it can never succeed', async () => {
    let retries = 0;
    const err = await failure(make('http://127.0.0.1:9'), () => retries++);
    assert.equal(retries, 0);
    assert.match(err.message, /port 9 .*blocked/i);
    assert.match(err.message, /http:\/\/127\.0\.0\.1:9\/v1\/chat\/completions/);
  });

  it('tries a refused connection twice in all, quickly, and says it was refused, naming the URL', async () => {
    const port = await closedPort();
    let retries = 0;
    const started = performance.now();
    const err = await failure(make(`http://127.0.0.1:${port}`), () => retries++);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(err.kind, 'network');
    assert.equal(retries, 1, 'one quick retry: a server that is not listening does not start in a moment');
    assert.ok(seconds < 1, `took ${seconds.toFixed(1)} s`);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}.*refused the connection \\(ECONNREFUSED\\)`));
    assert.match(err.message, new RegExp(`http://127\\.0\\.0\\.1:${port}/v1/chat/completions`));
  });

  it('opens a connection reset before any answer three times in all, not nine', async () => {
    const server = await tcpServer('reset');
    try {
      const err = await failure(make(server.url));
      assert.equal(err.kind, 'network');
      assert.equal(server.connections(), 3);
      assert.match(err.message, /was closed before an answer|reset/);
      assert.ok(err.message.includes(`${server.url}/v1/chat/completions`), err.message);
    } finally {
      server.close();
    }
  });

  it('gives up on a server that accepts and never answers after three header deadlines, not minutes', async () => {
    const server = await tcpServer('silent');
    try {
      const started = performance.now();
      const err = await failure(make(server.url, { headersTimeoutMs: 300 }));
      const seconds = (performance.now() - started) / 1000;
      assert.equal(err.kind, 'network');
      assert.equal(server.connections(), 3, 'three requests');
      // 3 × 0.3 s of waiting for headers plus two backoffs of at most 0.5 s and 1 s.
      assert.ok(seconds < 4.5, `took ${seconds.toFixed(1)} s`);
      assert.match(err.message, /sent no response within 0\.3 s/);
      assert.match(err.message, /response-headers deadline/);
      assert.ok(err.message.includes(`${server.url}/v1/chat/completions`), err.message);
    } finally {
      server.close();
    }
  });

  it('stops at the overall deadline per request, retries and waits included', async () => {
    const server = await tcpServer('silent');
    try {
      const started = performance.now();
      const err = await failure(make(server.url, { headersTimeoutMs: 10_000, requestDeadlineMs: 500 }));
      const seconds = (performance.now() - started) / 1000;
      assert.equal(err.kind, 'network');
      assert.match(err.message, /did not finish within 0\.5 s \(the overall deadline/);
      assert.ok(seconds < 3, `took ${seconds.toFixed(1)} s`);
      assert.equal(server.connections(), 1);
    } finally {
      server.close();
    }
  });

  it('says a host name could not be resolved', async () => {
    const err = await failure(make('http://nonexistent.invalid', { maxRetries: 0 }));
    assert.equal(err.kind, 'network');
    assert.match(err.message, /Could not resolve nonexistent\.invalid \((ENOTFOUND|EAI_AGAIN)\)/);
    assert.match(err.message, /http:\/\/nonexistent\.invalid\/v1\/chat\/completions/);
  });

  it('says HTTPS was spoken to a server that does not speak it (TLS)', async () => {
    const standin = new CerebrasStandIn();
    await standin.start();
    try {
      const err = await failure(make(standin.url.replace('http://', 'https://'), { maxRetries: 0 }));
      assert.equal(err.kind, 'network');
      assert.match(
        err.message,
        /The TLS connection to https:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions failed: ERR_SSL_/,
      );
    } finally {
      await standin.close();
    }
  });

  it('says a self-signed certificate is not trusted (TLS)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'turbo-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          path.join(dir, 'key.pem'),
          '-out',
          path.join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      const server = https.createServer(
        { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) },
        (_req, res) => res.end('{}'),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as net.AddressInfo;
        const err = await failure(make(`https://127.0.0.1:${port}`, { maxRetries: 0 }));
        assert.equal(err.kind, 'network');
        assert.match(
          err.message,
          new RegExp(
            `The TLS connection to https://127\\.0\\.0\\.1:${port}/v1/chat/completions failed: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID)`,
          ),
        );
        assert.match(err.message, /NODE_EXTRA_CA_CERTS/);
      } finally {
        server.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('TURBO_REQUEST_TIMEOUT is validated: whole seconds from 1 to 600', () => {
    assert.equal(networkFromEnv({}).headersTimeoutMs, 30_000);
    assert.equal(networkFromEnv({ TURBO_REQUEST_TIMEOUT: '5' }).headersTimeoutMs, 5000);
    for (const bad of ['abc', '0', '601', 'Infinity', '1e3']) {
      assert.throws(
        () => networkFromEnv({ TURBO_REQUEST_TIMEOUT: bad }),
        (err: unknown) =>
          err instanceof TurboError &&
          err.kind === 'config' &&
          /TURBO_REQUEST_TIMEOUT takes a whole number from 1 to 600/.test(err.message),
      );
    }
  });

  it('the built CLI gives up on a silent server after three attempts of TURBO_REQUEST_TIMEOUT and says so', async () => {
    const cli = path.resolve(__dirname, '../../../dist/cli.js');
    assert.ok(fs.existsSync(cli), 'dist/cli.js is missing: run npm run build first');
    const server = await tcpServer('silent');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'turbo-hang-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.contract.md'), '# A\n');
      const env = {
        PATH: process.env.PATH ?? '',
        CEREBRAS_API_KEY: 'csk-test',
        CEREBRAS_BASE_URL: server.url,
        TURBO_REQUEST_TIMEOUT: '1',
      };
      const started = performance.now();
      const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [cli, 'generate', path.join(dir, 'a.contract.md'), '--out', path.join(dir, 'out')],
          { env },
          (err, _stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
        );
      });
      const seconds = (performance.now() - started) / 1000;
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /sent no response within 1 s/);
      assert.equal(server.connections(), 3);
      assert.ok(seconds < 8, `took ${seconds.toFixed(1)} s`);
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('a 200 with a JSON error body instead of a stream', () => {
    const standin = new CerebrasStandIn();
    before(() => standin.start());
    after(() => standin.close());
    beforeEach(() => standin.clearQueue());

    for (const body of [
      { error: { message: 'Model gpt-oss-120b is overloaded', type: 'server_error' } },
      { message: 'Model gpt-oss-120b is overloaded', type: 'too_many_requests_error' },
    ]) {
      it(`shows the server's message: ${JSON.stringify(body).slice(0, 40)}…`, async () => {
        standin.requests.length = 0;
        standin.enqueue({ status: 200, errorBody: body });
        const err = await failure(
          new CerebrasClient({ apiKey: standin.apiKey, baseUrl: standin.url, warmConnection: false }),
        );
        assert.equal(err.kind, 'server');
        assert.match(err.message, /answered with an error instead of a stream: "Model gpt-oss-120b is overloaded"/);
        assert.doesNotMatch(err.message, /closed before the model finished/);
        assert.equal(standin.chatRequests.length, 1, 'an error the server states is not retried');
      });
    }
  });

  describe('timers longer than Node can hold', () => {
    const standin = new CerebrasStandIn();
    before(() => standin.start());
    after(() => standin.close());

    it('a huge headers timeout, deadline and idle timeout do not fire at once', async () => {
      standin.enqueue({ content: 'hello' });
      const client = new CerebrasClient({
        apiKey: standin.apiKey,
        baseUrl: standin.url,
        warmConnection: false,
        headersTimeoutMs: 3_000_000_000,
        requestDeadlineMs: 3_000_000_000,
        idleTimeoutMs: 3_000_000_000,
      });
      const events: StreamEvent[] = [];
      for await (const e of client.stream(buildChatRequest('c'))) events.push(e);
      assert.equal(events.at(-1)?.type, 'end');
    });
  });
});
