#!/usr/bin/env bash
# Side-by-side benchmark: Portcullis against hadolint and checkov (Dockerfile lint) and against
# syft and cdxgen (SBOM), plus Portcullis native against its WebAssembly build. Not part of
# ./scripts/test or CI: it installs the peers from their registries and takes minutes.
#
#   scripts/bench/run.sh [--runs N] [--warmup N] [--dockerfiles DIR] [--sbom DIR]... [--no-wasm]
#
#   --dockerfiles DIR  a tree of Dockerfiles (scripts/bench/corpus.sh builds one from
#                      checkouts of public repositories); every file in it is linted
#   --sbom DIR         a source tree for the SBOM comparison (repeatable), e.g. a .NET repository
#   --runs N           timed runs per tool, alternated A B C A B C ... after one untimed
#                      warm-up round; the table shows the median (default 3)
#   --warmup N         untimed rounds before the timed ones (default 1)
#   --no-wasm          leave out the WebAssembly rows (they need npm/pkg: scripts/build-wasm.sh)
#
# Environment:
#   PEERS_DIR    where the peers are installed (default target/bench/peers)
#   OUT_DIR      outputs, results.json and table.md (default target/bench/out)
#   PORTCULLIS   the binary to measure (default: the release build, built first)
#   CDXGEN_ARGS  extra cdxgen arguments (default: none, every project type it detects)
#   peer versions: see scripts/lib/peers.sh (CDXGEN_VERSION, SYFT_VERSION, HADOLINT_VERSION,
#   CHECKOV_VERSION)
#
# Prints one table (wall time, CPU time, peak RSS, files/s, ratios against Portcullis) and
# writes it as markdown to $OUT_DIR/table.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
usage() { sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

runs=3
warmup=1
dockerfiles=""
sbom=()
wasm=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="${2:?}"; shift 2 ;;
        --warmup) warmup="${2:?}"; shift 2 ;;
        --dockerfiles) dockerfiles="${2:?}"; shift 2 ;;
        --sbom) sbom+=("${2:?}"); shift 2 ;;
        --no-wasm) wasm=0; shift ;;
        -h | --help) usage ;;
        *) echo "bench: unknown argument $1" >&2; usage ;;
    esac
done
[[ -n "$dockerfiles" || ${#sbom[@]} -gt 0 ]] || usage
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench: --runs takes a positive number" >&2; exit 2; }
[[ "$warmup" =~ ^[0-9]+$ ]] || { echo "bench: --warmup takes a number" >&2; exit 2; }
for d in $dockerfiles "${sbom[@]}"; do
    [[ -d "$d" ]] || { echo "bench: not a directory: $d" >&2; exit 2; }
done

export PEERS_DIR="${PEERS_DIR:-$root/target/bench/peers}"
out="${OUT_DIR:-$root/target/bench/out}"
python="${PYTHON:-python3}"
# shellcheck source=scripts/lib/peers.sh
source "$root/scripts/lib/peers.sh"

# --- tools -----------------------------------------------------------------------------------
if [[ -z "${PORTCULLIS:-}" ]]; then
    echo "bench: building the release binary" >&2
    (cd "$root" && cargo build --release --locked --quiet --bin portcullis)
    PORTCULLIS="${CARGO_TARGET_DIR:-$root/target}/release/portcullis"
fi
portcullis="$(cd "$(dirname "$PORTCULLIS")" && pwd)/$(basename "$PORTCULLIS")"
node="$(command -v node)"
if [[ $wasm -eq 1 && ! -f "$root/npm/pkg/portcullis_wasm_bg.wasm" ]]; then
    echo "bench: npm/pkg is missing: run scripts/build-wasm.sh first, or pass --no-wasm" >&2
    exit 2
fi
hadolint="" checkov="" syft="" cdxgen=""
if [[ -n "$dockerfiles" ]]; then
    hadolint="$(peers_install_hadolint)"
    checkov="$(peers_install_checkov)"
fi
if [[ ${#sbom[@]} -gt 0 ]]; then
    syft="$(peers_install_syft)"
    cdxgen="$(peers_install_cdxgen)"
fi
peers_offline_env

rm -rf "$out"
mkdir -p "$out"

# --- machine and versions ----------------------------------------------------------------------
export BENCH_PORTCULLIS="$portcullis" BENCH_NODE="$node" BENCH_HADOLINT="$hadolint"
export BENCH_CHECKOV="$checkov" BENCH_SYFT="$syft" BENCH_CDXGEN="$cdxgen"
export BENCH_WASM_CLI="" BENCH_OUT="$out" BENCH_RUNS="$runs" BENCH_WARMUP="$warmup" BENCH_DOCKERFILES="$dockerfiles"
[[ $wasm -eq 1 ]] && BENCH_WASM_CLI="$root/npm/cli.mjs"
export BENCH_V_PORTCULLIS BENCH_V_NODE BENCH_V_HADOLINT="" BENCH_V_CHECKOV="" BENCH_V_SYFT=""
export BENCH_V_CDXGEN=""
BENCH_V_PORTCULLIS="$("$portcullis" --version)"
BENCH_V_NODE="$("$node" --version)"
[[ -n "$hadolint" ]] && BENCH_V_HADOLINT="$(peers_version_hadolint "$hadolint")"
[[ -n "$checkov" ]] && BENCH_V_CHECKOV="checkov $(peers_version_checkov "$checkov")"
[[ -n "$syft" ]] && BENCH_V_SYFT="syft $(peers_version_syft "$syft")"
[[ -n "$cdxgen" ]] && BENCH_V_CDXGEN="cdxgen $(peers_version_cdxgen "$cdxgen")"

# The configuration: one group per corpus, the tools of a group alternate.
"$python" "$here/config.py" "${sbom[@]}" >"$out/config.json"

{
    echo "date: $(date -u +%Y-%m-%d)"
    echo "machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1))," \
        "$(awk '/^MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo)," \
        "$(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    for v in "$BENCH_V_PORTCULLIS" "node $BENCH_V_NODE" "$BENCH_V_HADOLINT" "$BENCH_V_CHECKOV" \
        "$BENCH_V_SYFT" "$BENCH_V_CDXGEN"; do
        [[ -n "$v" ]] && echo "tool: $v"
    done
    for d in $dockerfiles "${sbom[@]}"; do
        rev="$(git -C "$d" rev-parse --short HEAD 2>/dev/null || echo 'no git')"
        echo "corpus: $(cd "$d" && pwd) ($rev)"
    done
} | tee "$out/machine.txt"
echo

"$python" "$here/bench.py" measure --config "$out/config.json"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
