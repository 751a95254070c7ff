#!/usr/bin/env bash
# Compares what two cogpack binaries answer, for a change to the resolver that should move no
# choice (a faster search, another solver). Usage:
#   bash scripts/compare-resolvers.sh OLD_COGPACK NEW_COGPACK [GENERATED]
# Runs `resolve --no-engine --json` with both on every example, every scenario fixture and
# GENERATED (default 300) models made from a fixed seed: pinned, ranged and unpinned torch,
# TensorFlow and JAX, Pythons 3.8 to 3.13, cuda pins, GPU or not, so that about a third
# conflict. It prints each model whose choices, alternatives, warnings or conflict core differ
# (with every `reasons` field left out), then counts: those must be 0 when no choice should
# move. A minimal core is not unique, so reasons (and a conflict's core, and the corrections
# drawn from it) may change with the solver; their counts are printed apart.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 OLD_COGPACK NEW_COGPACK [GENERATED]" >&2; exit 2; }
old=$1 new=$2 count=${3:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$old" "$new" "$count" "$work" <<'PY'
import glob, json, os, random, subprocess, sys

old, new, count, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rng = random.Random(20261126)
torch = ["1.8.1", "1.12.1", "1.13.1", "2.0.1", "2.1.0", "2.1.2", "2.2.0", "2.3.1", "2.4.1", "2.5.1",
         "2.6.0", "2.7.1", "2.8.0", "2.9.0", "9.0.0"]
tensorflow = ["2.11.1", "2.13.0", "2.15.1", "2.16.1", "2.17.0", "2.18.0"]
extras = ["numpy<2", "opencv-python", "transformers>=4.40", "pillow", "torchvision", "torchaudio",
          "xformers", "jax[cuda12]==0.7.0", "scipy", "flash-attn"]
models = sorted(glob.glob("examples/*/")) + sorted({os.path.dirname(p) for p in glob.glob("Tests/ScenarioTests/Fixtures/*/cog.yaml")})
for i in range(count):
    folder = os.path.join(work, f"model-{i}")
    os.makedirs(folder)
    requirements = []
    pick = rng.random()
    if pick < 0.4:
        requirements.append("torch==" + rng.choice(torch))
    elif pick < 0.55:
        requirements.append("torch")
    elif pick < 0.75:
        requirements.append("tensorflow==" + rng.choice(tensorflow))
    requirements += rng.sample(extras, rng.randint(0, 2))
    cog = (f"build:\n  gpu: {'true' if rng.random() < 0.7 else 'false'}\n"
           f"  python_version: \"{rng.choice(['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'])}\"\n"
           "  python_requirements: requirements.txt\n")
    cuda = rng.choice([None, None, None, "11.7", "11.8", "12.1", "12.4", "12.8", "13.0"])
    if cuda:
        cog += f"  cuda: \"{cuda}\"\n"
    files = {"cog.yaml": cog + "predict: predict.py:Predictor\n",
             "requirements.txt": "\n".join(requirements) + "\n",
             "predict.py": "from cog import BasePredictor\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return \"\"\n"}
    for name, text in files.items():
        with open(os.path.join(folder, name), "w") as f:
            f.write(text)
    models.append(folder)

def answer(binary, folder):
    r = subprocess.run([binary, "resolve", "--no-engine", "--json", folder], capture_output=True, text=True)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"exit": r.returncode, "output": r.stdout + r.stderr}

def without(x, keys):
    if isinstance(x, dict):
        return {k: without(v, keys) for k, v in x.items() if k not in keys}
    if isinstance(x, list):
        return [without(v, keys) for v in x]
    return x

moved = core = reasons = conflicts = 0
for folder in models:
    a, b = answer(old, folder), answer(new, folder)
    conflicts += b.get("status") == "conflict"
    if without(a, {"reasons", "conflict"}) != without(b, {"reasons", "conflict"}):
        moved += 1
        print(f"choices differ: {folder}")
    elif without(a, {"reasons"}) != without(b, {"reasons"}):
        core += 1
    elif a != b:
        reasons += 1
print(f"{len(models)} models ({conflicts} conflicts): choices differ {moved}; "
      f"another core of the same conflict {core}; other reasons {reasons}")
sys.exit(1 if moved else 0)
PY
