#!/usr/bin/env bash
# Prints the speed figures: cold command runs (resolve, conflict, why-not, plan), 100 models in one process, and the
# cost of a rule set grown ten times. Usage: bash scripts/bench.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
swift build -c release --product cogpack >/dev/null
swift build -c release --product cogpack-bench >/dev/null
exec .build/release/cogpack-bench "$@"
