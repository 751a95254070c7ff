#!/usr/bin/env bash
# Makes sure a Docker engine answers on DOCKER_HOST (default unix:///var/run/docker.sock):
# installs Debian's docker.io if needed and starts dockerd in the background. Idempotent. When it
# starts the engine it records the process in .cogpack-dockerd.pid, so that stop-docker.sh stops
# only what was started here.
set -euo pipefail
cd "$(dirname "$0")/.."
sock="${DOCKER_HOST:-unix:///var/run/docker.sock}"
sock="${sock#unix://}"
answers() { curl -fsS --max-time 2 --unix-socket "$sock" http://docker/_ping >/dev/null 2>&1; }
if answers; then exit 0; fi
if ! command -v dockerd >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
log="${COGPACK_DOCKERD_LOG:-/tmp/cogpack-dockerd.log}"
nohup dockerd --host "unix://$sock" >"$log" 2>&1 &
echo $! > .cogpack-dockerd.pid
for _ in $(seq 1 60); do
    if answers; then exit 0; fi
    sleep 0.5
done
echo "dockerd did not answer on $sock within 30 s; its log:" >&2
tail -20 "$log" >&2
exit 1
