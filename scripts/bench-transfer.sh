#!/usr/bin/env bash
# Context-transfer benchmark: a model of real size (3,000 source files in nested packages and a
# 256 MiB weights file) sent to the engine's BuildKit, cold (build cache pruned before each run),
# by cogpack and by `docker build` (Debian's 20.10 client with BuildKit) of the same folder on the
# same engine. Prints the seconds of each run, the median, and the throughput in MB/s
# (folder bytes / seconds). The engine's progress gives the times: for cogpack the longest
# "[internal] load context" of the model's context (its weights and source are sent together),
# for docker "load build context" (0.1 s resolution).
#   bash scripts/bench-transfer.sh [--runs N] [--files N] [--weights-mib N]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 files=3000 weights_mib=256
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --files) files="$2"; shift 2 ;;
        --weights-mib) weights_mib="$2"; shift 2 ;;
        *) echo "usage: $0 [--runs N] [--files N] [--weights-mib N]" >&2; exit 2 ;;
    esac
done
bash scripts/start-docker.sh
swift build -c release --product cogpack >/dev/null
cogpack="$PWD/.build/release/cogpack"
docker_cli=/usr/bin/docker
"$cogpack" base >/dev/null
base="cogpack/base:bookworm-python3.11"   # what `cogpack base` makes by default
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

model="$work/model"
mkdir -p "$model/weights"
cp examples/hello/predict.py "$model/"
printf 'build:\n  python_version: "3.11"\npredict: "predict.py:Predictor"\n' > "$model/cog.yaml"
python3 - "$model" "$files" <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    folder = os.path.join(root, "model", f"part{i // 500}", f"block{i // 50 % 10}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"m{i}.py"), "w") as f:
        f.write(f"# module {i}\nVALUE = {i}\n" + f"w = {i}\n" * (i % 40))
PY
head -c "$((weights_mib << 20))" /dev/urandom > "$model/weights/model.bin"
printf 'FROM %s\nCOPY . /src\n' "$base" > "$work/Dockerfile"
bytes="$(du -sb "$model" | cut -f1)"
echo "model: $files source files and a ${weights_mib} MiB weights file, $bytes bytes in all"

cogpack_run() {
    "$docker_cli" builder prune -af >/dev/null
    "$cogpack" build "$model" -t bench-transfer-cogpack --progress json 2>"$work/log" >/dev/null || { tail -20 "$work/log"; exit 1; }
    python3 - "$work/log" <<'PY'
import json, sys
times = [e["seconds"] for e in map(json.loads, open(sys.argv[1]))
         if e.get("event") == "done" and e.get("name", "").startswith("[internal] load context context")]
print(max(times))
PY
}
docker_run() {
    "$docker_cli" builder prune -af >/dev/null
    DOCKER_BUILDKIT=1 "$docker_cli" build --progress plain -f "$work/Dockerfile" -t bench-transfer-docker "$model" >"$work/log" 2>&1 \
        || { tail -20 "$work/log"; exit 1; }
    sed -n 's/.*transferring context: .* \([0-9.]*\)s done.*/\1/p' "$work/log" | tail -1
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

a=() b=()
for i in $(seq 1 "$runs"); do
    a+=("$(cogpack_run)")
    b+=("$(docker_run)")
    echo "run $i: cogpack ${a[-1]} s, docker build ${b[-1]} s"
done
ma="$(printf '%s\n' "${a[@]}" | median)"
mb="$(printf '%s\n' "${b[@]}" | median)"
mbps() { echo "scale=1; $bytes / $1 / 1000000" | bc; }
printf '%-14s %10s %10s\n' "" "seconds" "MB/s"
printf '%-14s %10.2f %10s\n' cogpack "$ma" "$(mbps "$ma")"
printf '%-14s %10.2f %10s\n' "docker build" "$mb" "$(mbps "$mb")"
printf 'cogpack / docker build: %s× (target ≤ 1.2×)\n' "$(echo "scale=2; $ma / $mb" | bc)"
"$docker_cli" rmi -f bench-transfer-cogpack bench-transfer-docker >/dev/null 2>&1 || true
