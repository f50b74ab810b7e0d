// Node entry point: loads the WebAssembly module next to this file.
import { readFileSync } from 'node:fs';

import { createEngine, todayUtc } from './engine.mjs';
import { tuneWasmStartup } from './node-startup.mjs';

tuneWasmStartup();

const engine = createEngine(readFileSync(new URL('./pkg/portcullis_wasm_bg.wasm', import.meta.url)));

export { engine, todayUtc };
export const version = () => engine.version();
export const rules = () => engine.rules();
export const wantsFile = (path) => engine.wantsFile(path);
export const fileKind = (path) => engine.fileKind(path);
export const selectFiles = (paths, options) => engine.selectFiles(paths, options);
export const scan = (files, options) => engine.scan(files, options);
