#!/usr/bin/env bash
# Builds examples/gpu-torch (torch 2.3.1 with CUDA, torchvision, OpenCV, ffmpeg) end to end on this
# machine: no GPU, and no CUDA wheel index, so torch comes from the package index in the CUDA
# variant it serves by default (several GB of nvidia-* wheels). Then checks, in the image, that:
#   - torch.version.cuda is the CUDA `cogpack resolve` chose;
#   - torch's CUDA libraries resolve (ldd) into the nvidia-* wheels under site-packages;
#   - no CUDA toolkit is present (no nvcc, no /usr/local/cuda, no libcudart outside the wheels);
#   - `cogpack predict` answers.
# And builds the Dockerfile Cog would generate for the same model (Benchmarks/cog-dockerfiles,
# adapted as its README says) on the same engine, and prints both cold build times and sizes.
#
# Not part of .ci/run: it downloads several GB. Usage: scripts/gpu-torch-build.sh [--keep-cache]
# By default it prunes the engine's build cache first (cache mounts included) so both builds
# download everything; --keep-cache leaves the cache alone (the figures then say so).
set -euo pipefail
cd "$(dirname "$0")/.."
prune=yes
case "${1:-}" in
    --keep-cache) prune=no ;;
    "") ;;
    *) echo "usage: scripts/gpu-torch-build.sh [--keep-cache]" >&2; exit 2 ;;
esac

bash scripts/start-docker.sh
# COGPACK names a binary to use instead of building one.
if [ -z "${COGPACK:-}" ]; then swift build -c release --product cogpack >/dev/null; fi
cogpack="${COGPACK:-$PWD/.build/release/cogpack}"
docker_cli=/usr/bin/docker            # Debian's 20.10 client: BuildKit without buildx
ca="${SSL_CERT_FILE:-${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}}"
"$cogpack" base >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
model="$work/gpu-torch"
cp -r examples/gpu-torch "$model"
cp Benchmarks/cog-dockerfiles/gpu-torch.requirements.txt "$model/.cog-requirements.txt"
ours=gpu-torch-cogpack
theirs=gpu-torch-cog

now() { date +%s.%N; }
seconds() { echo "$(now) - $1" | bc; }
fail() { echo "FAILED: $*" >&2; exit 1; }

cuda="$("$cogpack" resolve "$model" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["choices"]["cuda"]["value"])')"
torch="$("$cogpack" resolve "$model" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["choices"]["torch"]["value"])')"
echo "resolved: torch $torch, CUDA $cuda"

if [ "$prune" = yes ]; then "$docker_cli" builder prune -af >/dev/null; fi
start="$(now)"
"$cogpack" build "$model" -t "$ours" --progress plain >"$work/cogpack.log" 2>&1 || { tail -30 "$work/cogpack.log"; fail "cogpack build"; }
ours_seconds="$(seconds "$start")"

in_image() { "$docker_cli" run --rm --entrypoint /bin/sh "$ours" -c "$1"; }

# torch.version.cuda is the CUDA the wheel was built for.
built_for="$(in_image 'python -c "import torch; print(torch.version.cuda)"')"
[ "$built_for" = "$cuda" ] || fail "torch.version.cuda is $built_for, the resolver chose $cuda"
echo "check: torch.version.cuda = $built_for = resolved CUDA"

# Every CUDA library libtorch_cuda links resolves inside the wheels: the nvidia-* wheels, or the
# few torch bundles in its own wheel (libcusparseLt); none from the system.
libs="$(in_image 'site=$(python -c "import site; print(site.getsitepackages()[0])"); ldd "$site/torch/lib/libtorch_cuda.so" | grep -E "lib(cudart|cublas|cudnn|nccl|cufft|curand|cusparse|cusolver|nvrtc|nvJitLink)" | awk "{print \$3}" | xargs -r realpath' || true)"
[ -n "$libs" ] || fail "ldd shows no CUDA library for libtorch_cuda.so"
if echo "$libs" | grep -v -e '/site-packages/nvidia/' -e '/site-packages/torch/lib/' | grep -q .; then
    echo "$libs" >&2
    fail "a CUDA library resolves outside the wheels"
fi
echo "check: $(echo "$libs" | grep -c '/site-packages/nvidia/') CUDA libraries of libtorch_cuda.so resolve into the nvidia-* wheels, $(echo "$libs" | grep -c '/site-packages/torch/lib/') into torch's own wheel, none elsewhere"
wheels="$(in_image 'python -c "import importlib.metadata as m; print(\" \".join(sorted(d.metadata[\"Name\"] for d in m.distributions() if d.metadata[\"Name\"].lower().startswith(\"nvidia-\"))))"')"
[ -n "$wheels" ] || fail "no nvidia-* wheel is installed"
echo "check: $(echo "$wheels" | wc -w) nvidia-* wheels installed: $wheels"

# No toolkit: no compiler, no /usr/local/cuda, no CUDA runtime outside the wheels.
toolkit="$(in_image 'command -v nvcc; ls -d /usr/local/cuda* 2>/dev/null; find / -xdev -name "libcudart.so*" -not -path "*/site-packages/nvidia/*" 2>/dev/null' || true)"
[ -z "$toolkit" ] || fail "a CUDA toolkit is in the image: $toolkit"
echo "check: no nvcc, no /usr/local/cuda, no libcudart outside the wheels"

# The image serves at /openapi.json the document `cogpack schema` prints for the folder.
"$cogpack" schema "$model" > "$work/schema.json"
port=$((18000 + RANDOM % 1000))
"$docker_cli" run -d --name gpu-torch-schema -p "127.0.0.1:$port:5000" "$ours" >/dev/null
for _ in $(seq 120); do curl -fsS "http://127.0.0.1:$port/health-check" 2>/dev/null | grep -q READY && break; sleep 1; done
curl -fsS "http://127.0.0.1:$port/openapi.json" > "$work/served.json" || true
"$docker_cli" rm -f gpu-torch-schema >/dev/null
python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$work/schema.json" "$work/served.json" \
    || fail "/openapi.json differs from cogpack schema"
echo "check: /openapi.json equals cogpack schema"

answer="$("$cogpack" predict --image "$ours" -i text=check 2>"$work/predict.log")" || { cat "$work/predict.log"; fail "cogpack predict"; }
echo "$answer" | grep -q "torch $torch" || fail "the prediction does not name torch $torch: $answer"
echo "predict: $answer"

# The Dockerfile Cog would generate, on the same engine, its downloads cold too.
if [ "$prune" = yes ]; then "$docker_cli" builder prune -af >/dev/null; fi
: > "$work/empty-secret"
start="$(now)"
DOCKER_BUILDKIT=1 "$docker_cli" build -q -f Benchmarks/cog-dockerfiles/gpu-torch.Dockerfile \
    --secret id=ca,src="$ca" -t "$theirs" "$model" >"$work/cog.log" 2>&1 || { tail -30 "$work/cog.log"; fail "docker build of Cog's Dockerfile"; }
theirs_seconds="$(seconds "$start")"

size() { "$docker_cli" image inspect -f '{{.Size}}' "$1"; }
ours_size="$(size "$ours")"
theirs_size="$(size "$theirs")"
echo
echo "cache pruned before each cold build: $prune"
printf '%-22s %12s %12s %8s\n' measure cogpack cog ratio
printf '%-22s %12.1f %12.1f %7.2f×\n' "cold build (s)" "$ours_seconds" "$theirs_seconds" "$(echo "scale=2; $ours_seconds / $theirs_seconds" | bc)"
printf '%-22s %12d %12d %7.2f×\n' "image size (MB)" "$((ours_size >> 20))" "$((theirs_size >> 20))" "$(echo "scale=2; $ours_size / $theirs_size" | bc)"
echo "Cog's figure leaves out its nvidia/cuda:12.1.1-cudnn8-devel base (unreachable here); see Benchmarks/cog-dockerfiles/README.md"
