#!/usr/bin/env bash
# Runs every test: the README's test command and what CI runs. The build tests use the real
# Docker engine, which this starts when none answers (and stops again at the end); they make the
# local base image with `cogpack base` when the engine lacks it (about a minute, once).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/start-docker.sh
trap 'bash scripts/stop-docker.sh' EXIT
swift build --build-tests
# The rules data first: a broken rule fails here in a second, with its file and line, and every
# scenario runs through the same runner maintainers use.
.build/debug/cogpack rules lint
.build/debug/cogpack rules test
swift test
