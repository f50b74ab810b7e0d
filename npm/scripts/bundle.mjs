// Bundles the GitHub Action (dist/index.js, committed) and the Azure DevOps task
// (task/PortcullisScanV1/index.js, built for packaging) with the WebAssembly module inlined.
// Run after scripts/build-wasm.sh: `npm --prefix npm run bundle`.
import { writeFileSync } from 'node:fs';
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
await build({
  ...common,
  entryPoints: ['npm/action/index.mjs'],
  outfile: 'dist/main.js',
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
console.log('bundle: dist/index.js, task/PortcullisScanV1/index.js');
