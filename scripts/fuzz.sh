#!/usr/bin/env bash
# Runs every cargo-fuzz target for a fixed time and prints a summary table (executions, corpus
# size, crashes). Not part of the test command: it needs a nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`), and each target runs FUZZ_SECONDS (default 600).
#
#   scripts/fuzz.sh                 # every target, 600 s each, one after another
#   FUZZ_SECONDS=60 scripts/fuzz.sh dockerfile osv
#   FUZZ_JOBS=2 scripts/fuzz.sh     # two targets at a time
#   FUZZ_SANITIZER=none scripts/fuzz.sh scan_tree   # no AddressSanitizer (faster build and runs)
#
# Builds are release builds with debug assertions on (`-a`), so integer overflow and
# `debug_assert!` failures are crashes too. FUZZ_SANITIZER (default `address`) picks the
# sanitizer; `none` still catches panics, overflows, timeouts and out-of-memory (the core is
# safe Rust, so AddressSanitizer adds little beyond that and costs a long build and 2-5x speed).
#
# Seed corpora come from the test fixtures (tests/fixtures, examples/, fuzz/regressions). A
# crash leaves its input in fuzz/artifacts/<target>/; copy it to fuzz/regressions/<target>/
# (tests/fuzz_regressions.rs replays that folder in the normal test command) and fix the bug.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_EACH=${FUZZ_SECONDS:-600}
JOBS=${FUZZ_JOBS:-1}
TOOLCHAIN=${FUZZ_TOOLCHAIN:-nightly}
SANITIZER=${FUZZ_SANITIZER:-address}
BUILD_FLAGS=(--release --debug-assertions --sanitizer "$SANITIZER")

if ! cargo "+$TOOLCHAIN" fuzz --version >/dev/null 2>&1; then
  echo "error: needs cargo-fuzz on the $TOOLCHAIN toolchain (cargo install cargo-fuzz)" >&2
  exit 2
fi

ALL=(dockerfile shell image_ref manifest_xml manifest_json manifest_yaml manifest_toml
  manifest_lines osv config versions scan_tree)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi

python3 scripts/fuzz_seeds.py "${TARGETS[@]}"

(cd fuzz && cargo "+$TOOLCHAIN" fuzz build "${BUILD_FLAGS[@]}")

LOGDIR="$ROOT/fuzz/logs"
mkdir -p "$LOGDIR"

run_one() {
  local t=$1
  mkdir -p "fuzz/artifacts/$t"
  local start=$SECONDS
  (cd fuzz && cargo "+$TOOLCHAIN" fuzz run "${BUILD_FLAGS[@]}" "$t" "corpus/$t" -- \
    -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1) >"$LOGDIR/$t.log" 2>&1 || true
  echo "$((SECONDS - start))" >"$LOGDIR/$t.seconds"
}

running=0
for t in "${TARGETS[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

printf '\nsanitizer: %s, debug assertions on\n' "$SANITIZER"
printf '\n| target | seconds | executions | exec/s | corpus | crashes |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
status=0
for t in "${TARGETS[@]}"; do
  log="$LOGDIR/$t.log"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -n1 | awk '{print $2}')
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -n1 | awk '{print $2}')
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l | tr -d ' ')
  crashes=$(find "fuzz/artifacts/$t" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' \) | wc -l | tr -d ' ')
  [ "$crashes" -gt 0 ] && status=1
  secs=$(cat "$LOGDIR/$t.seconds" 2>/dev/null || echo '?')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$t" "$secs" "${execs:-?}" "${rate:-?}" "$corpus" "$crashes"
done
exit "$status"
