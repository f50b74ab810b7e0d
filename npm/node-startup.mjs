// Node-only start-up tuning for the one-shot hosts (Action, task, CLI, index.mjs).
//
// A scan is one short burst of work. V8's optimizing tier spends more time compiling the
// 5 MB engine module than it saves in such a burst, especially on the 2-core machines CI runs
// on: scanning a 1,000-file corpus took 3.0 s on Node 24 by default and 1.75 s with the
// baseline compiler (Liftoff) only; Node 20 stalled for over a second on the first scan of
// tests/fixtures (0.23 s with Liftoff only). The flag must be set before the module is compiled.
import v8 from 'node:v8';

export function tuneWasmStartup() {
  v8.setFlagsFromString('--liftoff-only');
}
