#!/usr/bin/env bash
# Packages the Azure DevOps extension (task/) into target/vsix/*.vsix with tfx-cli (offline; no
# publishing). Needs the bundled task (npm --prefix npm run bundle after scripts/build-wasm.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=lib/vsix.sh
source scripts/lib/vsix.sh

test -f task/PortcullisScanV1/index.js || {
    echo "package-vsix: task/PortcullisScanV1/index.js missing: run scripts/build-wasm.sh and npm --prefix npm run bundle" >&2
    exit 1
}
scripts/npm-ci.sh npm
# The task's runtime dependency (azure-pipelines-task-lib) ships in the task folder.
scripts/npm-ci.sh task/PortcullisScanV1 --omit=dev

# tfx names the file after the manifest (publisher.id-version.vsix): build into a fresh folder
# and move it next to the other packages (target/vsix also holds the VS Code extension).
out="$root/target/vsix"
staging="$root/target/vsix-ado"
rm -rf "$staging"
mkdir -p "$staging" "$out"
(cd task && "$root/npm/node_modules/.bin/tfx" extension create --manifest-globs vss-extension.json \
    --output-path "$staging" --no-prompt --no-color >/dev/null)
built="$(ls "$staging"/*.vsix)"
vsix="$out/$(basename "$built")"
mv -f "$built" "$vsix"
rm -rf "$staging"
listing="$(vsix_listing "$vsix")"
vsix_require package-vsix "$vsix" "$listing" extension.vsixmanifest PortcullisScanV1/task.json \
    PortcullisScanV1/index.js PortcullisScanV1/node_modules/azure-pipelines-task-lib/task.js
echo "package-vsix: $vsix ($(wc -c <"$vsix") bytes, $(grep -c 'PortcullisScanV1/' <<<"$listing") task files)"
