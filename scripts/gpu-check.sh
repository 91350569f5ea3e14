#!/usr/bin/env bash
# gpu-check.sh: one pass over everything the GPU side promises, on a machine with an NVIDIA GPU and
# the bundle of scripts/make-bundle.sh (no JDK or Maven needed there):
#   the device and libraries found, `ganglion info`, the native-bindings tests (GPU parity, error
#   paths, soak), `ganglion bench ... --device cuda --compare` for every device path, and training
#   steps with their dense products offloaded (`bench step-MODEL --device cuda`) against the CPU.
#
# Usage: scripts/gpu-check.sh BUNDLE OUTDIR [STEP...]
#   BUNDLE  the unpacked bundle folder, or its .tar.gz (unpacked into a temporary folder)
#   OUTDIR  where the logs go: env.txt, info.txt, tests.txt, bench.jsonl, bench.txt, offload.jsonl,
#           offload.txt
#   STEP    any of env, info, tests, bench, offload (default: all five, in that order)
# Environment: GANGLION_PYTHON  a Python with CUDA PyTorch for --compare (default python3)
#              TESTS_TIMEOUT, BENCH_TIMEOUT  seconds for each test class and each bench (120, 300)
#              BENCH_SHAPES     'all' (default), 'target' (issue 6's speed-target shapes) or 'sparse'
#                               (BSR and CSR only)
#              GANGLION_DATA    an IDX folder (e.g. mnist-t10k): offload then also trains an MLP for
#                               two epochs on each device
set -uo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 BUNDLE OUTDIR [env|info|tests|bench|offload ...]" >&2; exit 2; }
BUNDLE="$1"; OUTDIR="$2"; shift 2
STEPS=("$@")
[[ ${#STEPS[@]} -gt 0 ]] || STEPS=(env info tests bench offload)
mkdir -p "$OUTDIR"
if [[ "$BUNDLE" == *.tar.gz ]]; then
  tmp="$(mktemp -d)"
  tar -C "$tmp" -xzf "$BUNDLE" || exit 1
  BUNDLE="$(ls -d "$tmp"/ganglion-*)"
fi
G="$BUNDLE/bin/ganglion"
export GANGLION_PYTHON="${GANGLION_PYTHON:-python3}"

step_env() {
  nvidia-smi
  nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,power.limit --format=csv
  ls -d /usr/local/cuda* 2>&1
  ls /usr/local/cuda/lib64 2>&1 | grep -E 'libcu(dart|blas|blasLt|sparse)|nvJitLink' | head -20
  "$GANGLION_PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'
  nproc; free -g
}

step_info() {
  "$G" info
  "$G" info --json
}

# One JVM per test class, each with its own time limit; a class still running at the limit gets a
# SIGQUIT first, so its thread dump lands in the log.
step_tests() {
  local cls failed=0
  for cls in $(cat "$BUNDLE/lib/test/test-classes.txt"); do
    echo "=== $cls"
    timeout -s QUIT -k 10 "${TESTS_TIMEOUT:-120}" "$BUNDLE/bin/gpu-tests" --select-class "$cls" \
        --details=tree --details-theme=ascii --disable-ansi-colors || failed=$((failed + 1))
  done
  echo "=== classes failed or timed out: $failed"
  [[ $failed -eq 0 ]]
}

bench() {
  echo "== ganglion bench $*" >&2
  timeout "${BENCH_TIMEOUT:-300}" "$G" bench "$@" --device cuda --compare --json >>"$OUTDIR/bench.jsonl"
}

step_bench() {
  : >"$OUTDIR/bench.jsonl"
  local shapes="${BENCH_SHAPES:-all}"
  # Issue 6's target: 16 blocks, dim 4096, batch 4096, against dense SGEMM of the same dims.
  if [[ "$shapes" != sparse ]]; then
    bench gemm --m 4096 --n 4096 --k 4096
    bench blockdiag --batch 4096 --dim 4096 --blocks 16 --pass all
  fi
  [[ "$shapes" == target ]] && return
  if [[ "$shapes" == all ]]; then
    bench gemm --m 1024 --n 1024 --k 1024
    bench blockdiag --batch 4096 --dim 4096 --blocks 4 --pass all
    bench blockdiag --batch 128 --dim 1024 --blocks 16 --pass all
  fi
  bench bsr --batch 1024 --rows 4096 --cols 4096 --block 32 --density 0.1 --pass all
  bench bsr --batch 1024 --rows 4096 --cols 4096 --block 16 --density 0.05 --pass all
  bench csr --batch 1024 --rows 4096 --cols 4096 --density 0.01 --pass all
  bench csr --batch 128 --rows 1024 --cols 1024 --density 0.1 --pass all
}

# A training step on the CPU, with its dense products routed by measurement (cuda), and with all of
# them on the GPU (-Dganglion.offload=device), at a small and a large batch. The routing line each
# cuda run prints (shapes measured, where each went) lands in offload.txt.
step_offload() {
  : >"$OUTDIR/offload.jsonl"
  local model batch variant
  for model in mlp g2gnet; do
    for batch in 128 2048; do
      for variant in cpu cuda cuda-all; do
        echo "== bench step-$model --batch $batch: $variant"
        local dev=${variant%-all} opts=""
        [[ $variant == cuda-all ]] && opts=-Dganglion.offload=device
        GANGLION_JAVA_OPTS="$opts" timeout "${BENCH_TIMEOUT:-300}" "$G" bench "step-$model" --batch "$batch" \
            --set hidden_size=1024 --device "$dev" --repeat 20 --warmup-ms 3000 --json >>"$OUTDIR/offload.jsonl"
      done
    done
  done
  if [[ -n "${GANGLION_DATA:-}" ]]; then
    for dev in cpu cuda; do
      echo "== train mlp on $GANGLION_DATA: $dev"
      timeout "${BENCH_TIMEOUT:-300}" "$G" train mlp --task idx --data "$GANGLION_DATA" --train-size 8000 \
          --test-size 2000 --epochs 2 --batch 512 --seed 0 --set hidden_size=1024 --device "$dev"
    done
  fi
}

for s in "${STEPS[@]}"; do
  echo "== $s" >&2
  start=$SECONDS
  case "$s" in
    env) step_env >"$OUTDIR/env.txt" 2>&1 ;;
    info) step_info >"$OUTDIR/info.txt" 2>&1 ;;
    tests) step_tests >"$OUTDIR/tests.txt" 2>&1 ;;
    bench) step_bench 2>"$OUTDIR/bench.txt" ;;
    offload) step_offload >"$OUTDIR/offload.txt" 2>&1 ;;
    *) echo "unknown step '$s'" >&2; exit 2 ;;
  esac
  echo "== $s: exit $? in $((SECONDS - start)) s" >&2
done
