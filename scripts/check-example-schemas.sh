#!/usr/bin/env bash
# Builds every example that can be built here (all but `conflict`, whose requests clash on
# purpose), runs each image, and checks that its /openapi.json equals what `cogpack schema` prints
# for the folder. The CPU examples are also checked by ExampleModelsTests in CI; the framework
# examples (cpu-torch, tensorflow-cpu, tensorflow, gpu-torch) download several GB, so they are
# checked here, not in CI. Usage: scripts/check-example-schemas.sh [EXAMPLE]...
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/start-docker.sh
if [ -z "${COGPACK:-}" ]; then swift build -c release --product cogpack >/dev/null; fi
cogpack="${COGPACK:-$PWD/.build/release/cogpack}"
docker_cli=/usr/bin/docker
"$cogpack" base >/dev/null
work="$(mktemp -d)"
container=""
cleanup() {
    if [ -n "$container" ]; then "$docker_cli" rm -f "$container" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

if [ "$#" -gt 0 ]; then examples=("$@"); else
    examples=()
    for dir in examples/*/; do
        name="$(basename "$dir")"
        [ "$name" = conflict ] || examples+=("$name")
    done
fi

failed=0
for name in "${examples[@]}"; do
    tag="schema-check-$name"
    start="$(date +%s)"
    if ! "$cogpack" build "examples/$name" -t "$tag" --progress plain >"$work/build.log" 2>&1; then
        echo "$name: FAILED to build"; tail -5 "$work/build.log"; failed=1; continue
    fi
    "$cogpack" schema "examples/$name" >"$work/schema.json"
    port=$((18000 + RANDOM % 1000))
    container="$("$docker_cli" run -d -p "127.0.0.1:$port:5000" "$tag")"
    ready=no
    for _ in $(seq 180); do
        if curl -fsS "http://127.0.0.1:$port/health-check" 2>/dev/null | grep -q READY; then ready=yes; break; fi
        sleep 1
    done
    curl -fsS "http://127.0.0.1:$port/openapi.json" >"$work/served.json" 2>/dev/null || : >"$work/served.json"
    "$docker_cli" rm -f "$container" >/dev/null
    container=""
    if [ "$ready" = yes ] && python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
        "$work/schema.json" "$work/served.json" 2>/dev/null; then
        echo "$name: /openapi.json equals cogpack schema ($(( $(date +%s) - start )) s)"
    else
        echo "$name: FAILED (ready: $ready): /openapi.json differs from cogpack schema"; failed=1
    fi
done
exit "$failed"
