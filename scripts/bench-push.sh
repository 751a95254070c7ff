#!/usr/bin/env bash
# Push benchmark: a model with a large weights file (256 MiB of random bytes by default) built
# and pushed by cogpack to a real registry (Debian's docker-registry with an htpasswd login, on
# a free loopback port, storage in a temporary folder), then a second version of it (predict.py
# edited, the same weights) built and pushed to the same repository. For each push it prints the
# seconds, the layers sent and those the registry already had, the bytes the engine read for
# upload (its progress stream, before gzip) and how much the registry's blobs grew. The target:
# the second push sends under 1% of the weights' bytes.
# Then the shared cache: a second engine (its own dockerd, data root and bridge, started here and
# removed at the end), with nothing built, builds the first version with `--cache-from` the
# registry image, and again cold (`--no-cache`); it prints both times and how many of the model's
# steps each ran (target: none with the cache), beside engine A's own cold build.
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
engine_b_pid=""
engine_b_undo=()
names=()
cleanup() {
    if [ -n "$engine_b_pid" ]; then
        kill "$engine_b_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$engine_b_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$engine_b_pid" 2>/dev/null || true
        # Its network namespaces and overlay mounts, deepest first; then its bridge and rules.
        awk '{print $2}' /proc/mounts | grep "^$work/b/" | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    fi
    for undo in "${engine_b_undo[@]}"; do eval "$undo" >/dev/null 2>&1 || true; done
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
# A few small dependencies, so that the model has an install step of its own to reuse.
printf 'six==1.16.0\nidna==3.7\nattrs==23.2.0\n' > "$model/requirements.txt"
printf 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\npredict: "predict.py:Predictor"\n' > "$model/cog.yaml"
head -c "$((weights_mib << 20))" /dev/urandom > "$model/weights/model.bin"
weights_bytes=$((weights_mib << 20))
echo "model: hello's predict.py, 3 requirements and a ${weights_mib} MiB weights file ($weights_bytes bytes); registry 127.0.0.1:$port"

# "N of M": the model's own steps (named by stage, not BuildKit's [internal] loads) that ran,
# of those in a `--progress json` log.
steps_run() {
    python3 - "$1" <<'PY'
import json, sys
ended = {}
for line in open(sys.argv[1]):
    if not line.startswith("{"):
        continue
    e = json.loads(line)
    if e.get("event") in ("cached", "done", "error") and e.get("name", "").startswith("[") and not e["name"].startswith("[internal]"):
        ended[e["name"]] = e["event"]
print(f"{sum(1 for v in ended.values() if v == 'done')} of {len(ended)}")
PY
}

timed_build() {  # timed_build LOG ARGS…: prints the seconds; the build's log goes to LOG
    local log="$1" start end
    shift
    start="$(date +%s.%N)"
    "$cogpack" build "$@" --progress json >/dev/null 2>"$log" || { tail -20 "$log" >&2; exit 1; }
    end="$(date +%s.%N)"
    python3 -c "print(f'{$end - $start:.1f}')"
}

# Bytes of the registry's blobs (none before the first push).
stored() {
    if [ -d "$work/registry" ]; then find "$work/registry" -type f -name data -printf '%s\n' | awk '{s += $1} END {print s + 0}'; else echo 0; fi
}

push_version() {
    # The first version cold (--no-cache); the next one as an author rebuilds, with the cache.
    local version="$1" name="127.0.0.1:$port/ps-bench-push/model:$1" seconds how="$2" flags=()
    names+=("$name")
    [ "$how" = cold ] && flags=(--no-cache)
    seconds="$(timed_build "$work/build-a-$version.log" "$model" -t "$name" "${flags[@]}")"
    echo "$version: engine A, $how build: $seconds s, model steps run: $(steps_run "$work/build-a-$version.log")"
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

push_version v1 cold
printf '\n# version 2\n' >> "$model/predict.py"
push_version v2 cached

# The shared cache: engine B has the same base (copied, so the same image ID: BuildKit reuses a
# layer only on the same base) and nothing else.
b="$work/b"
mkdir -p "$b"
id="$RANDOM"
bridge="bp-br$id"
octet=$((10 + RANDOM % 240))
ip link add "$bridge" type bridge && engine_b_undo+=("ip link del $bridge")
ip addr add "10.215.$octet.1/24" dev "$bridge"
ip link set "$bridge" up
# Build steps download through this bridge; the engine itself is started without iptables.
for rule in "FORWARD -i $bridge -j ACCEPT" "FORWARD -o $bridge -j ACCEPT"; do
    iptables -I $rule && engine_b_undo+=("iptables -D $rule")
done
iptables -t nat -I POSTROUTING -s "10.215.$octet.0/24" ! -o "$bridge" -j MASQUERADE \
    && engine_b_undo+=("iptables -t nat -D POSTROUTING -s 10.215.$octet.0/24 ! -o $bridge -j MASQUERADE")
echo '{}' > "$b/daemon.json"
dockerd --data-root "$b/root" --exec-root "$b/exec" --pidfile "$b/dockerd.pid" -H "unix://$b/docker.sock" \
    --bridge "$bridge" --iptables=false --ip-masq=false --config-file "$b/daemon.json" >"$b/log" 2>&1 &
engine_b_pid=$!
for _ in $(seq 1 300); do
    curl -fsS --max-time 2 --unix-socket "$b/docker.sock" http://docker/_ping >/dev/null 2>&1 && break
    sleep 0.1
done
base="cogpack/base:bookworm-python3.11"
/usr/bin/docker save "$base" | /usr/bin/docker -H "unix://$b/docker.sock" load >/dev/null
seconds="$(DOCKER_HOST="unix://$b/docker.sock" timed_build "$work/build-b-cache.log" "$model" -t bench-b:1 \
    --cache-from "127.0.0.1:$port/ps-bench-push/model:v2")"
echo "engine B (nothing built), --cache-from the v2 image: $seconds s, model steps run: $(steps_run "$work/build-b-cache.log")"
seconds="$(DOCKER_HOST="unix://$b/docker.sock" timed_build "$work/build-b-cold.log" "$model" -t bench-b:2 --no-cache)"
echo "engine B, cold build (--no-cache):                 $seconds s, model steps run: $(steps_run "$work/build-b-cold.log")"
