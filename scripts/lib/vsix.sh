# Sourced by scripts/package-vsix.sh (Azure DevOps) and scripts/package-vscode.sh (VS Code):
# checks on a packaged .vsix (a zip file).

# vsix_listing VSIX: the `unzip -l` listing of VSIX.
vsix_listing() {
    unzip -l "$1"
}

# vsix_require TAG VSIX LISTING ENTRY...: fails (naming TAG, the script) unless every ENTRY is
# a path in LISTING (compared case-insensitively: vsce lower-cases some names).
vsix_require() {
    local tag="$1" vsix="$2" listing="$3"
    shift 3
    local want
    for want in "$@"; do
        grep -qi " $want\$" <<<"$listing" || {
            echo "$tag: $want missing from $vsix" >&2
            echo "$listing" >&2
            return 1
        }
    done
}
