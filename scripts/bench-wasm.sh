#!/usr/bin/env bash
# WASM vs native wall-clock time on the same input (see npm/scripts/bench.mjs). Builds the
# native release binary; needs npm/pkg (scripts/build-wasm.sh). Reports, never fails on timing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cargo build --release --locked --quiet --bin portcullis
node npm/scripts/bench.mjs --native "${CARGO_TARGET_DIR:-target}/release/portcullis" --runs 5 "$@"
