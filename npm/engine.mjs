// The Portcullis engine over the WebAssembly module: plain objects in, plain objects out.
//
// `createEngine(bytes)` instantiates the module from its bytes (read from disk by index.mjs,
// inlined by the Action and task bundles). Every call returns a value; bad input and even an
// engine fault come back as `{ ok: false, exitCode: 2, errors: [...] }`.
import * as glue from './pkg/portcullis_wasm.js';

const FORMATS = ['sarif', 'json', 'text', 'github', 'azure', 'cyclonedx'];

let ready = false;

/** Today's date in UTC as YYYY-MM-DD (the core has no clock). */
export function todayUtc(now = new Date()) {
  return now.toISOString().slice(0, 10);
}

function failure(errors) {
  return { ok: false, exitCode: 2, errors };
}

function callJson(fn, ...args) {
  let text;
  try {
    text = fn(...args);
  } catch (e) {
    // A trap is a bug in the engine; report it as a value like any other failure.
    return failure([`internal error in the engine: ${e && e.message ? e.message : String(e)}`]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    return failure([`internal error: the engine returned invalid JSON: ${e.message}`]);
  }
}

function filesObject(files) {
  if (files instanceof Map) return Object.fromEntries(files);
  if (Array.isArray(files)) return Object.fromEntries(files.map((f) => [f.path, f.text]));
  return files ?? {};
}

const api = {
  formats: FORMATS,

  /** The engine's version. */
  version() {
    return glue.version();
  },

  /** Metadata of every rule. */
  rules() {
    const r = callJson(glue.rulesJson);
    return Array.isArray(r) ? r : [];
  },

  /** Whether the engine reads a file with this repository-relative path. */
  wantsFile(path) {
    return glue.wantsFile(String(path));
  },

  /** `dockerfile`, `dockerignore`, `manifest` or `other`. */
  fileKind(path) {
    return glue.fileKind(String(path));
  },

  /** The paths worth reading, under the config given in `options`. */
  selectFiles(paths, options = {}) {
    let json;
    try {
      json = JSON.stringify(options);
    } catch (e) {
      return failure([`options: ${e.message}`]);
    }
    return callJson(glue.selectFiles, json, JSON.stringify([...paths].map(String)));
  },

  /**
   * Scans `files` (object, Map or array of {path, text}) with `options`; see index.d.ts.
   * `today` defaults to the current UTC date.
   */
  scan(files, options = {}) {
    const opts = { ...options };
    if (opts.today === undefined || opts.today === null || opts.today === '') opts.today = todayUtc();
    let filesJson;
    let optsJson;
    try {
      filesJson = JSON.stringify(filesObject(files));
      optsJson = JSON.stringify(opts);
    } catch (e) {
      return failure([`input is not serializable: ${e.message}`]);
    }
    return callJson(glue.scanJson, filesJson, optsJson);
  },
};

/**
 * Instantiates the engine from the module's bytes (a Buffer, Uint8Array, ArrayBuffer or
 * WebAssembly.Module). Later calls return the same engine.
 */
export function createEngine(wasm) {
  if (!ready) {
    glue.initSync({ module: wasm });
    ready = true;
  }
  return api;
}
