// The engine of dist/cli.js, inlined (imported dynamically by cli-bundle.mjs, so esbuild puts
// it in a chunk that the Action bundle shares).
import { cliMain } from './cli-main.mjs';
import { createEngine } from './engine.mjs';
import { tuneWasmStartup } from './node-startup.mjs';
import wasmBytes from './pkg/portcullis_wasm_bg.wasm';

export async function runInline(argv) {
  tuneWasmStartup();
  return cliMain(createEngine(wasmBytes), argv);
}
