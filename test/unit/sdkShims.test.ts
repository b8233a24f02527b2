import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

/**
 * The SDK is told to use the global fetch the documented way (`shims/web` in client.ts, the `fetch`
 * option), but its `_shims/index` still imports `_shims/auto/runtime` statically, and under the `node`
 * condition that resolves to the node runtime: node-fetch, agentkeepalive and formdata-node would be
 * bundled and never run. esbuild.mjs aliases that private path to the web runtime. These tests fail
 * when an SDK upgrade moves it, so the alias cannot go stale silently.
 */
const ROOT = path.resolve(__dirname, '../..');
const SDK = path.join(ROOT, 'node_modules/@cerebras/cerebras_cloud_sdk');
const NODE_ONLY = /node_modules[\\/](node-fetch|agentkeepalive|formdata-node|form-data-encoder|abort-controller)[\\/]/;

function aliasInBuildScript(): { from: string; to: string } {
  const script = readFileSync(path.join(ROOT, 'esbuild.mjs'), 'utf8');
  const found = /'(@cerebras\/cerebras_cloud_sdk\/[^']+)':\s*'([^']+)'/.exec(script);
  assert.ok(found, 'esbuild.mjs aliases no @cerebras/cerebras_cloud_sdk path');
  return { from: found[1], to: found[2] };
}

async function bundledInputs(alias: Record<string, string> | undefined): Promise<string[]> {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'src/core/generation/client.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
    alias,
  });
  return Object.keys(result.metafile.inputs);
}

describe("the SDK's web runtime alias in esbuild.mjs", () => {
  it('names the path the SDK imports its runtime from, and a web runtime that exists', () => {
    const { from, to } = aliasInBuildScript();
    for (const file of ['_shims/index.js', '_shims/index.mjs'])
      assert.ok(
        readFileSync(path.join(SDK, file), 'utf8').includes(`'${from}'`),
        `the SDK's ${file} no longer imports ${from}: update the alias in esbuild.mjs`,
      );
    const target = path.join(ROOT, to);
    assert.ok(existsSync(target), `${to} is gone: update the alias in esbuild.mjs`);
    assert.match(readFileSync(target, 'utf8'), /web-runtime/);
  });

  it('keeps node-fetch and the other Node polyfills out of the bundle, which they enter without it', async () => {
    const { from, to } = aliasInBuildScript();
    const withAlias = await bundledInputs({ [from]: to });
    assert.ok(
      withAlias.some((f) => f.includes('cerebras_cloud_sdk')),
      'the SDK is bundled',
    );
    assert.deepEqual(
      withAlias.filter((f) => NODE_ONLY.test(f)),
      [],
    );
    // If this starts failing, the SDK no longer pulls the node runtime in: the alias can go.
    const without = await bundledInputs(undefined);
    assert.ok(
      without.some((f) => NODE_ONLY.test(f)),
      'without the alias no Node polyfill is bundled: remove it',
    );
  });
});
