#!/usr/bin/env bash
# Push benchmark: a model with a large weights file (256 MiB of random bytes by default) built
# and pushed by cogpack to a real registry (Debian's docker-registry with an htpasswd login, on
# a free loopback port, storage in a temporary folder), then a second version of it (predict.py
# edited, the same weights) built and pushed to the same repository. For each push it prints the
# seconds, the layers sent and those the registry already had, the bytes the engine read for
# upload (its progress stream, before gzip) and how much the registry's blobs grew. The target:
# the second push sends under 1% of the weights' bytes.
#   bash scripts/bench-push.sh [--weights-mib N]
set -euo pipefail
cd "$(dirname "$0")/.."
weights_mib=256
while [ $# -gt 0 ]; do
    case "$1" in
        --weights-mib) weights_mib="$2"; shift 2 ;;
        *) echo "usage: $0 [--weights-mib N]" >&2; exit 2 ;;
    esac
done
bash scripts/start-docker.sh
for tool in docker-registry htpasswd curl python3; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed; run scripts/setup.sh" >&2; exit 1; }
done
# The push is the engine's work; the client only reads its progress, so a debug build will do.
swift build --product cogpack >/dev/null
cogpack="$PWD/.build/debug/cogpack"
"$cogpack" base >/dev/null

work="$(mktemp -d)"
registry_pid=""
names=()
cleanup() {
    [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null || true
    [ ${#names[@]} -gt 0 ] && docker rmi "${names[@]}" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
password="bench-$RANDOM$RANDOM"
htpasswd -Bbn bench "$password" > "$work/htpasswd"
cat > "$work/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
auth:
  htpasswd:
    realm: cogpack-bench
    path: $work/htpasswd
EOF
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 50); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/")" = 401 ] && break
    sleep 0.1
done
mkdir -p "$work/docker-config"
printf '{"auths": {"127.0.0.1:%s": {"auth": "%s"}}}\n' "$port" "$(printf 'bench:%s' "$password" | base64 -w0)" > "$work/docker-config/config.json"
export DOCKER_CONFIG="$work/docker-config"

model="$work/model"
mkdir -p "$model/weights"
cp examples/hello/predict.py "$model/"
printf 'build:\n  python_version: "3.11"\npredict: "predict.py:Predictor"\n' > "$model/cog.yaml"
head -c "$((weights_mib << 20))" /dev/urandom > "$model/weights/model.bin"
weights_bytes=$((weights_mib << 20))
echo "model: hello's predict.py and a ${weights_mib} MiB weights file ($weights_bytes bytes); registry 127.0.0.1:$port"

# Bytes of the registry's blobs (none before the first push).
stored() {
    if [ -d "$work/registry" ]; then find "$work/registry" -type f -name data -printf '%s\n' | awk '{s += $1} END {print s + 0}'; else echo 0; fi
}

push_version() {
    local version="$1" name="127.0.0.1:$port/ps-bench-push/model:$1"
    names+=("$name")
    "$cogpack" build "$model" -t "$name" --progress plain >"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
    local before after start end
    before="$(stored)"
    start="$(date +%s.%N)"
    "$cogpack" push "$name" --progress json >"$work/push.out" 2>"$work/push.log" || { cat "$work/push.log" | tail -5; exit 1; }
    end="$(date +%s.%N)"
    after="$(stored)"
    python3 - "$work/push.log" "$version" "$start" "$end" "$before" "$after" "$weights_bytes" <<'PY'
import json, sys
log, version, start, end, before, after, weights = sys.argv[1:]
events = [json.loads(line) for line in open(log) if line.startswith("{")]
final = {}
for e in events:
    if e.get("event") == "layer":
        final[e["layer"]] = e
sent = [e for e in final.values() if e["status"] == "pushed"]
kept = [e for e in final.values() if e["status"] in ("exists", "mounted")]
read = sum(e.get("bytes", 0) for e in sent)
grew = int(after) - int(before)
share = 100.0 * read / int(weights)
def layers(n): return f"{n} layer" + ("" if n == 1 else "s")
print(f"{version}: {float(end) - float(start):6.2f} s, {layers(len(sent))} sent, {layers(len(kept))} already in the registry, "
      f"{read} bytes read for upload ({share:.3f}% of the weights), registry grew by {grew} bytes")
PY
    tail -1 "$work/push.out"
}

push_version v1
printf '\n# version 2\n' >> "$model/predict.py"
push_version v2
