#!/usr/bin/python3
"""Prints the PyTorch 1.13 values pasted into CrossEntropyTorchTest: F.cross_entropy in float64 with
weight, ignore_index, label_smoothing and each reduction, over [N, C], [N, C, d1, ..., dk] and [C]
logits: /usr/bin/python3 cross_entropy_values.py

Inputs are exact in both languages: logits z[k] = ((37k + 11) mod 101)/101*8 - 4 over the flat
index k; the NONE reduction is seeded with g[j] = ((11j + 3) mod 13)/6 - 1, MEAN and SUM with 1.
Each case prints the loss values, the whole gradient when it has at most 64 elements, and always two
projections sum_k r_k*grad_k (r1 = ((7k + 1) mod 11) - 5, r2 = ((5k + 3) mod 9) - 4, added left to
right), which a large gradient is checked by."""
import torch

from java_literals import arr, num

torch.set_default_dtype(torch.float64)
F = torch.nn.functional


def logits(shape):
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([((37 * k + 11) % 101) / 101 * 8 - 4 for k in range(n)]).reshape(shape)


def targets(shape, classes, ignore=None):
    """(5j + 2) mod C over the target positions; every fourth one (j = 1, 5, ...) the ignore index."""
    tdims = [shape[0]] + list(shape[2:]) if len(shape) > 1 else []
    n = 1
    for d in tdims:
        n *= d
    t = [(5 * j + 2) % classes if ignore is None or j % 4 != 1 else ignore for j in range(n)]
    return t, tdims


def weights(classes):
    """((3c + 1) mod 7)/4: zero for c = 2, 9, 16, ..."""
    return [((3 * c + 1) % 7) / 4 for c in range(classes)]


def case(shape, weight=False, ignore=None, eps=0.0, reduction="mean", tgt=None):
    classes = shape[0] if len(shape) == 1 else shape[1]
    t, tdims = targets(shape, classes, ignore)
    if tgt is not None:
        t = tgt if isinstance(tgt, list) else [tgt]
    w = weights(classes) if weight else None
    x = logits(shape).requires_grad_(True)
    kw = dict(reduction=reduction, label_smoothing=eps)
    if w is not None:
        kw["weight"] = torch.tensor(w)
    if ignore is not None:
        kw["ignore_index"] = ignore
    y = F.cross_entropy(x, torch.tensor(t, dtype=torch.long).reshape(tdims), **kw)
    if reduction == "none":
        seed = torch.tensor([((11 * j + 3) % 13) / 6 - 1 for j in range(y.numel())]).reshape(y.shape)
        y.backward(seed)
    else:
        y.backward()
    g = x.grad.reshape(-1).tolist()
    p1 = 0.0
    p2 = 0.0
    for k, v in enumerate(g):
        p1 += (((7 * k + 1) % 11) - 5) * v
        p2 += (((5 * k + 3) % 9) - 4) * v
    opts = "CrossEntropyOptions.DEFAULT"
    if w is not None:
        opts += ".withWeight(weights(" + str(classes) + "))"
    if ignore is not None:
        opts += ".withIgnoreIndex(" + str(ignore) + ")"
    if eps != 0:
        opts += ".withLabelSmoothing(" + repr(eps) + ")"
    if reduction != "mean":
        opts += ".withReduction(Reduction." + reduction.upper() + ")"
    dims = ", ".join(str(d) for d in shape)
    ind = " " * 16
    if len(ind + opts) > 118:
        opts = opts.replace(".withLabelSmoothing", "\n" + ind + "        .withLabelSmoothing", 1)
    print(f"        run(new int[] {{{dims}}},\n"
          + arr(t, ind + "new int[] ") + ",\n"
          + f"{ind}{opts},\n"
          + arr(y.reshape(-1).tolist(), ind + "new double[] ") + ",\n"
          + arr(g if len(g) <= 64 else [], ind + "new double[] ") + ",\n"
          + f"{ind}{num(p1)}, {num(p2)});")


print("// weights")
for r in ("mean", "sum", "none"):
    case((17, 7), weight=True, reduction=r)
case((1, 33), weight=True, tgt=[5])
print("// ignoreIndex")
case((17, 33), ignore=-100)
case((17, 7), ignore=3, reduction="sum", tgt=None)
case((17, 7), weight=True, ignore=-100)
case((17, 7), ignore=-100, reduction="none")
print("// labelSmoothing")
case((17, 7), eps=0.1)
case((17, 33), weight=True, ignore=-100, eps=0.1)
case((17, 1), weight=True, ignore=-100, eps=0.2, reduction="sum")
case((1, 1), eps=0.2)
case((5, 7), weight=True, eps=1.0)
case((17, 7), weight=True, ignore=-100, eps=0.3, reduction="none")
print("// spatial")
case((2, 7, 3, 5), reduction="none")
case((2, 7, 3, 5), weight=True, ignore=-100, eps=0.25)
case((2, 7, 3, 5), ignore=3, eps=1.0, reduction="sum")
case((2, 3, 4, 2, 3), weight=True)
case((1, 33, 2), eps=0.1, reduction="none")
print("// unbatched")
case((7,), weight=True, eps=0.1, reduction="none", tgt=4)
case((7,), weight=True, tgt=4)
case((7,), ignore=4, tgt=4)
print("// edges: all ignored, zero weights, empty batch")
case((3, 4), ignore=1, tgt=[1, 1, 1])
case((3, 4), weight=True, ignore=1, eps=0.2, tgt=[1, 1, 1])
case((3, 4), ignore=1, eps=0.2, reduction="sum", tgt=[1, 1, 1])
case((2, 4, 3), ignore=-100, eps=0.2, tgt=[-100] * 6)
case((3, 4), weight=True, tgt=[2, 2, 2])
case((3, 4), weight=True, eps=0.1, tgt=[2, 2, 2])
case((3, 4), weight=True, eps=0.1, reduction="none", tgt=[2, 2, 2])
case((3, 4), weight=True, eps=0.1, reduction="sum", tgt=[2, 1, 2])
case((0, 5), eps=0.1, tgt=[])
case((0, 5), weight=True, reduction="sum", tgt=[])
