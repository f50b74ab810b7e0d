#!/usr/bin/env bash
# Runs the hooks of .pre-commit-hooks.yaml the way users get them: pre-commit from PyPI in a
# temporary virtualenv, PRE_COMMIT_HOME in a temporary directory, throw-away git repositories with
# Dockerfiles (Linux, Windows, a lower-case *.dockerfile) and .NET manifests, and
# `pre-commit try-repo <this checkout> HOOK --all-files`. try-repo takes staged and modified
# tracked files of this checkout as a temporary commit, so new files must be staged.
#
#   scripts/test-pre-commit.sh          the node hooks (WebAssembly bundle dist/cli.js)
#   scripts/test-pre-commit.sh --rust   also the native hooks (cargo install of the whole tool;
#                                       set CARGO_TARGET_DIR to reuse compiled dependencies)
#
# Needs python3 (venv), git, node 20+ with npm (the node hooks use the system node).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rust=false
[[ "${1:-}" == "--rust" ]] && rust=true

PRE_COMMIT_VERSION=4.7.0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export PRE_COMMIT_HOME="$tmp/cache"
export PRE_COMMIT_COLOR=never
export PORTCULLIS_TODAY=2026-11-22
# The consumer repositories' commits need an identity; keep the user's global config out.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.com
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.com

log() { printf 'test-pre-commit: %s\n' "$*"; }
fail() {
    printf 'test-pre-commit: FAIL: %s\n' "$*" >&2
    exit 1
}

"${PYTHON:-python3}" -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$PRE_COMMIT_VERSION"
pc="$tmp/venv/bin/pre-commit"
log "$("$pc" --version)"

# The hooks run dist/cli.js as committed or staged here: it must be current.
test -f "$root/dist/cli.js" || fail "dist/cli.js missing: run node npm/scripts/bundle.mjs"
if [[ -n "$(git -C "$root" status --porcelain --untracked-files=all -- dist/ package.json .pre-commit-hooks.yaml | grep '^??' || true)" ]]; then
    fail "untracked hook files (git add them; try-repo only sees tracked files): $(git -C "$root" status --porcelain --untracked-files=all -- dist/ package.json .pre-commit-hooks.yaml | grep '^??' | tr '\n' ' ')"
fi

new_repo() {
    local dir="$tmp/$1"
    mkdir -p "$dir"
    git -C "$dir" init -q
    echo "$dir"
}

commit_all() {
    git -C "$1" add -A
    git -C "$1" commit -q -m fixture
}

# run NAME DIR EXPECTED_RC HOOK [extra try-repo args...]: runs the hook, keeps its output in
# $tmp/NAME.out and checks the exit code.
run() {
    local name="$1" dir="$2" want="$3" hook="$4"
    shift 4
    local rc=0
    local start=$SECONDS
    (cd "$dir" && "$pc" try-repo "$root" "$hook" --all-files "$@") >"$tmp/$name.out" 2>&1 || rc=$?
    log "$name: $hook exit $rc in $((SECONDS - start)) s"
    if [[ "$rc" != "$want" ]]; then
        cat "$tmp/$name.out" >&2
        fail "$name: exit code $rc, expected $want"
    fi
}

expect() {
    local name="$1" pattern="$2"
    grep -Eq -- "$pattern" "$tmp/$name.out" || {
        cat "$tmp/$name.out" >&2
        fail "$name: output lacks /$pattern/"
    }
}

refuse() {
    local name="$1" pattern="$2"
    if grep -Eq -- "$pattern" "$tmp/$name.out"; then
        cat "$tmp/$name.out" >&2
        fail "$name: output must not match /$pattern/"
    fi
}

# --- fixtures ------------------------------------------------------------------------------
bad="$(new_repo bad)"
cat >"$bad/Dockerfile" <<'EOF'
FROM ubuntu
RUN curl -fsSL http://example.com/install.sh | sh
EOF
mkdir -p "$bad/win"
cat >"$bad/win/app.dockerfile" <<'EOF'
# escape=`
FROM microsoft/aspnet:4.7.2
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest https://example.com/tool.msi -OutFile C:\tool.msi; `
    Start-Process msiexec -ArgumentList '/i', 'C:\tool.msi', '/qn' -Wait
EOF
printf 'not a Dockerfile\n' >"$bad/README.md"
commit_all "$bad"

clean="$(new_repo clean)"
cat >"$clean/Dockerfile" <<'EOF'
FROM mcr.microsoft.com/dotnet/aspnet:8.0
WORKDIR /app
COPY publish/ .
USER app
HEALTHCHECK CMD ["dotnet", "App.dll", "--health"]
ENTRYPOINT ["dotnet", "App.dll"]
EOF
printf 'publish/\n' >"$clean/.dockerignore"
mkdir -p "$clean/win"
cat >"$clean/win/Dockerfile.windows" <<'EOF'
# escape=`
FROM mcr.microsoft.com/dotnet/framework/aspnet:4.8.1-windowsservercore-ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]
WORKDIR C:/inetpub/wwwroot
COPY site/ .
EOF
commit_all "$clean"

deps="$(new_repo deps)"
mkdir -p "$deps/src/Api" "$deps/advisories"
cat >"$deps/src/Api/Api.csproj" <<'EOF'
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Newtonsoft.Json" Version="12.0.3" />
  </ItemGroup>
</Project>
EOF
cp "$root/examples/advisories/GHSA-5crp-9r3c-p9vr.json" "$deps/advisories/"
commit_all "$deps"

# --- portcullis (node): failing files fail with readable lines, a clean repository passes ---
run bad-node "$bad" 1 portcullis
expect bad-node '^portcullis \(Dockerfiles and base images\)\.+Failed'
expect bad-node '^Dockerfile:1:6: DF40[01] \[(error|warning)\] '
expect bad-node '^Dockerfile:2:[0-9]+: DF125 \[error\] '
expect bad-node '^win/app\.dockerfile:2:6: DF404 \[error\] .*mcr\.microsoft\.com/dotnet/framework/aspnet'
expect bad-node '^win/app\.dockerfile:4:[0-9]+: DF501 \[warning\] .*Get-FileHash'
refuse bad-node 'README\.md'

run clean-node "$clean" 0 portcullis
expect clean-node '^portcullis \(Dockerfiles and base images\)\.+Passed'

# --- portcullis-deps (node): never silently clean ---------------------------------------------
# Without advisory data it passes but says that nothing was checked (the hook is verbose).
run deps-node "$deps" 0 portcullis-deps
expect deps-node '^portcullis-deps \(known-vulnerable dependencies\)\.+Passed'
expect deps-node 'dependencies were not checked for known vulnerabilities'
# Only dependency findings: the Dockerfile rules stay with the other hook.
run deps-node-lint "$bad" 0 portcullis-deps
refuse deps-node-lint 'DF[0-9]{3}'

# With advisories passed in `args` (a config file, as users write it) the vulnerable package
# fails the hook. The hook repository is this checkout, as try-repo made it (staged and
# modified files as a temporary commit).
hook_repo="$root"
hook_rev="$(git -C "$root" rev-parse HEAD)"
if ! git -C "$root" diff --quiet HEAD; then
    hook_repo="$tmp/hook-repo"
    git clone -q "$root" "$hook_repo"
    git -C "$hook_repo" checkout -q "$hook_rev" -b local-changes
    idx="$(cd "$hook_repo" && realpath "$(git rev-parse --git-path index)")"
    objs="$(cd "$hook_repo" && realpath "$(git rev-parse --git-path objects)")"
    (cd "$root" && GIT_INDEX_FILE="$idx" GIT_OBJECT_DIRECTORY="$objs" git add -u)
    git -C "$hook_repo" commit -q -m "local changes"
    hook_rev="$(git -C "$hook_repo" rev-parse HEAD)"
fi
cat >"$deps/.pre-commit-config.yaml" <<EOF
repos:
  - repo: $hook_repo
    rev: $hook_rev
    hooks:
      - id: portcullis-deps
        args: [--advisories, advisories]
EOF
git -C "$deps" add .pre-commit-config.yaml
rc=0
(cd "$deps" && "$pc" run portcullis-deps --all-files) >"$tmp/deps-adv.out" 2>&1 || rc=$?
log "deps-adv: portcullis-deps --advisories exit $rc"
[[ "$rc" == 1 ]] || {
    cat "$tmp/deps-adv.out" >&2
    fail "deps-adv: exit code $rc, expected 1"
}
expect deps-adv '^src/Api/Api\.csproj:6:[0-9]+: GHSA-5crp-9r3c-p9vr \[(error|warning)\] .*Newtonsoft\.Json'

# --- the native hooks (optional: cargo install of the whole tool) ------------------------------
if $rust; then
    start=$SECONDS
    run bad-rust "$bad" 1 portcullis-rust
    log "portcullis-rust first run (cargo install included): $((SECONDS - start)) s"
    expect bad-rust 'error\[DF125\]'
    expect bad-rust '\-\-> win/app\.dockerfile:2:6'
    run clean-rust "$clean" 0 portcullis-rust
    run deps-rust "$deps" 0 portcullis-deps-rust --verbose
    expect deps-rust 'GHSA|advisor|database'
fi
log "all pre-commit checks passed"
