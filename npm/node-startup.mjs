// Node-only start-up tuning for the one-shot hosts (Action, task, CLI, index.mjs).
//
// A scan is one short burst of work. V8's optimizing tier spends more time compiling the
// 5 MB engine module than it saves in such a burst, especially on the 2-core machines CI runs
// on: scanning a 1,000-file corpus took 3.5 s on Node 24 by default and 1.85 s with the
// baseline compiler (Liftoff) only; Node 20 stalled for over a second on the first scan of
// tests/fixtures (0.23 s with Liftoff only).
//
// Node 20 still honours the flag when set at run time (before the module is compiled); newer
// V8 freezes its flags after start-up, so there the hosts start a child Node with the flag
// (`relaunchArgs`).
import v8 from 'node:v8';

export const WASM_FLAG = '--liftoff-only';

export function tuneWasmStartup() {
  v8.setFlagsFromString(WASM_FLAG);
}

/**
 * The arguments to re-run `script` under this Node with the flag, or null when this process
 * already has it or honours it at run time (Node < 22).
 */
export function relaunchArgs(script, args = []) {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22 || process.execArgv.includes(WASM_FLAG)) return null;
  return [...process.execArgv, WASM_FLAG, script, ...args];
}
