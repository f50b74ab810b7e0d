#!/usr/bin/env node
// portcullis-wasm: the WebAssembly engine as a small command line (no native binary needed).
//   portcullis-wasm [PATH...] [--format text|compact|json|sarif|github|azure] [--fail-on LEVEL]
//                   [--config FILE | --no-config] [--sarif FILE] [--sbom FILE]
//                   [--advisories off|online|PATH] [--dependencies-only | --no-dependencies]
//                   [--category ID] [--today YYYY-MM-DD]
// `compact` prints one `path:line:column: RULE [severity] message` line per finding.
// Exit codes as the native CLI: 0 clean, 1 findings at or above the threshold, 2 errors.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { cliMain } from './cli-main.mjs';
import { relaunchArgs } from './node-startup.mjs';

async function main() {
  // Newer Node takes the baseline-compiler flag only on the command line (node-startup.mjs).
  const again = relaunchArgs(fileURLToPath(import.meta.url), process.argv.slice(2));
  if (again) {
    const child = spawnSync(process.execPath, again, { stdio: 'inherit' });
    if (!child.error) return child.status ?? 1;
  }
  const { engine } = await import('./index.mjs');
  return cliMain(engine, process.argv.slice(2));
}

process.exitCode = await main();
