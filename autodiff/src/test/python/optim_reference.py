#!/usr/bin/python3
"""Expected optimizer, clipping and schedule values from PyTorch, for OptimizerParityTest.

/usr/bin/python3 optim_reference.py   (PyTorch 1.13 CPU; deterministic: the same bytes every run)

Writes ../resources/optim/optim_reference.safetensors:
  init.{p}               the float32 starting parameters a [37], b [5, 13], c [3]
  grad.{s}.{p}           the gradient given at step s (0-based); absent = no gradient (param skipped)
  {cfg}.{s}.{p}          parameter p after step s of optimizer config cfg (float32, torch's own kernels)
  {cfg}.state.{p}.{buf}  the optimizer state after the last step
  {cfg}.steps            I64 [3]: torch's state['step'] per parameter after the last step
  f64.{cfg}.…            the same three kinds of entry for float64 parameters and gradients (the float32
                         init and gradients widened), torch's float64 kernels
  clip.{norm}.{p}, clip.{norm}.total   gradients of step 0 after clip_grad_norm_(max_norm=1), and the norm
  sched.{name}           F64 learning rates at t = 0..19 of StepLR / CosineAnnealingLR / LinearLR→Cosine
__metadata__ "config.{cfg}" is the config as one line ("kind key=value ..."), which the Java test rebuilds
and compares, so both sides are sure to run the same hyperparameters. Every optimizer runs with
foreach=False (the single-tensor kernels: the reference form of the update rules).
"""

import json
import math
import os
import struct
import warnings

import torch

STEPS = 6
SHAPES = {"a": (37,), "b": (5, 13), "c": (3,)}
SKIP = {("c", 2), ("a", 4)}  # (param, step) pairs without a gradient
LR_CHANGE = {3: 0.5}  # at step 3 the learning rate is multiplied by this (a schedule's effect)

CONFIGS = [
    ("sgd", "sgd", dict(lr=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)),
    ("sgd_momentum", "sgd", dict(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False)),
    ("sgd_dampening_wd", "sgd", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01, nesterov=False)),
    ("sgd_nesterov_wd", "sgd", dict(lr=0.05, momentum=0.9, dampening=0.0, weight_decay=0.001, nesterov=True)),
    ("adam", "adam", dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)),
    ("adam_wd", "adam", dict(lr=0.003, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("adamw", "adamw", dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)),
    ("adamw_strong", "adamw", dict(lr=0.02, betas=(0.85, 0.995), eps=1e-7, weight_decay=0.5)),
    ("adamax", "adamax", dict(lr=0.002, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)),
    ("adamax_wd", "adamax", dict(lr=0.01, betas=(0.7, 0.9), eps=1e-4, weight_decay=0.05)),
    ("rmsprop", "rmsprop", dict(lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False)),
    ("rmsprop_centered", "rmsprop", dict(lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=True)),
    ("rmsprop_momentum", "rmsprop", dict(lr=0.005, alpha=0.95, eps=1e-6, weight_decay=0.01, momentum=0.9,
                                         centered=False)),
    ("rmsprop_all", "rmsprop", dict(lr=0.003, alpha=0.9, eps=1e-5, weight_decay=0.02, momentum=0.5, centered=True)),
]
CLASSES = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
           "adamax": torch.optim.Adamax, "rmsprop": torch.optim.RMSprop}


def describe(kind, cfg):
    """One line naming every hyperparameter in a fixed order; Java's test builds the same line."""
    def fmt(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, tuple):
            return ",".join(fmt(x) for x in v)
        return repr(float(v))
    return kind + " " + " ".join(f"{k}={fmt(cfg[k])}" for k in sorted(cfg))


def draws():
    gen = torch.Generator().manual_seed(20240607)
    init = {p: torch.randn(s, generator=gen) for p, s in SHAPES.items()}
    grads = {}
    for s in range(STEPS):
        for p, shape in SHAPES.items():
            if (p, s) in SKIP:
                continue
            g = torch.randn(shape, generator=gen) * (0.1 if s % 2 else 1.0)
            g.view(-1)[0] = 0.0  # an exact zero gradient entry
            if s == 1:
                g.view(-1)[1] = 25.0  # a large outlier
            grads[(s, p)] = g
    return init, grads


def run(kind, cfg, init, grads, out, prefix=""):
    """Runs one config from `init` with `grads` (their dtype is the run's) and records it under `prefix`."""
    params = {p: init[p].clone().requires_grad_(True) for p in SHAPES}
    args = dict(cfg)
    opt = CLASSES[kind](list(params.values()), foreach=False, **args)
    for s in range(STEPS):
        if s in LR_CHANGE:
            for group in opt.param_groups:
                group["lr"] *= LR_CHANGE[s]
        for p, t in params.items():
            t.grad = grads[(s, p)].clone() if (s, p) in grads else None
        opt.step()
        for p, t in params.items():
            out[f"{prefix}{name_of(kind, cfg)}.{s}.{p}"] = t.detach().clone()
    steps = []
    for p, t in params.items():
        st = opt.state[t]
        for k, v in st.items():
            if k != "step" and v is not None:
                out[f"{prefix}{name_of(kind, cfg)}.state.{p}.{k}"] = v.clone()
        steps.append(int(st["step"]) if "step" in st else (STEPS - sum(1 for q, _ in SKIP if q == p)))
    out[f"{prefix}{name_of(kind, cfg)}.steps"] = torch.tensor(steps, dtype=torch.int64)


NAMES = {}


def name_of(kind, cfg):
    return NAMES[describe(kind, cfg)]


def clip_refs(grads, out):
    for norm, label in ((2.0, "l2"), (float("inf"), "inf")):
        ps = {p: torch.zeros(SHAPES[p], requires_grad=True) for p in SHAPES}
        for p, t in ps.items():
            t.grad = grads[(0, p)].clone()
        total = torch.nn.utils.clip_grad_norm_(list(ps.values()), max_norm=1.0, norm_type=norm)
        out[f"clip.{label}.total"] = total.detach().double().reshape(())
        for p, t in ps.items():
            out[f"clip.{label}.{p}"] = t.grad.clone()


def schedule_refs(out):
    def lrs(make):
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        sched = make(opt)
        values = []
        for _ in range(20):
            values.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return torch.tensor(values, dtype=torch.float64)
    S = torch.optim.lr_scheduler
    out["sched.step"] = lrs(lambda o: S.StepLR(o, step_size=3, gamma=0.5))
    out["sched.cosine"] = lrs(lambda o: S.CosineAnnealingLR(o, T_max=19, eta_min=0.001))
    out["sched.warmup_cosine"] = lrs(lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.25, total_iters=4),
                                                                   S.CosineAnnealingLR(o, T_max=15, eta_min=0.0)],
                                                               milestones=[4]))


DTYPES = {torch.float32: ("F32", 4, "f"), torch.float64: ("F64", 8, "d"), torch.int64: ("I64", 8, "q")}


def write_safetensors(path, tensors, metadata):
    """The reference layout: __metadata__ first, entries sorted by name, data in that order."""
    header = {"__metadata__": dict(sorted(metadata.items()))}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        dt, size, code = DTYPES[t.dtype]
        data = struct.pack("<%d%s" % (t.numel(), code), *t.reshape(-1).tolist())
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main():
    torch.set_num_threads(1)
    # SequentialLR in 1.13 calls its schedulers' step(epoch) itself and warns about it
    warnings.filterwarnings("ignore", message="The epoch parameter", category=UserWarning)
    init, grads = draws()
    out = {f"init.{p}": t for p, t in init.items()}
    for (s, p), g in grads.items():
        out[f"grad.{s}.{p}"] = g
    meta = {"torch": torch.__version__, "steps": str(STEPS), "lr_change": json.dumps(LR_CHANGE)}
    for name, kind, cfg in CONFIGS:
        NAMES[describe(kind, cfg)] = name
        meta[f"config.{name}"] = describe(kind, cfg)
        run(kind, cfg, init, grads, out)
        run(kind, cfg, {p: t.double() for p, t in init.items()}, {k: g.double() for k, g in grads.items()}, out,
            "f64.")
    clip_refs(grads, out)
    schedule_refs(out)
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "resources", "optim", "optim_reference.safetensors")
    write_safetensors(path, out, meta)
    print(f"wrote {os.path.normpath(path)}: {len(out)} tensors, {len(CONFIGS)} configs, {STEPS} steps")


if __name__ == "__main__":
    main()
