#!/usr/bin/env bash
# Makes sure the outside programs the tests drive are installed: a container registry binary
# (Debian's `docker-registry`, the distribution 2.x server) and the `openssl` command (makes the
# throw-away test CA and server certificates) for tests/registry_loopback.rs and
# tests/osv_loopback.rs, and `strace` for the offline guarantee (tests/offline.rs). Idempotent.
# The tests start their own servers on free loopback ports; no system service is used.
set -euo pipefail

BIN="${PORTCULLIS_REGISTRY_BIN:-/usr/bin/docker-registry}"
OPENSSL="${PORTCULLIS_OPENSSL_BIN:-openssl}"

missing=()
[ -x "$BIN" ] || missing+=(docker-registry)
command -v "$OPENSSL" >/dev/null 2>&1 || missing+=(openssl)
command -v strace >/dev/null 2>&1 || missing+=(strace)

if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing for the tests: ${missing[*]}, and apt-get is not available." >&2
    echo "Install the distribution registry (v2.8) and openssl; PORTCULLIS_REGISTRY_BIN and" >&2
    echo "PORTCULLIS_OPENSSL_BIN point the tests at them." >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      SUDO="sudo"
    else
      echo "error: installing ${missing[*]} needs root (apt-get install ${missing[*]})." >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y --no-install-recommends "${missing[@]}"; then
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
  fi
  # The registry package enables a system service (port 5000, htpasswd auth). The tests never
  # use it, so where systemd runs, switch the service just installed off again.
  if [[ " ${missing[*]} " == *" docker-registry "* ]] && command -v systemctl >/dev/null 2>&1 \
    && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now docker-registry.service >/dev/null 2>&1 || true
  fi
fi

if [ ! -x "$BIN" ]; then
  echo "error: $BIN does not exist after installing docker-registry." >&2
  exit 1
fi
echo "registry for tests: $("$BIN" --version 2>/dev/null || echo "$BIN")"
echo "openssl for tests: $("$OPENSSL" version)"
echo "strace for tests: $(strace -V | head -n 1)"
