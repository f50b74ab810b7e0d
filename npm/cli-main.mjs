// The command line shared by the npm package's `portcullis-wasm` (npm/cli.mjs, engine loaded
// from pkg/) and the self-contained bundle dist/cli.js (engine inlined; the pre-commit hook).
import { parseArgs } from 'node:util';

import { runScan } from './runner.mjs';

/** Runs the command line with `argv` (without node and the script) on `engine`; the exit code. */
export async function cliMain(engine, argv) {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'text' },
        'fail-on': { type: 'string' },
        config: { type: 'string' },
        'no-config': { type: 'boolean' },
        sarif: { type: 'string' },
        sbom: { type: 'string' },
        advisories: { type: 'string' },
        'dependencies-only': { type: 'boolean' },
        'no-dependencies': { type: 'boolean' },
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
  if (v['dependencies-only'] && v['no-dependencies']) {
    process.stderr.write('error: --dependencies-only and --no-dependencies exclude each other\n');
    return 2;
  }
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
    // Every format is rendered by the engine: the findings array is not needed.
    findings: false,
    outputs: { sarif: v.sarif, cyclonedx: v.sbom },
    failOn: v['fail-on'],
    category: v.category,
    today: v.today,
    advisories: v.advisories,
    dependenciesOnly: v['dependencies-only'],
    dependencies: v['no-dependencies'] ? false : undefined,
  });
  if (!run.ok) {
    for (const e of run.result.errors ?? []) process.stderr.write(`error: ${e}\n`);
    return 2;
  }
  process.stdout.write(run.result[v.format] ?? '');
  return run.exitCode;
}
