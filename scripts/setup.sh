#!/usr/bin/env bash
# Installs what cogpack needs on a fresh Debian 12 machine with the Swift toolchain on PATH:
# Z3 for the resolver, zlib's headers for the data refresh (compress-nio inflates wheel METADATA
# with it), and for builds the Docker engine (with its BuildKit), debootstrap for `cogpack base`,
# and curl for the engine checks. The push tests run a real registry (docker-registry, with an
# htpasswd login from apache2-utils) and a real credential helper (docker-credential-pass, over
# a password store of pass and GnuPG).
set -euo pipefail
packages=(libz3-dev zlib1g-dev pkg-config docker.io debootstrap curl
          docker-registry apache2-utils golang-docker-credential-helpers pass gnupg)
if ! dpkg -s "${packages[@]}" >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
fi
