#!/usr/bin/env bash
# The GPU run: the engines and summaries benchmarks on one device, plain transformers
# float32 and float16 against the default engine, and one table with the device's name.
#
#   benchmarks/gpu.sh                 # --device cuda, both benchmarks in their --quick form
#   benchmarks/gpu.sh cpu             # the same script on the CPU (how it is tested)
#   ENGINE_ARGS="--count 4 --repeats 1" SUMMARY_ARGS="--docs 1 --tokens 8" \
#       benchmarks/gpu.sh cpu         # a smoke run (minutes)
#
# Writes $WORK/engines.json, $WORK/summarize.json, the two logs and $WORK/gpu-table.md
# (WORK defaults to /tmp/translate-bench-gpu), and prints the table last.
set -euo pipefail
DEVICE="${1:-cuda}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${WORK:-/tmp/translate-bench-gpu}"
PYTHON="${PYTHON:-python}"
mkdir -p "$WORK"
cd "$ROOT"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
# shellcheck disable=SC2086  # the *_ARGS are word lists on purpose
"$PYTHON" benchmarks/engines.py --device "$DEVICE" --fp16 --no-extras \
    --workdir "$WORK/engines" --json "$WORK/engines.json" ${ENGINE_ARGS:---quick} \
    2>&1 | tee "$WORK/engines.log"
# shellcheck disable=SC2086
"$PYTHON" benchmarks/summarize.py --device "$DEVICE" --fp16 \
    --workdir "$WORK/summarize" --json "$WORK/summarize.json" ${SUMMARY_ARGS:---quick} \
    2>&1 | tee "$WORK/summarize.log"
"$PYTHON" benchmarks/gpu_table.py "$WORK/engines.json" "$WORK/summarize.json" \
    | tee "$WORK/gpu-table.md"
