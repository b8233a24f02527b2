/**
 * Issue 12, item 11: HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured (Node's fetch ignores them).
 * A real forward proxy on loopback (absolute-URI requests and CONNECT tunnels) sits in front of the
 * stand-in; the client, and the built CLI as a process, must go through it unless NO_PROXY says not.
 */
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CerebrasClient, type StreamEvent } from '../../../src/core/generation/client';
import { TurboError } from '../../../src/core/errors';
import { fetchFor, proxyFromEnv, type ProxySettings } from '../../../src/core/generation/http';
import { buildChatRequest } from '../../../src/core/generation/prompt';
import { CerebrasStandIn, fileBlocks } from '../../standin/server';
import { forwardProxy } from '../../support/forwardProxy';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

async function text(client: CerebrasClient): Promise<string> {
  const events: StreamEvent[] = [];
  for await (const e of client.stream(buildChatRequest('contract'))) events.push(e);
  assert.equal(events.at(-1)?.type, 'end');
  return events.map((e) => (e.type === 'content' ? e.text : '')).join('');
}

describe('proxy support', function () {
  this.timeout(30_000);
  const standin = new CerebrasStandIn();
  let proxy: Awaited<ReturnType<typeof forwardProxy>>;
  let standinHost: string;
  before(async () => {
    await standin.start();
    standinHost = new URL(standin.url).host;
  });
  beforeEach(async () => {
    proxy = await forwardProxy();
    standin.clearQueue();
  });
  afterEach(() => proxy.close());
  after(() => standin.close());

  const client = (settings: ProxySettings | undefined) =>
    new CerebrasClient({
      apiKey: standin.apiKey,
      baseUrl: standin.url,
      warmConnection: false,
      maxRetries: 0,
      proxy: settings,
    });

  it('reads the proxy variables, lower-case first, and nothing when none is set', () => {
    assert.equal(proxyFromEnv({}), undefined);
    assert.equal(proxyFromEnv({ NO_PROXY: 'x', HTTP_PROXY: '  ' }), undefined);
    assert.deepEqual(proxyFromEnv({ HTTPS_PROXY: 'http://p:1', https_proxy: 'http://q:2', NO_PROXY: 'a,b' }), {
      httpProxy: undefined,
      httpsProxy: 'http://q:2',
      noProxy: 'a,b',
    });
    assert.equal(fetchFor(undefined), undefined, 'no proxy: the global fetch stays');
    assert.throws(
      () => fetchFor({ httpProxy: 'socks5://me:hunter2@h:1' }),
      (err: unknown) =>
        err instanceof TurboError &&
        err.kind === 'config' &&
        /http:\/\/ or https:\/\/ proxy URL/.test(err.message) &&
        !err.message.includes('hunter2'),
    );
  });

  it('goes through HTTP_PROXY, loopback included, and the generation works', async () => {
    standin.enqueue({ content: 'through the proxy' });
    assert.equal(await text(client(proxyFromEnv({ HTTP_PROXY: proxy.url }))), 'through the proxy');
    assert.ok(
      proxy.seen.some((s) => s.includes(standinHost)),
      `the proxy saw the request: ${proxy.seen.join(', ')}`,
    );
  });

  it('goes direct for a host in NO_PROXY', async () => {
    standin.enqueue({ content: 'direct' });
    assert.equal(
      await text(client(proxyFromEnv({ HTTP_PROXY: proxy.url, NO_PROXY: 'example.com, 127.0.0.1' }))),
      'direct',
    );
    assert.deepEqual(proxy.seen, []);
  });

  it('tunnels HTTPS through CONNECT; a self-signed target is refused unless strict SSL is off', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'turbo-proxy-tls-'));
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
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'list',
            data: [{ id: 'tunnelled-1b', object: 'model', created: 0, owned_by: 'x' }],
          }),
        );
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const make = (strictSsl: boolean) =>
        new CerebrasClient({
          apiKey: 'csk-x',
          baseUrl: `https://127.0.0.1:${port}`,
          warmConnection: false,
          proxy: { httpsProxy: proxy.url, strictSsl },
        });
      await assert.rejects(
        make(true).listModels(),
        (err: unknown) => err instanceof TurboError && /TLS connection/.test(err.message),
      );
      assert.deepEqual(await make(false).listModels(), ['tunnelled-1b']);
      assert.ok(proxy.seen.includes(`CONNECT 127.0.0.1:${port}`), proxy.seen.join(', '));
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the built CLI honours HTTPS_PROXY/HTTP_PROXY from its environment', async () => {
    assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run npm run build first');
    assert.ok(
      fs.existsSync(path.join(path.dirname(CLI), 'proxy.js')),
      'dist/proxy.js is missing: run npm run build first',
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'turbo-proxy-cli-'));
    try {
      const contract = path.join(dir, 'a.contract.md');
      fs.writeFileSync(contract, '# A\n');
      standin.enqueue({ content: fileBlocks({ 'hello.txt': 'via proxy\n' }) });
      const env = {
        PATH: process.env.PATH ?? '',
        CEREBRAS_API_KEY: standin.apiKey,
        CEREBRAS_BASE_URL: standin.url,
        HTTP_PROXY: proxy.url,
        HTTPS_PROXY: proxy.url,
      };
      const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [CLI, 'generate', contract, '--out', path.join(dir, 'out'), '--quiet'],
          { env },
          (err, _stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
        );
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(fs.readFileSync(path.join(dir, 'out', 'hello.txt'), 'utf8'), 'via proxy\n');
      assert.ok(
        proxy.seen.some((s) => s.includes(standinHost)),
        `the proxy saw the CLI's request: ${proxy.seen.join(', ')}`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
