#!/usr/bin/env bash
# Builds, tests and packages the VS Code extension (editors/vscode/) into
# target/vsix/portcullis-vscode-<version>.vsix with @vscode/vsce (offline; no publishing):
#   1. npm ci (editors/vscode/package-lock.json)
#   2. bundles: desktop (dist/extension.cjs), web (dist/web/extension.js), the .wasm, and the
#      test bundle with `vscode` external (dist-test/)
#   3. node --test: the pure logic against the built engine, activate() with a stand-in vscode
#   4. vsce package, then checks the .vsix holds the bundles and the WebAssembly module
# Needs npm/pkg/ from scripts/build-wasm.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=lib/vsix.sh
source scripts/lib/vsix.sh

test -f npm/pkg/portcullis_wasm_bg.wasm || {
    echo "package-vscode: npm/pkg/portcullis_wasm_bg.wasm missing: run scripts/build-wasm.sh" >&2
    exit 1
}
scripts/npm-ci.sh editors/vscode
ext="$root/editors/vscode"
cp LICENSE "$ext/LICENSE"
(cd "$ext" && node scripts/bundle.mjs --test && node --test test/core.test.mjs test/activate.test.cjs)

version="$(node -p "require('$ext/package.json').version")"
mkdir -p "$root/target/vsix"
vsix="$root/target/vsix/portcullis-vscode-$version.vsix"
rm -f "$vsix"
(cd "$ext" && node_modules/.bin/vsce package --no-dependencies --out "$vsix" >/dev/null)
listing="$(vsix_listing "$vsix")"
vsix_require package-vscode "$vsix" "$listing" extension/package.json extension/readme.md \
    extension/LICENSE.txt extension/dist/extension.cjs extension/dist/web/extension.js \
    extension/dist/portcullis_wasm_bg.wasm
if grep -Eq ' extension/(node_modules|src|test|dist-test)/' <<<"$listing"; then
    echo "package-vscode: sources or node_modules shipped in $vsix" >&2
    exit 1
fi
wasm_in="$(awk '/extension\/dist\/portcullis_wasm_bg.wasm$/ { print $1 }' <<<"$listing")"
[[ "$wasm_in" == "$(wc -c <npm/pkg/portcullis_wasm_bg.wasm | tr -d ' ')" ]] || {
    echo "package-vscode: the .wasm in the .vsix ($wasm_in bytes) is not npm/pkg's" >&2
    exit 1
}
echo "package-vscode: $vsix ($(wc -c <"$vsix") bytes, $(grep -c ' extension/' <<<"$listing") files, engine $wasm_in bytes)"
