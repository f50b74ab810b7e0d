import { createRequire } from "module"; const require = createRequire(import.meta.url);
import {
  createEngine,
  portcullis_wasm_bg_default,
  runScan
} from "./chunk-FCLEIMT6.js";
import {
  tuneWasmStartup
} from "./chunk-PT4YYCYD.js";

// npm/cli-main.mjs
import { parseArgs } from "node:util";

// npm/compact.mjs
function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
function renderCompact(result) {
  const lines = [];
  for (const f of result.findings ?? []) {
    if (f.suppression) continue;
    const l = f.location;
    lines.push(`${l.path}:${l.startLine}:${l.startColumn}: ${f.rule} [${f.severity}] ${f.message}`);
  }
  for (const d of result.diagnostics ?? []) {
    const where = d.path ? `${d.path}${d.line ? `:${d.line}` : ""}` : "portcullis";
    lines.push(`${where}: ${d.severity}: ${d.message}`);
  }
  const c = result.counts ?? {};
  const total = (c.errors ?? 0) + (c.warnings ?? 0) + (c.notes ?? 0);
  const parts = [plural(c.errors ?? 0, "error"), plural(c.warnings ?? 0, "warning"), plural(c.notes ?? 0, "note")];
  let summary = total === 0 ? `no findings in ${plural(c.files ?? 0, "file")}` : `${parts.join(", ")} in ${plural(c.files ?? 0, "file")}`;
  if (c.suppressed) summary += ` (${c.suppressed} suppressed)`;
  if (c.failing) summary += `; ${c.failing} at or above the threshold (${result.failOn})`;
  lines.push(summary);
  return `${lines.join("\n")}
`;
}

// npm/cli-main.mjs
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
  const compact = v.format === "compact";
  const run = await runScan(engine, {
    workspace: process.cwd(),
    paths: args.positionals,
    config: v.config,
    noConfig: v["no-config"],
    formats: compact ? [] : [v.format],
    // Only the compact format reads the findings; the others are rendered by the engine.
    findings: compact,
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
  process.stdout.write(compact ? renderCompact(run.result) : run.result[v.format] ?? "");
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
