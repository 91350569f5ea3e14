#!/usr/bin/python3
"""Times one training step (forward, backward, optimizer update) of a reference model with PyTorch:
the ``impl: torch`` side of ``ganglion bench step-MODEL --compare``.

/usr/bin/python3 step_bench.py MODEL [--batch 64] [--seq-len 28] [--threads 1] [--repeat 20]
    [--warmup 3] [--optimizer adam|sgd] [--lr 1e-3] [--seed 0] [--set key=value ...]

Prints one JSON line in the cli.md bench format:
{"kernel":"step-MODEL","shape":{"batch":B,"seq_len":T,...--set fields},"pass":"all","device":"cpu",
 "threads":N,"impl":"torch","median_ms":...,"gflops":null,"peak_gflops":null, "config":{...}, ...}
``seq_len`` only for recurrent models. The step: x ~ N(0, 1) drawn once, random class targets drawn
anew each step (random targets that change cannot be fitted: a fixed batch is fitted, its gradients
underflow to subnormal numbers, and on Intel cores the step then times microcode assists), cross-entropy
on the output (the last step for recurrent models), zero_grad, backward, optimizer step.
G2GNet runs masked dense (``x (W ⊙ M)ᵀ + b``); CircuitNet runs batched einsum over CMUs.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ganglion_ref import config as configs, malloc, models  # noqa: E402

# sizes for the fields models.md leaves without a default (MNIST-like: rows of 28, or 784 pixels)
BENCH_DEFAULTS = {
    "lstm": {"input_size": 28, "hidden_size": 100, "output_size": 10},
    "sublstm": {"input_size": 28, "hidden_size": 100, "output_size": 10},
    "fix-sublstm": {"input_size": 28, "hidden_size": 100, "output_size": 10},
    "elm": {"input_size": 28, "output_size": 10},
    "g2gnet": {"input_size": 784, "output_size": 10},
    "mlp": {"input_size": 784, "output_size": 10},
    "circuitnet": {"input_size": 784, "output_size": 10},
}


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Time one training step of a PyTorch reference model.")
    ap.add_argument("model", choices=configs.MODELS)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seq-len", type=int, default=28, help="time steps (recurrent models only)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--optimizer", choices=("adam", "sgd"), default="adam")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    return ap.parse_args(argv)


def torch_blas():
    """BLAS_INFO of this torch build ("generic" = reference netlib BLAS: slow GEMMs, see README)."""
    found = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    return found.group(1) if found else None


def bench(args):
    malloc.keep_freed_memory()  # as in a training script (see ganglion_ref/malloc.py)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    sets = configs.parse_sets(args.set)
    overrides = dict(BENCH_DEFAULTS[args.model], **sets)
    net = models.build(args.model, overrides)
    recurrent = args.model in configs.RECURRENT
    shape = (args.batch, args.seq_len) if recurrent else (args.batch,)
    gen = torch.Generator().manual_seed(args.seed)
    x = torch.randn(shape + (net.cfg["input_size"],), generator=gen)
    params = list(models.trainable(net).values())
    opt = (torch.optim.Adam if args.optimizer == "adam" else torch.optim.SGD)(params, lr=args.lr)

    def step():
        target = torch.randint(0, net.cfg["output_size"], (args.batch,), generator=gen)
        y = net(x)
        loss = F.cross_entropy(y[:, -1] if recurrent else y, target)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1e3)
    out_shape = {"batch": args.batch}
    if recurrent:
        out_shape["seq_len"] = args.seq_len
    out_shape.update(sets)
    return {"kernel": f"step-{args.model}", "shape": out_shape, "pass": "all", "device": "cpu",
            "threads": args.threads, "impl": "torch", "median_ms": round(statistics.median(times), 4),
            "gflops": None, "peak_gflops": None, "min_ms": round(min(times), 4), "repeat": args.repeat,
            "optimizer": args.optimizer, "parameters": models.active_parameters(net), "config": net.cfg,
            "torch": torch.__version__, "torch_blas": torch_blas()}


def main(argv):
    args = parse_args(argv)
    try:
        result = bench(args)
    except ValueError as e:  # bad config: one line, not a traceback
        print(f"step_bench.py: {e}", file=sys.stderr)
        return 2
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
