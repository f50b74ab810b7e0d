#!/usr/bin/env node
import { createRequire } from "module"; const require = createRequire(import.meta.url);
import {
  relaunchArgs
} from "./chunk-PT4YYCYD.js";

// npm/cli-bundle.mjs
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
var argv = process.argv.slice(2);
var again = relaunchArgs(fileURLToPath(import.meta.url), argv);
var child = again && spawnSync(process.execPath, again, { stdio: "inherit" });
if (child && !child.error) {
  process.exitCode = child.status ?? 1;
} else {
  const { runInline } = await import("./chunk-KDGMD2KS.js");
  process.exitCode = await runInline(argv);
}
