#!/usr/bin/env bash
# Stops the engine start-docker.sh started, and nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .cogpack-dockerd.pid ] || exit 0
pid="$(cat .cogpack-dockerd.pid)"
rm -f .cogpack-dockerd.pid
if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.25; done
fi
