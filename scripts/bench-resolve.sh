#!/usr/bin/env bash
# Prints the resolver's speed figures: cold command runs, 100 models in one process, and the
# cost of a rule set grown ten times. Usage: bash scripts/bench-resolve.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
swift build -c release --product cogpack >/dev/null
swift build -c release --product resolve-bench >/dev/null
exec .build/release/resolve-bench "$@"
