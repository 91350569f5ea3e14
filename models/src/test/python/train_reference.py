#!/usr/bin/python3
"""Trains a reference model with PyTorch: the PyTorch side of Ganglion's training comparisons.

/usr/bin/python3 train_reference.py MODEL [--task function|adding|recall|mnist-rows|mnist-pixels|idx]
    [--data IDX_FOLDER [--prefix t10k] [--train-size N] [--test-size N]] [--seq-len T]
    [--epochs E] [--batch B] [--lr LR] [--optimizer adam|sgd] [--weight-decay W] [--clip C]
    [--seed S] [--threads N] [--set key=value ...] [--save CKPT] [--json]

Prints one line per epoch; with --json one JSON object per line:
{"epoch", "loss" (mean training loss), "metric" (on the test split), "metric_name", "test_loss",
 "seconds" (the epoch's wall time), "samples_per_s"}. A header describing the run goes to stderr.
Recurrent models are trained on their last step's output. Losses: MSE (regression), cross-entropy
(classification).
"""

import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ganglion_ref import config as configs, data as datasets, malloc, models, tasks  # noqa: E402

# required config fields with no models.md default (input/output sizes come from the task)
MODEL_DEFAULTS = {"lstm": {"hidden_size": 100}, "sublstm": {"hidden_size": 100},
                  "fix-sublstm": {"hidden_size": 100}}


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Train a PyTorch reference model.")
    ap.add_argument("model", choices=configs.MODELS)
    ap.add_argument("--task", choices=tuple(tasks.TASKS) + datasets.IDX_TASKS)
    ap.add_argument("--data", help="IDX folder (images *idx3*, labels *idx1*, raw or .gz)")
    ap.add_argument("--prefix", default="", help="file-name prefix in --data, e.g. train or t10k")
    ap.add_argument("--train-size", type=int, help="default: 8000 (built-in) or 80 %% of the IDX set")
    ap.add_argument("--test-size", type=int, help="default: 2000 (built-in) or the rest of the IDX set")
    ap.add_argument("--seq-len", type=int, help="T for adding (default 200) and recall (default 100)")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--optimizer", choices=("adam", "sgd"), default="adam")
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--clip", type=float, default=0.0, help="max global gradient norm (0: off)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--save", help="write the trained model as a safetensors checkpoint")
    ap.add_argument("--json", action="store_true")
    return ap.parse_args(argv)


def make_optimizer(name, params, lr, weight_decay):
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    return torch.optim.SGD(params, lr=lr, weight_decay=weight_decay)


def last_step(y):
    """Recurrent outputs [B, T, C] are read at the last step; feed-forward [B, C] as they are."""
    return y[:, -1] if y.dim() == 3 else y


def loss_fn(kind, out, target):
    return F.mse_loss(out, target) if kind == "regression" else F.cross_entropy(out, target)


def evaluate(net, ds, batch=1000):
    """(test loss, metric) on the test split."""
    x, y = ds["test"]
    outs = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            outs.append(last_step(net(x[i:i + batch])))
    out = torch.cat(outs)
    loss = loss_fn(ds["kind"], out, y).item()
    if ds["metric"] == "accuracy":
        return loss, (out.argmax(1) == y).double().mean().item()
    if ds["metric"] == "rrse":
        return loss, tasks.rrse(out, y)
    return loss, loss  # mse


def train(args):
    malloc.keep_freed_memory()  # the same allocator setting as step_bench.py (see ganglion_ref/malloc.py)
    torch.set_num_threads(args.threads)
    task = args.task or datasets.default_task(args.model, args.data)
    ds = datasets.load(task, args.model, args.seed, args.data, args.prefix, args.train_size,
                       args.test_size, args.seq_len)
    overrides = dict(MODEL_DEFAULTS.get(args.model, {}))
    overrides.update(input_size=ds["input_size"], output_size=ds["output_size"])
    overrides.update(configs.parse_sets(args.set))
    torch.manual_seed(args.seed)
    net = models.build(args.model, overrides)
    params = list(models.trainable(net).values())
    opt = make_optimizer(args.optimizer, params, args.lr, args.weight_decay)
    print(json.dumps({"model": args.model, "task": task, "config": net.cfg,
                      "parameters": models.active_parameters(net),
                      "stored_parameters": sum(p.numel() for p in params),
                      "train": len(ds["train"][0]), "test": len(ds["test"][0]), "threads": args.threads,
                      "impl": "torch"}), file=sys.stderr)
    x, y = ds["train"]
    shuffle = torch.Generator().manual_seed(args.seed + 1)
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(len(x), generator=shuffle)
        total, seen = 0.0, 0
        for i in range(0, len(x), args.batch):
            idx = order[i:i + args.batch]
            loss = loss_fn(ds["kind"], last_step(net(x[idx])), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if args.clip > 0:
                torch.nn.utils.clip_grad_norm_(params, args.clip)
            opt.step()
            total += loss.item() * len(idx)
            seen += len(idx)
        seconds = time.perf_counter() - start
        test_loss, metric = evaluate(net, ds)
        row = {"epoch": epoch, "loss": total / seen, "metric": metric, "metric_name": ds["metric"],
               "test_loss": test_loss, "seconds": round(seconds, 4),
               "samples_per_s": round(seen / seconds, 1)}
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(f"epoch {epoch:3d}  loss {row['loss']:.5f}  {ds['metric']} {metric:.5f}  "
                  f"test loss {test_loss:.5f}  {seconds:.2f} s", flush=True)
        if not math.isfinite(row["loss"]):
            print("training diverged (non-finite loss)", file=sys.stderr)
            return 1
    if args.save:
        models.save_checkpoint(net, args.save)
    return 0


def main(argv):
    args = parse_args(argv)
    try:
        return train(args)
    except ValueError as e:  # bad config or data: one line, not a traceback
        print(f"train_reference.py: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
