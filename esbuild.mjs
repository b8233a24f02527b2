// Bundles the extension, the CLI and the integration suites. `--production` minifies and drops
// source maps (vscode:prepublish); `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  define: { TURBO_VERSION: JSON.stringify(version) },
  // The SDK's web runtime: Node 20 has fetch, streams, FormData and Blob built in, so node-fetch and
  // its polyfills (most of the SDK's weight) stay out of the bundles. client.ts selects it at run time the
  // documented way (shims/web), but the SDK imports this private path statically whatever is selected;
  // test/unit/sdkShims.test.ts fails when an SDK upgrade moves it.
  alias: {
    '@cerebras/cerebras_cloud_sdk/_shims/auto/runtime':
      './node_modules/@cerebras/cerebras_cloud_sdk/_shims/auto/runtime.mjs',
  },
};

/**
 * `import * as vscode from 'vscode'` in each of ~30 modules would make esbuild copy the API object
 * (~300 properties) into a new namespace object once per module at load time. Routing every import
 * through one module that re-exports it makes that one copy: activation's load is about 10 ms shorter.
 */
const vscodeOnce = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-once'
        ? { path: 'vscode', external: true }
        : { path: 'vscode', namespace: 'vscode-once' },
    );
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({
      contents: "export * from 'vscode';",
      loader: 'js',
    }));
  },
};

/**
 * undici (~0.5 MB minified) is needed only behind a proxy, so src/core/generation/http.ts imports './proxy'
 * lazily and the front ends' bundles leave it out: it resolves at run time to dist/proxy.js beside them.
 */
const proxyBeside = {
  name: 'proxy-beside',
  setup(build) {
    build.onResolve({ filter: /^\.\/proxy$/ }, (args) =>
      /[\\/]generation[\\/]http\.ts$/.test(args.importer) ? { path: './proxy.js', external: true } : undefined,
    );
  },
};

const builds = [
  // The banner marks when the bundle starts loading, so activation can report its own cost.
  {
    ...common,
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
    plugins: [vscodeOnce, proxyBeside],
    banner: { js: 'var TURBO_LOAD_START = performance.now(), TURBO_LOAD_END;' },
    footer: { js: 'TURBO_LOAD_END = performance.now();' },
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/cli.ts' },
    outdir: 'dist',
    plugins: [proxyBeside],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { mcp: 'src/mcp/entry.ts' },
    outdir: 'dist',
    plugins: [proxyBeside],
    banner: { js: '#!/usr/bin/env node' },
  },
  { ...common, entryPoints: { proxy: 'src/core/generation/proxy.ts' }, outdir: 'dist' },
];
if (!production) {
  // The integration suites run inside the editor's extension host, which loads plain CommonJS.
  builds.push({
    ...common,
    entryPoints: {
      'integration/index': 'test/integration/index.ts',
      'integration/untrusted': 'test/integration/untrusted.ts',
      'integration/bench': 'test/integration/bench.ts',
      'integration/screenshots': 'test/integration/screenshots.ts',
    },
    outdir: 'out/test',
    external: ['vscode', 'mocha'],
  });
}

if (production && existsSync('dist')) {
  // Source maps from an earlier development build must not sit beside release bundles.
  for (const name of readdirSync('dist').filter((n) => n.endsWith('.map'))) rmSync(`dist/${name}`);
}

/**
 * The conformance check's tree-sitter runtime and grammars are WebAssembly files read at run time: they
 * sit in dist/grammars/ beside the bundles (listed in src/core/contract/conformance/grammars.json).
 */
function copyGrammars() {
  const require = createRequire(import.meta.url);
  const wasm = JSON.parse(readFileSync('src/core/contract/conformance/grammars.json', 'utf8'));
  mkdirSync('dist/grammars', { recursive: true });
  for (const { pkg, file } of Object.values(wasm))
    copyFileSync(require.resolve(`${pkg}/${file}`), path.join('dist/grammars', file));
}
copyGrammars();

if (watch) {
  // The lines VS Code's watch task waits for (.vscode/tasks.json) before F5 starts the extension.
  let pending = 0;
  const announce = {
    name: 'announce',
    setup(build) {
      build.onStart(() => {
        if (pending++ === 0) console.log('[watch] build started');
      });
      build.onEnd((result) => {
        for (const { text, location } of [...result.errors, ...result.warnings])
          console.error(`✘ [ERROR] ${text}\n    ${location?.file}:${location?.line}:${location?.column}:`);
        if (--pending === 0) console.log('[watch] build finished');
      });
    },
  };
  for (const options of builds)
    await (await esbuild.context({ ...options, plugins: [...(options.plugins ?? []), announce] })).watch();
} else {
  const started = performance.now();
  await Promise.all(builds.map((options) => esbuild.build(options)));
  console.log(
    `esbuild: ${builds.length} bundles${production ? ' (production)' : ''} in ${Math.round(performance.now() - started)} ms`,
  );
}
