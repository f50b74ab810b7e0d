#!/usr/bin/env node
// portcullis-wasm: the WebAssembly engine as a small command line (no native binary needed).
//   portcullis-wasm [PATH...] [--format text|json|sarif|github|azure] [--fail-on LEVEL]
//                   [--config FILE | --no-config] [--sarif FILE] [--sbom FILE]
//                   [--advisories off|online|PATH] [--category ID] [--today YYYY-MM-DD]
// Exit codes as the native CLI: 0 clean, 1 findings at or above the threshold, 2 errors.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { relaunchArgs } from './node-startup.mjs';

async function main() {
  // Newer Node takes the baseline-compiler flag only on the command line (node-startup.mjs).
  const again = relaunchArgs(fileURLToPath(import.meta.url), process.argv.slice(2));
  if (again) {
    const child = spawnSync(process.execPath, again, { stdio: 'inherit' });
    if (!child.error) return child.status ?? 1;
  }
  const { engine } = await import('./index.mjs');
  const { runScan } = await import('./runner.mjs');
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'text' },
        'fail-on': { type: 'string' },
        config: { type: 'string' },
        'no-config': { type: 'boolean' },
        sarif: { type: 'string' },
        sbom: { type: 'string' },
        advisories: { type: 'string', default: 'off' },
        category: { type: 'string' },
        today: { type: 'string' },
        version: { type: 'boolean' },
      },
    });
  } catch (e) {
    process.stderr.write(`error: ${e.message}\n`);
    return 2;
  }
  const v = args.values;
  if (v.version) {
    process.stdout.write(`portcullis-wasm ${engine.version()}\n`);
    return 0;
  }
  const run = await runScan(engine, {
    workspace: process.cwd(),
    paths: args.positionals,
    config: v.config,
    noConfig: v['no-config'],
    formats: [v.format],
    findings: false,
    outputs: { sarif: v.sarif, cyclonedx: v.sbom },
    failOn: v['fail-on'],
    category: v.category,
    today: v.today,
    advisories: v.advisories,
  });
  if (!run.ok) {
    for (const e of run.result.errors ?? []) process.stderr.write(`error: ${e}\n`);
    return 2;
  }
  process.stdout.write(run.result[v.format] ?? '');
  return run.exitCode;
}

process.exitCode = await main();
