#!/usr/bin/env bash
# The measurements behind bench/RESULTS.md (CPU). From the repository root:
#   bench/run-results.sh [kernels|steps|memory|all]   (default all)
# Writes one JSON line per measurement to bench/results/*.jsonl (cli.md format; --compare adds the
# PyTorch lines with "ganglion_speedup"), then bench/results/table.py prints the Markdown tables.
# Run it on a quiet machine: nothing else should compete for the cores.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/results
mkdir -p "$OUT"
B=(./ganglion bench)

kernels() {
  : > "$OUT/kernels.jsonl"
  for t in 1 2; do
    "${B[@]}" gemm --m 1024 --n 1024 --k 1024 --threads $t --compare --json >> "$OUT/kernels.jsonl"
  done
  for k in 256 512 1024; do
    "${B[@]}" gemm --m 128 --n $k --k $k --threads 1 --compare --json >> "$OUT/kernels.jsonl"
  done
  for nb in 4 16; do
    "${B[@]}" blockdiag --batch 128 --dim 1024 --blocks $nb --pass all --threads 1 --compare --json >> "$OUT/kernels.jsonl"
  done
  "${B[@]}" gemm --m 128 --n 1024 --k 1024 --threads 1 --json >> "$OUT/kernels.jsonl"
  for d in 0.05 0.1 0.25 0.5; do
    "${B[@]}" bsr --batch 128 --rows 1024 --cols 1024 --block 16 --density $d --pass all --threads 1 --compare --json >> "$OUT/kernels.jsonl"
    "${B[@]}" csr --batch 128 --rows 1024 --cols 1024 --density $d --pass all --threads 1 --compare --json >> "$OUT/kernels.jsonl"
  done
}

steps() {
  : > "$OUT/steps.jsonl"
  local s=(--threads 1 --compare --json --warmup-ms 5000 --repeat 15)
  "${B[@]}" step-mlp --batch 128 --set num_layers=2 --set hidden_size=1024 "${s[@]}" >> "$OUT/steps.jsonl"
  "${B[@]}" step-mlp --batch 128 --set num_layers=2 --set hidden_size=1024 --threads 2 --compare --json --warmup-ms 5000 --repeat 15 >> "$OUT/steps.jsonl"
  for m in lstm sublstm fix-sublstm; do
    "${B[@]}" step-$m --batch 128 --seq-len 28 --set hidden_size=100 "${s[@]}" >> "$OUT/steps.jsonl"
  done
  for b in 8 64; do
    "${B[@]}" step-elm --batch $b --seq-len 100 --set input_size=700 --set num_memory=100 "${s[@]}" >> "$OUT/steps.jsonl"
  done
  "${B[@]}" step-g2gnet --batch 128 "${s[@]}" >> "$OUT/steps.jsonl"
  "${B[@]}" step-mlp --batch 128 "${s[@]}" >> "$OUT/steps.jsonl"
  "${B[@]}" step-circuitnet --batch 128 "${s[@]}" >> "$OUT/steps.jsonl"
}

memory() {
  # UnrollMemory runs outside the launcher, on the jars it builds: let ./ganglion build them first
  # (on a fresh checkout there are none) and say which JDK it found.
  local jdk cp
  jdk="$(./ganglion info --json | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["jdk"]["home"])')"
  cp="$(ls cli/target/lib/*.jar | paste -sd:)"
  local java=${JAVA:-$jdk/bin/java}   # JAVA=…/bin/java to choose
  "$java" --add-modules jdk.incubator.vector -cp "$cp" \
    dev.ganglion.bench.UnrollMemory 100 1000 > "$OUT/unroll-memory.txt" 2>&1
  ./ganglion jmh MlpStepBenchmark -p threads=1 -prof gc -f 1 -wi 3 -i 5 -w 2s -r 2s -rf json -rff "$OUT/jmh-mlp-step-gc.json" \
    > "$OUT/jmh-mlp-step-gc.txt" 2>&1
}

what=${1:-all}
case $what in
  all) kernels; steps; memory ;;
  kernels|steps|memory) $what ;;
  *) echo "usage: $0 [kernels|steps|memory|all]" >&2; exit 2 ;;
esac
/usr/bin/python3 bench/results/table.py
