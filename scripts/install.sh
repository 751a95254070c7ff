#!/usr/bin/env bash
# Installs cogpack where a user's PATH and a standard share folder expect it:
#   PREFIX/bin/cogpack and PREFIX/share/cogpack/{rules,data} (PREFIX: /usr/local by default).
# The binary finds its knowledge there without COGPACK_DATA; `cogpack --version` prints the digest
# of what it loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-/usr/local}"
swift build -c release --product cogpack
bin="$(swift build -c release --show-bin-path)/cogpack"
install -d "$prefix/bin" "$prefix/share/cogpack"
install -m 0755 "$bin" "$prefix/bin/cogpack"
# The knowledge is replaced whole, so a rule removed upstream does not linger.
rm -rf "$prefix/share/cogpack/rules" "$prefix/share/cogpack/data"
cp -R rules data "$prefix/share/cogpack/"
"$prefix/bin/cogpack" --version
