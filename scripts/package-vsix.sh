#!/usr/bin/env bash
# Packages the Azure DevOps extension (task/) into target/vsix/*.vsix with tfx-cli (offline; no
# publishing). Needs the bundled task (npm --prefix npm run bundle after scripts/build-wasm.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

test -f task/PortcullisScanV1/index.js || {
    echo "package-vsix: task/PortcullisScanV1/index.js missing: run scripts/build-wasm.sh and npm --prefix npm run bundle" >&2
    exit 1
}
scripts/npm-ci.sh npm
# The task's runtime dependency (azure-pipelines-task-lib) ships in the task folder.
scripts/npm-ci.sh task/PortcullisScanV1 --omit=dev

out="$root/target/vsix"
rm -rf "$out"
mkdir -p "$out"
(cd task && "$root/npm/node_modules/.bin/tfx" extension create --manifest-globs vss-extension.json \
    --output-path "$out" --no-prompt --no-color >/dev/null)
vsix="$(ls "$out"/*.vsix)"
listing="$(unzip -l "$vsix")"
for want in extension.vsixmanifest PortcullisScanV1/task.json PortcullisScanV1/index.js \
    PortcullisScanV1/node_modules/azure-pipelines-task-lib/task.js; do
    grep -q " $want\$" <<<"$listing" || {
        echo "package-vsix: $want missing from $vsix" >&2
        exit 1
    }
done
echo "package-vsix: $vsix ($(wc -c <"$vsix") bytes, $(grep -c 'PortcullisScanV1/' <<<"$listing") task files)"
