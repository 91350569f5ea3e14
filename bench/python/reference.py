#!/usr/bin/env python3
"""Reference timings for `ganglion bench --compare`: the same kernels in PyTorch (else NumPy).

Usage (normally run by `./ganglion bench KERNEL --compare`, which passes these arguments):

    python3 bench/python/reference.py KERNEL --shape JSON [--pass PASS] [--threads N]
                                      [--repeat R] [--warmup-ms MS] [--lib auto|torch|numpy]
                                      [--device cpu|cuda]

KERNEL and the keys of --shape (a JSON object) are those of `ganglion bench`. blockdiag, bsr and csr
also take --pass input-grad (dX = dY·W) and weight-grad (dW = dYᵀ·X, only at W's blocks/non-zeros):
    gemm         {"m":512,"n":512,"k":512,"trans_a":false,"trans_b":false}   C = op(A)·op(B)
    blockdiag    {"batch":256,"dim":1024,"blocks":16}   Y = X·BD(W)ᵀ
    bsr, csr     {"batch":64,"rows":1024,"cols":1024,"block":16,"density":0.1}   Y = X·Wᵀ, W [rows×cols] sparse
    elementwise  {"op":"add","rows":1024,"cols":1024}
    softmax      {"rows":1024,"cols":1024}   softmax over the last axis
    step-MODEL   {"batch":128,"seq_len":28,"optimizer":"adam", any config field...}   one training step
                 (--pass all), timed by models/src/test/python/step_bench.py with the PyTorch
                 reference models (torch only)

Prints one JSON line per measurement with the fields of shared/specs/cli.md and "impl" set to
"torch" or "numpy". Where several formulations exist (block-diagonal: dense matmul with the
block-diagonal matrix, batched matmul, einsum; sparse: CSR/BSR/COO sparse matmul or dense), each is
timed, the fastest is reported with "variant" naming it, and "variants" lists all median times.
Useful flops are counted exactly as ganglion counts them (only the blocks / nonzeros), so GFLOP/s
compare directly. Methodology as in ganglion: warm-up of at least 10 calls, until two windows of
samples agree within 2 % (time-boxed by --warmup-ms), then the median of --repeat samples of about
5 ms each.
With --device cuda (torch only) every operand lives on the GPU and each sample is bracketed by
torch.cuda.synchronize(), so a sample is the device time of its calls queued back to back (what
ganglion's CUDA events measure), not the host's launch time; "threads" is then the host's setting.
Exit status: 0 on success, 2 on bad arguments, 3 when neither torch nor numpy can be imported.
"""
import argparse
import json
import math
import os
import sys
import time
import warnings

sys.dont_write_bytecode = True  # keep the repository free of __pycache__
# The PyTorch reference models and the allocator setting live with the model tests.
MODELS_PYTHON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "src", "test", "python")
sys.path.insert(0, MODELS_PYTHON)

TARGET_SAMPLE_NS = 5_000_000
WINDOW = 5
SETTLED = 0.02
MIN_CALLS = 10
SOFTMAX_FLOPS_PER_ELEMENT = 5  # max, subtract, exp, sum, scale: ganglion's convention


def median(xs):
    s = sorted(xs)
    h = len(s) // 2
    return s[h] if len(s) % 2 else (s[h - 1] + s[h]) / 2


def no_sync():
    pass


SYNC = no_sync  # torch.cuda.synchronize with --device cuda: a sample ends when the device is done


def sample_ns(fn, inner):
    SYNC()
    t0 = time.perf_counter_ns()
    for _ in range(inner):
        fn()
    SYNC()
    return (time.perf_counter_ns() - t0) / inner


def inner_for(per_call_ns):
    return int(max(1, min(1 << 20, math.ceil(TARGET_SAMPLE_NS / max(per_call_ns, 1.0)))))


def median_ms(fn, repeat, warmup_ms):
    """Median milliseconds per call after a settled, time-boxed warm-up (as ganglion's Timing)."""
    start = time.perf_counter_ns()
    fn()
    inner = inner_for(time.perf_counter_ns() - start)
    box = warmup_ms * 1_000_000
    deadline, earliest = start + box, start + box // 4
    previous, calls = float("nan"), 1
    while calls < MIN_CALLS or time.perf_counter_ns() < deadline:
        window = []
        while len(window) < WINDOW and (not window or calls < MIN_CALLS or time.perf_counter_ns() < deadline):
            window.append(sample_ns(fn, inner))
            calls += inner
        med = median(window)
        inner = inner_for(med)
        if abs(med - previous) <= previous * SETTLED and calls >= MIN_CALLS and time.perf_counter_ns() >= earliest:
            break
        previous = med
    return median([sample_ns(fn, inner) for _ in range(repeat)]) / 1e6


def per_row(density, n):
    """round(density·n) with Java's Math.round (half up), as ganglion's Bsr/Csr.random count."""
    return int(math.floor(density * n + 0.5))


def sparse_pattern(rng, shape):
    """Block pattern of W: per_row(density, cols/block) blocks in every block-row, columns uniform
    without replacement (ganglion's Bsr.random / Csr.random rule), as sorted flat block indices."""
    rows, cols, block, density = shape["rows"], shape["cols"], shape.get("block", 1), shape["density"]
    if rows % block or cols % block:
        raise ValueError("rows and cols must be multiples of block")
    br, bc = rows // block, cols // block
    k = per_row(density, bc)
    chosen = [r * bc + int(c) for r in range(br) for c in sorted(rng.choice(bc, size=k, replace=False))]
    return br, bc, block, chosen


def flops(kernel, shape):
    if kernel == "gemm":
        return 2.0 * shape["m"] * shape["n"] * shape["k"]
    if kernel == "blockdiag":
        return 2.0 * shape["batch"] * shape["dim"] * (shape["dim"] // shape["blocks"])
    if kernel in ("bsr", "csr"):
        block = shape.get("block", 1)
        br, bc = shape["rows"] // block, shape["cols"] // block
        nnz = br * per_row(shape["density"], bc) * block * block
        return 2.0 * shape["batch"] * nnz
    if kernel == "elementwise":
        return 1.0 * shape["rows"] * shape["cols"]
    if kernel == "softmax":
        return float(SOFTMAX_FLOPS_PER_ELEMENT * shape["rows"] * shape["cols"])
    raise ValueError("unknown kernel " + kernel)


def variants_for(lib, kernel, shape, pass_, device="cpu"):
    """{variant name: zero-argument callable} for the kernel, built with torch or numpy."""
    if lib == "torch":
        import torch_kernels as k
        k.DEVICE = device
    else:
        import numpy_kernels as k
    return k.variants(kernel, shape, pass_, sparse_pattern)


def pick_lib(requested):
    order = ["torch", "numpy"] if requested == "auto" else [requested]
    for lib in order:
        try:
            __import__(lib)
            return lib
        except ImportError:
            continue
    print("reference.py: cannot import " + " or ".join(order), file=sys.stderr)
    sys.exit(3)


def parser(description, kernels, passes, devices):
    """The arguments ganglion passes (PythonReference.java); the first of passes/devices is the default."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("kernel", choices=kernels)
    ap.add_argument("--shape", required=True, help="JSON object of the kernel's sizes")
    ap.add_argument("--pass", dest="pass_", default=passes[0], choices=passes)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--warmup-ms", type=int, default=2000)
    ap.add_argument("--lib", default="auto", choices=["auto", "torch", "numpy"])
    ap.add_argument("--device", default=devices[0], choices=devices)
    return ap


def step_main(argv):
    """step-MODEL: models/src/test/python/step_bench.py times the PyTorch reference model's step."""
    ap = parser("Reference timing of one training step (PyTorch).", None, ["all"], ["cpu"])
    a = ap.parse_args(argv)
    if pick_lib("torch" if a.lib == "auto" else a.lib) != "torch":
        ap.error("%s needs torch (the reference models are PyTorch modules)" % a.kernel)
    shape = json.loads(a.shape)
    import step_bench
    fields = dict(shape)
    args = [a.kernel[len("step-"):], "--batch", str(fields.pop("batch")), "--threads", str(a.threads),
            "--repeat", str(a.repeat), "--warmup", "5", "--optimizer", fields.pop("optimizer", "adam")]
    if "seq_len" in fields:
        args += ["--seq-len", str(fields.pop("seq_len"))]
    for key, value in fields.items():
        text = json.dumps(value) if isinstance(value, (list, dict, bool)) else str(value)
        args += ["--set", "%s=%s" % (key, text)]
    try:
        line = step_bench.bench(step_bench.parse_args(args))
    except (KeyError, ValueError) as e:
        print("reference.py: %s: %s" % (a.kernel, e), file=sys.stderr)
        sys.exit(2)
    line["shape"] = shape  # the shape as ganglion sent it, so the two lines pair up
    print(json.dumps(line))


def keep_freed_memory():
    """Times PyTorch with the heap a training script has (see ganglion_ref/malloc.py), where available."""
    try:
        from ganglion_ref import malloc
    except ImportError:
        return False
    return malloc.keep_freed_memory()


def main(argv):
    keep_freed_memory()
    if argv and argv[0].startswith("step-"):
        step_main(argv)
        return
    ap = parser("Reference timings for ganglion bench --compare.",
                ["gemm", "blockdiag", "bsr", "csr", "elementwise", "softmax"],
                ["forward", "input-grad", "weight-grad"], ["cpu", "cuda"])
    a = ap.parse_args(argv)
    shape = json.loads(a.shape)
    if a.pass_ != "forward" and a.kernel not in ("blockdiag", "bsr", "csr"):
        ap.error("--pass %s: %s has only the forward pass" % (a.pass_, a.kernel))
    lib = pick_lib("torch" if a.device == "cuda" and a.lib == "auto" else a.lib)
    if a.device == "cuda" and lib != "torch":
        ap.error("--device cuda needs torch (numpy runs on the CPU only)")
    if lib == "torch":
        import torch
        torch.set_num_threads(a.threads)
        if a.device == "cuda":
            if not torch.cuda.is_available():
                print("reference.py: --device cuda: torch %s sees no CUDA device" % torch.__version__, file=sys.stderr)
                sys.exit(1)
            global SYNC
            SYNC = torch.cuda.synchronize
    warnings.simplefilter("ignore")  # torch 1.13 warns that sparse CSR is beta, on every call
    try:
        candidates = variants_for(lib, a.kernel, shape, a.pass_, a.device)
    except (KeyError, ValueError) as e:
        print("reference.py: bad --shape for %s: %s" % (a.kernel, e), file=sys.stderr)
        sys.exit(2)
    times = {}
    for name, fn in candidates.items():
        try:
            times[name] = median_ms(fn, a.repeat, a.warmup_ms)
        except (RuntimeError, NotImplementedError, TypeError, ValueError) as e:
            times[name] = None  # this library build does not support that formulation
            print("reference.py: %s %s: %s" % (lib, name, str(e).splitlines()[0]), file=sys.stderr)
    ok = {n: t for n, t in times.items() if t is not None}
    if not ok:
        print("reference.py: no %s formulation of %s ran" % (lib, a.kernel), file=sys.stderr)
        sys.exit(1)
    best = min(ok, key=ok.get)
    ms = ok[best]
    line = {"kernel": a.kernel, "shape": shape, "pass": a.pass_, "device": a.device,
            "threads": a.threads, "impl": lib, "median_ms": ms,
            "gflops": flops(a.kernel, shape) / (ms * 1e6), "peak_gflops": None}
    if len(candidates) > 1:
        line["variant"] = best
        line["variants"] = times
    print(json.dumps(line))


if __name__ == "__main__":
    main(sys.argv[1:])
