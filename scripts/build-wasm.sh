#!/usr/bin/env bash
# Builds the WebAssembly engine into npm/pkg/ (wasm-bindgen `--target web` glue, TypeScript
# declarations and the optimized module):
#
#   1. cargo build -p portcullis-wasm --profile wasm --target wasm32-unknown-unknown
#   2. wasm-bindgen CLI of exactly the version in Cargo.lock (installed with cargo only when it
#      is missing or another version: that compile takes ~10 minutes on 2 cores)
#   3. wasm-opt -O1 from the npm `binaryen` package pinned in npm/package-lock.json (Debian's
#      binaryen 108 writes modules that crash at load)
#
# Paths are remapped so the module does not depend on where the repository or the cargo
# registry live: the same sources give the same bytes on every machine (dist/ is checked).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { printf 'build-wasm: %s\n' "$*"; }

# --- npm tooling (binaryen, esbuild, ...) --------------------------------------------------
scripts/npm-ci.sh npm

# --- wasm-bindgen CLI of the crate's exact version ------------------------------------------
want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [[ -z "$want" ]]; then
    echo "build-wasm: wasm-bindgen is not in Cargo.lock" >&2
    exit 1
fi
have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
if [[ "$have" != "$want" ]]; then
    log "installing wasm-bindgen-cli $want (found: ${have:-none}); this takes several minutes"
    # --locked first; a registry mirror missing one of its pinned crates needs the fallback.
    cargo install wasm-bindgen-cli --version "$want" --locked ||
        cargo install wasm-bindgen-cli --version "$want"
fi

# --- compile ---------------------------------------------------------------------------------
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
# Speed over size for this build (the profile's opt-level "s" made scans ~25% slower for a 12%
# smaller module), and WebAssembly SIMD (Node 16.4+, every current browser) for memchr/regex.
export CARGO_PROFILE_WASM_OPT_LEVEL=3
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$root=/portcullis --remap-path-prefix=$cargo_home=/cargo -C target-feature=+simd128"
log "cargo build --profile wasm"
cargo build --locked -p portcullis-wasm --profile wasm --target wasm32-unknown-unknown

target_dir="${CARGO_TARGET_DIR:-target}"
raw="$target_dir/wasm32-unknown-unknown/wasm/portcullis_wasm.wasm"
gen="$target_dir/wasm-bindgen"
rm -rf "$gen"
wasm-bindgen --target web --out-dir "$gen" --out-name portcullis_wasm "$raw"

log "wasm-opt -O1"
mkdir -p npm/pkg
node npm/node_modules/binaryen/bin/wasm-opt -O1 --strip-debug --strip-producers \
    "$gen/portcullis_wasm_bg.wasm" -o npm/pkg/portcullis_wasm_bg.wasm
cp "$gen/portcullis_wasm.js" "$gen/portcullis_wasm.d.ts" "$gen/portcullis_wasm_bg.wasm.d.ts" npm/pkg/

# The optimized module must load and answer (binaryen bugs show up only at run time).
node --input-type=module -e "
import { readFileSync } from 'node:fs';
import { initSync, version } from '$root/npm/pkg/portcullis_wasm.js';
initSync({ module: readFileSync('$root/npm/pkg/portcullis_wasm_bg.wasm') });
console.log('build-wasm: engine ' + version() + ' loads');
"
log "$(wc -c <npm/pkg/portcullis_wasm_bg.wasm) bytes -> npm/pkg/portcullis_wasm_bg.wasm"
