#!/usr/bin/env node
// Entry of dist/cli.js: the `portcullis-wasm` command line as one self-contained file with the
// engine inlined (the pre-commit hook installs the repository as an npm package without
// dependencies and runs this; nothing is downloaded). On Node 22+ it re-runs itself with the
// baseline-compiler flag first (node-startup.mjs); the engine chunk is loaded only by the
// process that scans.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { relaunchArgs } from './node-startup.mjs';

const argv = process.argv.slice(2);
const again = relaunchArgs(fileURLToPath(import.meta.url), argv);
const child = again && spawnSync(process.execPath, again, { stdio: 'inherit' });
if (child && !child.error) {
  process.exitCode = child.status ?? 1;
} else {
  const { runInline } = await import('./cli-inline.mjs');
  process.exitCode = await runInline(argv);
}
