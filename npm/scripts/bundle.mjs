// Bundles the GitHub Action (dist/index.js, committed), the command line for the pre-commit hook
// (dist/cli.js, committed) and the Azure DevOps task (task/PortcullisScanV1/index.js, built for
// packaging) with the WebAssembly module inlined. Run after scripts/build-wasm.sh:
// `npm --prefix npm run bundle`.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const common = {
  absWorkingDir: root, // comments in the bundle name files relative to the repository
  bundle: true,
  platform: 'node',
  target: 'node20',
  loader: { '.wasm': 'binary' },
  logLevel: 'warning',
  charset: 'utf8',
};

// GitHub Action: ESM (@actions/core 3 is ESM-only); its CJS dependencies need `require`.
// dist/main.js is the bundle; dist/index.js (action.yml's `main`) is a small launcher that
// starts it (see npm/action/launcher.mjs), so the 7 MB bundle is parsed once.
// dist/cli.js is the command line (npm/cli-bundle.mjs) the pre-commit hook runs. Both are built
// together with code splitting, so the engine (the inlined module) lives once in a shared
// dist/chunk-*.js instead of twice in the repository.
for (const f of readdirSync(path.join(root, 'dist'))) {
  if (/^chunk-.*\.js$/.test(f)) rmSync(path.join(root, 'dist', f));
}
await build({
  ...common,
  entryPoints: { main: 'npm/action/index.mjs', cli: 'npm/cli-bundle.mjs' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunk-[hash]',
  format: 'esm',
  banner: { js: 'import { createRequire } from "module"; const require = createRequire(import.meta.url);' },
});
await build({
  ...common,
  entryPoints: ['npm/action/launcher.mjs'],
  outfile: 'dist/index.js',
  format: 'esm',
  external: ['./main.js'],
});
writeFileSync(path.join(root, 'dist/package.json'), '{\n  "type": "module"\n}\n');

// Azure DevOps task: CommonJS; the task library is required at run time from the task folder.
await build({
  ...common,
  entryPoints: ['task/src/index.mjs'],
  outfile: 'task/PortcullisScanV1/index.js',
  format: 'cjs',
  external: ['azure-pipelines-task-lib', 'azure-pipelines-task-lib/*'],
  // The web glue only touches import.meta.url when asked to fetch the module itself.
  define: { 'import.meta.url': 'undefined' },
});
console.log('bundle: dist/index.js, dist/cli.js, task/PortcullisScanV1/index.js');
