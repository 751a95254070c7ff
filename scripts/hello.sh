#!/usr/bin/env bash
# The main job end to end on a fresh machine: install what is needed, start the engine if none
# answers, make the local base image, build examples/hello with cogpack, run it, and print a
# prediction from it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/start-docker.sh
swift build -c release --product cogpack
.build/release/cogpack base
.build/release/cogpack build examples/hello -t cogpack-hello
name="cogpack-hello-$$"
docker run -d --rm --name "$name" -p 127.0.0.1::5000 cogpack-hello >/dev/null
trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
port="$(docker port "$name" 5000/tcp | head -1 | sed 's/.*://')"
for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$port/health-check" 2>/dev/null | grep -q READY && break
    sleep 0.5
done
curl -fsS -X POST "http://127.0.0.1:$port/predictions" -H 'Content-Type: application/json' \
    -d '{"input": {"name": "cogpack"}}'
echo
