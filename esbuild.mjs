// Bundles the extension, the CLI and the integration suites. `--production` minifies and drops
// source maps (vscode:prepublish); `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';

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
};

const builds = [
  { ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...common, entryPoints: { cli: 'src/cli/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: { mcp: 'src/mcp/entry.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
];
if (!production) {
  // The integration suites run inside the editor's extension host, which loads plain CommonJS.
  builds.push({
    ...common,
    entryPoints: { 'integration/index': 'test/integration/index.ts', 'integration/untrusted': 'test/integration/untrusted.ts' },
    outdir: 'out/test',
    external: ['vscode', 'mocha'],
  });
}

if (production && existsSync('dist')) {
  // Source maps from an earlier development build must not sit beside release bundles.
  for (const name of readdirSync('dist').filter((n) => n.endsWith('.map'))) rmSync(`dist/${name}`);
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  const started = performance.now();
  await Promise.all(builds.map((options) => esbuild.build(options)));
  console.log(`esbuild: ${builds.length} bundles${production ? ' (production)' : ''} in ${Math.round(performance.now() - started)} ms`);
}
