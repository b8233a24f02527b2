import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CerebrasClient } from '../../../src/core/generation/client';
import { gatherFiles } from '../../../src/core/testing/fixFiles';
import { fixFailures } from '../../../src/core/testing/loop';
import type { TestFailure } from '../../../src/core/testing/parsers';
import { CerebrasStandIn, editBlocks } from '../../standin/server';

const read = (abs: string) => fs.readFile(abs, 'utf8').catch(() => undefined);

/** Only the files inside the folder, by where they really are, and never denied ones, go with a fix. */
describe('the files sent with a fix stay inside the project', () => {
  let base: string;
  let root: string;
  const at = (p: string): TestFailure => ({
    location: { file: path.join(root, p), line: 1, column: 1 },
    message: 'x',
    test: 't',
    related: [],
  });
  const write = async (rel: string, content: string) => {
    await fs.mkdir(path.dirname(path.join(base, rel)), { recursive: true });
    await fs.writeFile(path.join(base, rel), content);
  };
  beforeEach(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'turbo-gather-')));
    root = path.join(base, 'project');
    await write('outside/credentials', 'aws_secret_access_key = OUTSIDE-SECRET\n');
    await write('project/lib.js', 'module.exports = 1;\n');
  });
  afterEach(() => fs.rm(base, { recursive: true, force: true }));

  it('does not follow a symlink that leads out of the folder', async () => {
    await write('project/test/a.test.js', "require('../config.js');\nrequire('../lib');\n");
    await fs.symlink('../outside/credentials', path.join(root, 'config.js'));
    const sent = await gatherFiles(root, [at('test/a.test.js')], read);
    assert.deepEqual(
      sent.map((f) => f.path),
      ['test/a.test.js', 'lib.js'],
    );
    assert.ok(!JSON.stringify(sent).includes('OUTSIDE-SECRET'));
  });

  it('does not follow a symlinked folder, nor a failure located through one', async () => {
    await fs.symlink('../outside', path.join(root, 'vendor'));
    await write('project/test/a.test.js', "require('../vendor/credentials');\n");
    const sent = await gatherFiles(root, [at('test/a.test.js'), at('vendor/credentials')], read);
    assert.deepEqual(
      sent.map((f) => f.path),
      ['test/a.test.js'],
    );
  });

  it('does not send a file an import reaches by ..', async () => {
    await write('outside/secret.js', 'module.exports = "OUTSIDE-SECRET";\n');
    await write('project/a.test.js', "require('../outside/secret.js');\n");
    const sent = await gatherFiles(
      root,
      [
        at('a.test.js'),
        { ...at('a.test.js'), location: { file: path.join(root, '../outside/secret.js'), line: 1, column: 1 } },
      ],
      read,
    );
    assert.deepEqual(
      sent.map((f) => f.path),
      ['a.test.js'],
    );
  });

  it('does not send files the deny list refuses, by name or by where a link points', async () => {
    await write('project/secrets/db.js', 'module.exports = "DENIED-SECRET";\n');
    await write('project/.env', 'TOKEN=DENIED-SECRET\n');
    await fs.symlink('.env', path.join(root, 'settings.js'));
    await write('project/a.test.js', "require('./secrets/db.js');\nrequire('./settings.js');\nrequire('./lib');\n");
    const sent = await gatherFiles(root, [at('a.test.js'), at('.env')], read, ['secrets/**', '.env']);
    assert.deepEqual(
      sent.map((f) => f.path),
      ['a.test.js', 'lib.js'],
    );
  });

  it('does not send a hard link, whose bytes may be a file outside the folder', async () => {
    await fs.link(path.join(base, 'outside/credentials'), path.join(root, 'creds.js'));
    await write('project/a.test.js', "require('./creds.js');\nrequire('./lib');\n");
    const sent = await gatherFiles(root, [at('a.test.js'), at('creds.js')], read);
    assert.deepEqual(
      sent.map((f) => f.path),
      ['a.test.js', 'lib.js'],
    );
    assert.ok(!JSON.stringify(sent).includes('OUTSIDE-SECRET'));
  });

  it('with no list given, the defaults keep .env files and private keys out, also behind a link', async () => {
    await write('project/.env.local', 'TOKEN=DEFAULT-DENIED\n');
    await write('project/certs/server.key', '-----BEGIN PRIVATE KEY-----\nDEFAULT-DENIED\n');
    await fs.symlink('.env.local', path.join(root, 'config.js'));
    await write('project/a.test.js', "require('./config.js');\nrequire('./lib');\n");
    const sent = await gatherFiles(root, [at('a.test.js'), at('.env.local'), at('certs/server.key')], read);
    assert.deepEqual(
      sent.map((f) => f.path),
      ['a.test.js', 'lib.js'],
    );
    assert.ok(!JSON.stringify(sent).includes('DEFAULT-DENIED'));
  });

  it('fixFailures applies the context deny list: the request body holds no denied file', async () => {
    const standin = new CerebrasStandIn();
    await standin.start();
    try {
      await write('project/private/keys.js', 'module.exports = "DENIED-SECRET";\n');
      await write('project/a.test.js', "require('./private/keys.js');\nrequire('./lib');\n");
      await fs.symlink('../outside/credentials', path.join(root, 'config.js'));
      await fs.appendFile(path.join(root, 'a.test.js'), "require('./config.js');\n");
      standin.enqueue({
        content: editBlocks([{ file: 'lib.js', search: 'module.exports = 1;', replace: 'module.exports = 2;' }]),
      });
      const client = new CerebrasClient({ apiKey: standin.apiKey, baseUrl: standin.url, warmConnection: false });
      const attempt = await fixFailures(
        { client, root, readFile: read, applyChanges: async () => undefined, deny: ['private/**'] },
        { failures: [at('a.test.js')], output: 'failed', command: 'npm test' },
      );
      assert.deepEqual(attempt.problems, []);
      const body = JSON.stringify(standin.chatRequests[0].body);
      assert.match(body, /module.exports = 1;/);
      assert.ok(!body.includes('DENIED-SECRET'), 'a denied file was sent');
      assert.ok(!body.includes('OUTSIDE-SECRET'), 'a file outside the folder was sent');
    } finally {
      await standin.close();
    }
  });
});
