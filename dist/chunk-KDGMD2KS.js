import { createRequire } from "module"; const require = createRequire(import.meta.url);
import {
  createEngine,
  portcullis_wasm_bg_default,
  runScan
} from "./chunk-EPUMBDEE.js";
import {
  tuneWasmStartup
} from "./chunk-PT4YYCYD.js";

// npm/cli-main.mjs
import { parseArgs } from "node:util";
async function cliMain(engine, argv) {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: "string", short: "f", default: "text" },
        "fail-on": { type: "string" },
        config: { type: "string" },
        "no-config": { type: "boolean" },
        sarif: { type: "string" },
        sbom: { type: "string" },
        advisories: { type: "string" },
        "dependencies-only": { type: "boolean" },
        "no-dependencies": { type: "boolean" },
        category: { type: "string" },
        today: { type: "string" },
        version: { type: "boolean" }
      }
    });
  } catch (e) {
    process.stderr.write(`error: ${e.message}
`);
    return 2;
  }
  const v = args.values;
  if (v["dependencies-only"] && v["no-dependencies"]) {
    process.stderr.write("error: --dependencies-only and --no-dependencies exclude each other\n");
    return 2;
  }
  if (v.version) {
    process.stdout.write(`portcullis-wasm ${engine.version()}
`);
    return 0;
  }
  const run = await runScan(engine, {
    workspace: process.cwd(),
    paths: args.positionals,
    config: v.config,
    noConfig: v["no-config"],
    formats: [v.format],
    // Every format is rendered by the engine: the findings array is not needed.
    findings: false,
    outputs: { sarif: v.sarif, cyclonedx: v.sbom },
    failOn: v["fail-on"],
    category: v.category,
    today: v.today,
    advisories: v.advisories,
    dependenciesOnly: v["dependencies-only"],
    dependencies: v["no-dependencies"] ? false : void 0
  });
  if (!run.ok) {
    for (const e of run.result.errors ?? []) process.stderr.write(`error: ${e}
`);
    return 2;
  }
  process.stdout.write(run.result[v.format] ?? "");
  return run.exitCode;
}

// npm/cli-inline.mjs
async function runInline(argv) {
  tuneWasmStartup();
  return cliMain(createEngine(portcullis_wasm_bg_default), argv);
}
export {
  runInline
};
