// Builds the extension into dist/: the desktop bundle (CommonJS, `main`), the web bundle (ESM,
// `browser`) and the WebAssembly module both read at activation. `--test` also writes
// dist-test/extension.cjs with `vscode` left external, for the activate() smoke test (which puts
// a stand-in `vscode` module next to it). Run after scripts/build-wasm.sh (npm/pkg/).
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(here, '../..');
const wasm = path.join(root, 'npm/pkg/portcullis_wasm_bg.wasm');

const common = {
  absWorkingDir: root,
  bundle: true,
  external: ['vscode'],
  logLevel: 'warning',
  charset: 'utf8',
  // The web glue only touches import.meta.url when asked to fetch the module itself; the
  // extension always hands it the bytes.
  define: { 'import.meta.url': 'undefined' },
};

rmSync(path.join(here, 'dist'), { recursive: true, force: true });
await build({
  ...common,
  entryPoints: ['editors/vscode/src/node.mjs'],
  outfile: 'editors/vscode/dist/extension.cjs',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
});
await build({
  ...common,
  entryPoints: ['editors/vscode/src/web.mjs'],
  outfile: 'editors/vscode/dist/web/extension.js',
  platform: 'browser',
  target: 'es2022',
  format: 'cjs',
});
copyFileSync(wasm, path.join(here, 'dist/portcullis_wasm_bg.wasm'));

if (process.argv.includes('--test')) {
  const out = path.join(here, 'dist-test');
  rmSync(out, { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: ['editors/vscode/src/node.mjs'],
    outfile: 'editors/vscode/dist-test/extension.cjs',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
  });
  // `require('vscode')` from the bundle resolves to the stand-in.
  mkdirSync(path.join(out, 'node_modules/vscode'), { recursive: true });
  writeFileSync(
    path.join(out, 'node_modules/vscode/index.js'),
    "module.exports = require('../../../test/vscode-stub.cjs');\n",
  );
}
console.log('vscode bundle: editors/vscode/dist/');
