// The language-server logic of the Portcullis core, run in-process from the WebAssembly module
// (wasm-bindgen `--target web` glue: works in the desktop and the web extension host). Every
// call scans the given text and answers in LSP shapes (0-based lines, UTF-16 characters, which
// are VS Code's `Position` units). Bad input comes back as `{ ok: false, errors }`.
import * as glue from '../../../npm/pkg/portcullis_wasm.js';

let ready = false;

function call(fn, ...args) {
  try {
    return JSON.parse(fn(...args));
  } catch (e) {
    return { ok: false, errors: [`internal error in the engine: ${e && e.message ? e.message : String(e)}`] };
  }
}

/**
 * Instantiates the engine from the module's bytes (Uint8Array, ArrayBuffer or
 * WebAssembly.Module); later calls return the same engine.
 */
export function createLspEngine(wasm) {
  if (!ready) {
    glue.initSync({ module: wasm });
    ready = true;
  }
  return {
    version: () => glue.version(),
    /** `{ok, kind, diagnostics, notes}` for the document at workspace-relative `path`. */
    diagnostics: (path, text, options) => call(glue.lspDiagnostics, path, text, JSON.stringify(options)),
    /** `{ok, kind, hover}`; `options.position` is `{line, character}`. */
    hover: (path, text, options) => call(glue.lspHover, path, text, JSON.stringify(options)),
    /** `{ok, kind, actions}`; `options.range` is `{start, end}`. */
    codeActions: (path, text, options) => call(glue.lspCodeActions, path, text, JSON.stringify(options)),
  };
}
