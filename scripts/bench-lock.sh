#!/usr/bin/env bash
# Lock benchmark (docs/lock.md): the time of `cogpack lock` for the examples with Python
# requirements, then the time of a build of one example with its lock (`--locked`) and without
# it, each cold: `--no-cache` runs every step again. The engine's build cache is not pruned, so
# the uv download cache (a cache mount) stays warm in both: the figures compare resolving at build
# time with installing a fixed list, not download speed.
#
#   bash scripts/bench-lock.sh [EXAMPLE] [RUNS]      (default: image-invert, 3)
#
# Each lock is made in a copy of the example, so the committed locks stay as they are. Uses the
# engine at DOCKER_HOST; the images it tags (bench-lock-*) are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
example="${1:-image-invert}"
runs="${2:-3}"
locked_examples=(image-invert system-run cpu-torch jax-cpu tensorflow-cpu)

nice swift build --product cogpack >/dev/null
cogpack="$PWD/.build/debug/cogpack"
work="$(mktemp -d)"
cleanup() {
    rm -rf "$work"
    docker image rm -f bench-lock-locked bench-lock-unlocked >/dev/null 2>&1 || true
}
trap cleanup EXIT

now() { date +%s.%N; }
seconds() { printf '%.2f' "$(echo "$(now) - $1" | bc)"; }

echo "cogpack lock (s), $runs runs each (uv runs in a fresh container each time: its cache starts empty)"
for name in "${locked_examples[@]}"; do
    line="  $name:"
    for _ in $(seq "$runs"); do
        rm -rf "$work/$name" && cp -r "examples/$name" "$work/$name" && rm -f "$work/$name/cogpack.lock"
        t="$(now)"
        "$cogpack" lock "$work/$name" >"$work/log" 2>&1 || { tail -20 "$work/log"; exit 1; }
        line="$line $(seconds "$t")"
    done
    echo "$line"
done

echo "cogpack build examples/$example --no-cache (s), $runs runs each"
rm -rf "$work/model" && cp -r "examples/$example" "$work/model"
[ -f "$work/model/cogpack.lock" ] || "$cogpack" lock "$work/model" >/dev/null
cp "$work/model/cogpack.lock" "$work/lock"
build() {
    local tag="$1" steps="$2"; shift 2
    local t; t="$(now)"
    "$cogpack" build "$work/model" -t "$tag" --no-cache --progress plain "$@" >"$work/log" 2>&1 || { tail -20 "$work/log"; exit 1; }
    seconds "$t"
    # Each step's time ("#7 [app-deps] RUN …" then "#7 DONE 0.5s"), one line a run.
    awk '/^#[0-9]+ \[/ { n=$1; sub(/^#[0-9]+ /, ""); name[n]=substr($0, 1, 40) }
         /^#[0-9]+ DONE / { t=$3; sub(/s$/, "", t); if (name[$1] != "") printf "%s\t%s\n", name[$1], t }' "$work/log" >>"$steps"
}
with=""; without=""
: >"$work/steps-locked"; : >"$work/steps-unlocked"
for _ in $(seq "$runs"); do
    cp "$work/lock" "$work/model/cogpack.lock"
    with="$with $(build bench-lock-locked "$work/steps-locked" --locked)"
    rm -f "$work/model/cogpack.lock"
    without="$without $(build bench-lock-unlocked "$work/steps-unlocked")"
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR]=$1 } END { print (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2) }'; }
echo "  with the lock (--locked):$with  (median $(echo "$with" | median))"
echo "  without a lock:          $without  (median $(echo "$without" | median))"
echo "median seconds of each step that ran (the lock's steps first, then without it)"
for kind in locked unlocked; do
    echo "  $kind:"
    cut -f1 "$work/steps-$kind" | awk '!seen[$0]++' | while IFS= read -r step; do
        printf '    %-42s %s\n' "$step" "$(awk -F'\t' -v s="$step" '$1 == s { print $2 }' "$work/steps-$kind" | tr '\n' ' ' | median)"
    done
done
