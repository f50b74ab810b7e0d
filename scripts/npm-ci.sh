#!/usr/bin/env bash
# npm-ci.sh DIR [npm ci flags]: runs `npm ci` in DIR unless node_modules already matches
# package-lock.json (a stamp holds the lock file's hash). npm's own cache makes repeat installs
# on a fresh checkout fast; install scripts are not needed by any dependency.
set -euo pipefail

dir="$1"
shift
cd "$(dirname "${BASH_SOURCE[0]}")/../$dir"

hash() {
    if command -v sha256sum >/dev/null 2>&1; then
        cat package-lock.json "$@" | sha256sum | cut -d' ' -f1
    else
        cat package-lock.json "$@" | shasum -a 256 | cut -d' ' -f1
    fi
}

want="$(hash) $*"
stamp="node_modules/.portcullis-ci-stamp"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    exit 0
fi
echo "npm-ci: installing $dir dependencies"
npm ci --no-audit --no-fund --loglevel=error "$@"
printf '%s' "$want" >"$stamp"
