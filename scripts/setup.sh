#!/usr/bin/env bash
# Installs what cogpack needs on a fresh Debian 12 machine with the Swift toolchain on PATH.
set -euo pipefail
if ! dpkg -s libz3-dev pkg-config >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libz3-dev pkg-config
fi
