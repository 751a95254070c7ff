#!/usr/bin/env bash
# Build benchmark: cogpack against `docker build` of the Dockerfile Cog 0.22 would generate
# (Benchmarks/cog-dockerfiles), same engine, same local base, same run. For examples/hello,
# examples/system-run (system packages and Python requirements) and examples/tensorflow-cpu (a
# framework of several hundred MB): cold build, no-op rebuild,
# rebuild after a predict.py edit, after a requirements edit, and the image size. Prints seconds
# and bytes, and the ratios cogpack / Cog (marked ×; below 1 means cogpack is faster or smaller).
# Cold builds prune the engine's build cache first (cache mounts included), so they download.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/start-docker.sh
swift build -c release --product cogpack >/dev/null
cogpack="$PWD/.build/release/cogpack"
docker_cli=/usr/bin/docker            # Debian's 20.10 client: BuildKit without buildx
ca="${SSL_CERT_FILE:-${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}}"
"$cogpack" base >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
: > "$work/empty-secret"

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }
ratio() { echo "scale=2; $1 / $2" | bc; }

run_cogpack() { "$cogpack" build "$1" -t "bench-cogpack-$2" --progress plain >"$work/log" 2>&1 || { tail -20 "$work/log"; exit 1; }; }
run_cog() {
    DOCKER_BUILDKIT=1 "$docker_cli" build -q -f "Benchmarks/cog-dockerfiles/$2.Dockerfile" \
        --secret id=ca,src="$ca" --secret id=hf_token,src="$work/empty-secret" -t "bench-cog-$2" "$1" >"$work/log" 2>&1 \
        || { tail -20 "$work/log"; exit 1; }
}
timed() { local t; t="$(now)"; "$@"; elapsed "$t"; }
size() { "$docker_cli" image inspect -f '{{.Size}}' "$1"; }

# One tool's sequence on its own copy of the model: cold (after pruning the engine's build
# cache), no-op, predict.py edit, requirements edit; prints the four times and the image size.
sequence() {
    local tool="$1" model="$2" dir="$work/$1-$2"
    rm -rf "$dir"
    cp -r "examples/$model" "$dir"
    "$docker_cli" builder prune -af >/dev/null
    local cold noop source reqs="-"
    cold="$(timed "run_$tool" "$dir" "$model")"
    noop="$(timed "run_$tool" "$dir" "$model")"
    printf '\n# edited\n' >> "$dir/predict.py"
    source="$(timed "run_$tool" "$dir" "$model")"
    if [ -f "$dir/requirements.txt" ]; then
        echo "six==1.16.0" >> "$dir/requirements.txt"
        reqs="$(timed "run_$tool" "$dir" "$model")"
    fi
    echo "$cold $noop $source $reqs $(size "bench-$tool-$model")"
}

printf '%-12s %-20s %12s %12s %8s\n' model measure cogpack cog ratio
for model in hello system-run tensorflow-cpu; do
    read -r a_cold a_noop a_source a_reqs a_size < <(sequence cogpack "$model")
    read -r b_cold b_noop b_source b_reqs b_size < <(sequence cog "$model")
    row() { printf '%-12s %-20s %12.2f %12.2f %7.2f×\n' "$model" "$1" "$2" "$3" "$(ratio "$2" "$3")"; }
    row "cold build (s)" "$a_cold" "$b_cold"
    row "no-op rebuild (s)" "$a_noop" "$b_noop"
    row "source edit (s)" "$a_source" "$b_source"
    if [ "$a_reqs" != "-" ]; then row "requirements (s)" "$a_reqs" "$b_reqs"; fi
    printf '%-12s %-20s %12s %12s %7.2f×\n' "$model" "image size (MB)" "$((a_size >> 20))" "$((b_size >> 20))" "$(ratio "$a_size" "$b_size")"
done
