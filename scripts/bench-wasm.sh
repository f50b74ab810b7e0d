#!/usr/bin/env bash
# WASM vs native time on the same input (see npm/scripts/bench.mjs): whole runs of the two
# command lines, and the engine alone (the same scanJson call natively and in WebAssembly).
# Builds the native release binary and the `engine_time` example; needs npm/pkg
# (scripts/build-wasm.sh). Reports, never fails on timing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cargo build --release --locked --quiet --bin portcullis
cargo build --release --locked --quiet -p portcullis-wasm --example engine_time
target="${CARGO_TARGET_DIR:-target}/release"
node npm/scripts/bench.mjs --native "$target/portcullis" --engine "$target/examples/engine_time" --runs 5 "$@"
