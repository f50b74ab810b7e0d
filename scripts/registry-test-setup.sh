#!/usr/bin/env bash
# Makes sure a local container registry binary (Debian's `docker-registry`, the distribution
# 2.x server) is installed for the loopback registry tests (tests/registry_loopback.rs).
# Idempotent. The tests start their own registry on a free loopback port; no service is used.
set -euo pipefail

BIN="${PORTCULLIS_REGISTRY_BIN:-/usr/bin/docker-registry}"

if [ -x "$BIN" ]; then
  echo "registry for tests: $("$BIN" --version 2>/dev/null || echo "$BIN")"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: $BIN is missing and apt-get is not available." >&2
  echo "Install the distribution registry (v2.8) and point PORTCULLIS_REGISTRY_BIN at it." >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "error: $BIN is missing; installing it needs root (apt-get install docker-registry)." >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends docker-registry; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends docker-registry
fi

# The package enables a system service (port 5000, htpasswd auth). The tests never use it, so
# where systemd runs, switch the service we just installed off again.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now docker-registry.service >/dev/null 2>&1 || true
fi

if [ ! -x "$BIN" ]; then
  echo "error: docker-registry was installed but $BIN does not exist." >&2
  exit 1
fi
echo "registry for tests: $("$BIN" --version 2>/dev/null || echo "$BIN")"
