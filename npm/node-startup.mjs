// Node-only start-up tuning for the one-shot hosts (Action, task, CLI, index.mjs).
//
// Node 20's V8 spends seconds tiering the 4-5 MB engine module up with its optimizing compiler
// during a scan that takes a fraction of that with the baseline compiler alone (measured: first
// scan of tests/fixtures 1.4 s default vs 0.23 s --liftoff-only). Node 22+ no longer shows the
// stall, so the flag is only set on older Node. It must run before the module is compiled.
import v8 from 'node:v8';

export function tuneWasmStartup() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) v8.setFlagsFromString('--liftoff-only');
}
