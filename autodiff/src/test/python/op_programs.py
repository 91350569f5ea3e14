#!/usr/bin/python3
"""Random op programs run in PyTorch, for TorchOpProgramsTest: PyTorch's semantics as the yardstick.

/usr/bin/python3 op_programs.py [--cases N] [--seed S] [--out PATH]   (PyTorch 1.13 CPU; deterministic)
/usr/bin/python3 op_programs.py --cases 3000 --seed 1000 --out /tmp/fuzz.safetensors   (a fuzz run; then
    mvn test -pl autodiff -Dtest=TorchOpProgramsTest -Dganglion.opPrograms=/tmp/fuzz.safetensors)

Each case is a short straight-line program over the autodiff ops (pointwise with and without
parameters, broadcasting binary, views, reductions, layer norm, matmul, joins and indexing, losses,
linear, and sparseLinear with CSR, BSR and
block-diagonal weights against the dense product of the same weight), drawn at random with shapes of
awkward sizes, size-1 axes for broadcasting, in every other pair of cases zero-size axes, and in every
third case inputs holding ±∞, NaN, ±0 and float32 subnormals. The loss of a
case is L = Σₖ Σᵢ Wₖ[i]·vₖ[i] over every value vₖ the program makes (i the row-major index), with the
fixed weights Wₖ[i] = sin(0.5 + 0.7·i + 1.3·k) that the Java side computes too; so every value is
compared forward, and every input's gradient backward.

Writes ../resources/torch/op_programs.safetensors:
  c{n}.in{j}       input j of case n (float64 for even n, float32 for odd n)
  c{n}.cond{k}     the 0/1 condition of a `where` (same dtype)
  c{n}.mask{k}     the 0/1 (block) mask of a CSR or BSR weight (same dtype)
  c{n}.v{k}        value k, as PyTorch computes it in float64 from the (rounded) inputs
  c{n}.grad.in{j}  dL/d in{j}, likewise (zeros where the input does not reach the loss)
__metadata__ "programs" is their count, "c{n}" the program, one instruction per line: `NAME OP ARG...`,
where an ARG is a value name, an integer, a float, an integer list `[a,b]`, a reduction (mean, sum,
none), `none` (no bias) or a sparse format (csr, bsr, bd). Float32 cases hold the float64 answers
rounded to float32; a float32 case is kept only if PyTorch's own float32 run is within 2e-5 of them
(scaled by |x|+1), so ill-conditioned draws (a clamp edge met by rounding, cancellation in a long
sum) do not make the test's tolerance meaningless.
Left out by construction: ties in max/min/maximum/minimum, where float32 rounding can make a tie
on one side and none on the other, and the gradient then goes elsewhere; and bce of infinite logits,
where PyTorch's form gives NaN at x = −∞ and Ganglion's the limit, +∞; and sparse products of
non-finite x, where the dense reference multiplies the structural zeros (0·∞ = NaN) and a sparse
product does not; for the same reason, programs where a sparse product's values or the gradient
reaching its result hold a non-finite number; and programs where the gradient reaching a layerNorm
holds one, or its γ would: there the pattern of ±∞ and NaN in dx depends on the algebra (PyTorch's
dx = ρ·ĝ + b·x + c, Ganglion's centred ρ·(ĝ − mean ĝ − x̂·mean(ĝ·x̂)), better conditioned). Those
programs are dropped after PyTorch has run them, γ and β are drawn finite. elu never sees a NaN
(PyTorch's gradient there is g in its scalar loop and NaN in its vector one), nor a negative x above
−1e-15, where PyTorch's α·(eˣ − 1) rounds to 0 and Ganglion's α·expm1(x) keeps x, so that a
following abs takes the other side of its kink.
"""

import argparse
import os
import random

import torch

from optim_reference import write_safetensors

F = torch.nn.functional
DIMS = [1, 2, 3, 4, 5, 7, 8, 9]
BIG_DIMS = [1, 3, 33, 64, 129, 257, 600]
SPECIAL = [float("inf"), float("-inf"), float("nan"), 0.0, -0.0, 1e-40, -1e-44]  # the last two subnormal in float32
UNARY = {"neg": torch.neg, "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt, "tanh": torch.tanh,
         "sigmoid": torch.sigmoid, "relu": torch.relu, "silu": F.silu, "sin": torch.sin, "cos": torch.cos,
         "abs": torch.abs, "square": torch.square, "reciprocal": torch.reciprocal, "log1p": torch.log1p,
         "expm1": torch.expm1, "erf": torch.erf, "gelu": F.gelu,
         "geluTanh": lambda x: F.gelu(x, approximate="tanh")}
# unary ops with parameters: name -> (PyTorch form, the parameter tuples drawn from)
PARAMETRIC = {"softplus": (lambda x, b, t: F.softplus(x, b, t), [(1.0, 20.0), (2.0, 1.0), (0.5, 5.0)]),
              "leakyRelu": (F.leaky_relu, [(0.01,), (0.3,)]),
              "elu": (F.elu, [(1.0,), (0.5,)])}
# their values saturate (or have a flat side), so their results may hold ties for max and min
SATURATING = {"relu", "abs", "square", "erf", "gelu", "geluTanh", "softplus", "elu"}
BINARY = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
          "maximum": torch.maximum, "minimum": torch.minimum, "powv": torch.pow}


def ints(text):
    body = text[1:-1]
    return [int(q) for q in body.split(",")] if body else []


def run(lines, tensors):
    """Interprets a program on `tensors` (inputs, conditions, masks); returns its values and gradients,
    and whether a sparse product met a non-finite value or gradient (see the module note)."""
    vals, inputs, made, nonfinite = {}, {}, [], []

    def watch(t):
        if not bool(t.isfinite().all()):
            nonfinite.append(True)

    for line in lines:
        tk = line.split()
        name, op = tk[0], tk[1]
        V = lambda i: vals[tk[i]]
        I = lambda i: int(tk[i])
        D = lambda i: float(tk[i])
        if op == "input":
            y = tensors[name].clone().requires_grad_(True)
            inputs[name] = y
        elif op in UNARY:
            y = UNARY[op](V(2))
        elif op in PARAMETRIC:
            y = PARAMETRIC[op][0](V(2), *[float(q) for q in tk[3:]])
        elif op == "layerNorm":
            w, b = (None if tk[i] == "none" else V(i) for i in (4, 5))
            y = F.layer_norm(V(2), ints(tk[3]), w, b, D(6))
            y.register_hook(watch)
        elif op == "clamp":
            y = V(2).clamp(D(3), D(4))
        elif op == "pow":
            y = V(2) ** D(3)
        elif op == "scale":
            y = V(2) * D(3)
        elif op == "addScalar":
            y = V(2) + D(3)
        elif op in BINARY:
            y = BINARY[op](V(2), V(3))
        elif op == "transpose":
            y = V(2).transpose(I(3), I(4))
        elif op == "permute":
            y = V(2).permute(*ints(tk[3]))
        elif op == "mT":
            y = V(2).mT
        elif op == "slice":
            x = V(2)
            y = x[(slice(None),) * (I(3) % x.dim()) + (slice(I(4), I(5), I(6)),)]
        elif op == "select":
            y = V(2).select(I(3), I(4))
        elif op == "unsqueeze":
            y = V(2).unsqueeze(I(3))
        elif op == "squeeze":
            y = V(2).squeeze(I(3))
        elif op == "expand":
            y = V(2).expand(*ints(tk[3]))
        elif op == "reshape":
            y = V(2).reshape(ints(tk[3]))
        elif op in ("sum", "mean"):
            y = getattr(V(2), op)()
        elif op in ("sumAxes", "meanAxes"):
            y = getattr(V(2), op[:-4])(dim=ints(tk[4]), keepdim=I(3) == 1)
        elif op in ("max", "min"):
            y = (torch.amax if op == "max" else torch.amin)(V(2), I(3), I(4) == 1)
        elif op == "logsumexp":
            y = torch.logsumexp(V(2), I(3), I(4) == 1)
        elif op == "softmax":
            y = torch.softmax(V(2), I(3))
        elif op == "logSoftmax":
            y = torch.log_softmax(V(2), I(3))
        elif op == "matmul":
            y = torch.matmul(V(2), V(3))
        elif op == "linear":
            y = F.linear(V(2), V(3), None if tk[4] == "none" else V(4))
        elif op == "concat":
            y = torch.cat([vals[q] for q in tk[3:]], I(2))
        elif op == "split":
            y = torch.split(V(2), ints(tk[4]), I(3))[I(5)]
        elif op == "indexSelect":
            y = torch.index_select(V(2), I(3), torch.tensor(ints(tk[4]), dtype=torch.long))
        elif op == "gather":
            y = torch.gather(V(2), I(3), torch.tensor(ints(tk[4]), dtype=torch.long).reshape(ints(tk[5])))
        elif op == "scatterAdd":
            index = torch.tensor(ints(tk[4]), dtype=torch.long).reshape(ints(tk[5]))
            y = torch.scatter_add(V(2), I(3), index, V(6))
        elif op == "where":
            y = torch.where(tensors[tk[2]] != 0, V(3), V(4))
        elif op == "sparse":
            y = torch.matmul(V(3), sparse_weight(tk, vals, tensors).mT)
            watch(V(4))
            y.register_hook(watch)
        elif op == "mse":
            y = F.mse_loss(V(2), V(3), reduction=tk[4])
        elif op == "bce":
            y = F.binary_cross_entropy_with_logits(V(2), V(3), reduction=tk[4])
        elif op == "ce":
            y = F.cross_entropy(V(2), torch.tensor(ints(tk[4]), dtype=torch.long), reduction=tk[3])
        else:
            raise ValueError(f"unknown op {op}")
        vals[name] = y
        if op != "input":
            made.append(name)
    loss = sum((vals[v] * weights(k, vals[v])).sum() for k, v in enumerate(made))
    loss.backward()
    out = {v: vals[v].detach() for v in made}
    for name, x in inputs.items():
        out["grad." + name] = x.grad if x.grad is not None else torch.zeros_like(x)
    return out, bool(nonfinite)


def sparse_weight(tk, vals, tensors):
    """The dense W [out, in] of `vK sparse FORMAT x values ...`, differentiable in the values.

    csr MASK: values [nnz] at the mask's nonzeros in row-major order (CSR order); bsr R C MASK: values
    [nnzb, R, C] at the block mask's nonzeros; bd: values [G, out/G, in/G] on the diagonal.
    """
    fmt, values = tk[2], vals[tk[4]]
    if fmt == "bd":
        return torch.block_diag(*values.unbind(0))
    if fmt == "csr":
        mask = tensors[tk[5]] != 0
        w = torch.zeros(mask.shape, dtype=values.dtype)
        return w.index_put(tuple(mask.nonzero().unbind(1)), values)
    r, c, mask = int(tk[5]), int(tk[6]), tensors[tk[7]] != 0
    blocks = torch.zeros(mask.shape[0], mask.shape[1], r, c, dtype=values.dtype)
    blocks = blocks.index_put(tuple(mask.nonzero().unbind(1)), values)
    return blocks.permute(0, 2, 1, 3).reshape(mask.shape[0] * r, mask.shape[1] * c)


def weights(k, like):
    i = torch.arange(like.numel(), dtype=torch.float64)
    return torch.sin(0.5 + 0.7 * i + 1.3 * k).reshape(like.shape).to(like.dtype)


class Program:
    """A program being drawn: its lines, and the float64 values so far (for shapes and validity)."""

    def __init__(self, rng, dims, special):
        self.rng, self.dims, self.special = rng, dims, special
        self.lines, self.vals, self.data, self.ties = [], {}, {}, {}
        self.count = 0

    def shape(self, rank):
        return [self.rng.choice(self.dims) for _ in range(rank)]

    def new_input(self, shape, low=None):
        name = f"in{sum(1 for k in self.data if k.startswith('in'))}"
        t = torch.randn(shape, dtype=torch.float64)
        if self.special and low != "finite" and t.numel() and self.rng.random() < 0.4:
            flat = t.view(-1)
            for _ in range(self.rng.randint(1, 3)):
                flat[self.rng.randrange(flat.numel())] = self.rng.choice(SPECIAL)
        if low == "positive":
            t = t.abs() + 0.5
        elif low == "unit":
            t = torch.rand(shape, dtype=torch.float64)
        self.data[name] = t
        self.vals[name] = t
        self.ties[name] = False
        self.lines.append(f"{name} input")
        return name

    def emit(self, op, compute, args, ties=False):
        """Adds `vN = op args` if PyTorch accepts it (else raises); `ties` marks values that may repeat."""
        y = compute()
        name = f"v{self.count}"
        self.count += 1
        self.vals[name] = y
        self.ties[name] = ties
        self.lines.append(f"{name} {op} " + " ".join(fmt(a) for a in args))
        return name

    def positive(self, a):
        """|a| + 0.5, for the ops defined on positive numbers only."""
        b = self.emit("abs", lambda: self.vals[a].abs(), [a], self.ties[a])
        return self.emit("addScalar", lambda: self.vals[b] + 0.5, [b, 0.5], self.ties[b])


def fmt(a):
    if isinstance(a, list):
        return "[" + ",".join(str(int(q)) for q in a) + "]"
    return str(a) if not isinstance(a, float) else repr(a)


def broadcast_partner(rng, shape):
    """A shape that broadcasts against `shape`: leading axes dropped, some axes set to 1."""
    s = list(shape)[rng.randint(0, len(shape)):]
    return [1 if rng.random() < 0.3 else d for d in s]


def factor(rng, n):
    dims = []
    while n > 1 and len(dims) < 3:
        d = rng.choice([d for d in range(2, n + 1) if n % d == 0])
        dims.append(d)
        n //= d
    if n != 1:
        dims.append(n)
    if rng.random() < 0.3:
        dims.insert(rng.randint(0, len(dims)), 1)
    return dims


def draw_unary(p, a):
    rng, T = p.rng, p.vals
    op = rng.choice(list(UNARY) + list(PARAMETRIC) + ["clamp", "pow", "scale", "addScalar"])
    if op in ("log", "sqrt", "reciprocal", "pow", "log1p"):
        a = p.positive(a)
    if op in ("exp", "expm1"):
        a = p.emit("clamp", lambda: T[a].clamp(-5, 5), [a, -5.0, 5.0], True)
    if op == "elu" and bool((T[a].isnan() | ((T[a] < 0) & (T[a] > -1e-15))).any()):  # see the module note
        return None
    if op in PARAMETRIC:
        f, choices = PARAMETRIC[op]
        c = rng.choice(choices)
        return p.emit(op, lambda: f(T[a], *c), [a, *c], p.ties[a] or op in SATURATING)
    if op == "clamp":
        return p.emit(op, lambda: T[a].clamp(-0.5, 0.7), [a, -0.5, 0.7], True)
    if op in ("pow", "scale", "addScalar"):
        c = rng.choice({"pow": [2.0, 3.0, 0.5, -1.5, 1.7], "scale": [2.5, -0.3], "addScalar": [1.25, -0.75]}[op])
        f = {"pow": lambda: T[a] ** c, "scale": lambda: T[a] * c, "addScalar": lambda: T[a] + c}[op]
        return p.emit(op, f, [a, c], p.ties[a])
    return p.emit(op, lambda: UNARY[op](T[a]), [a], p.ties[a] or op in SATURATING)


def draw_binary(p, a):
    rng, T = p.rng, p.vals
    op = rng.choice(list(BINARY))
    shape = list(T[a].shape)
    others = [n for n in T if n != a and len(T[n].shape) <= len(shape) and fits(T[n].shape, shape)]
    if others and rng.random() < 0.3:
        b = rng.choice(others)
    else:
        b = p.new_input(broadcast_partner(rng, shape), "positive" if op in ("div", "powv") else None)
    if rng.random() < 0.5:
        a, b = b, a
    if op in ("div", "powv"):
        b = p.positive(b)
    if op == "powv":
        a = p.positive(a)
    if op in ("maximum", "minimum") and (p.ties[a] or p.ties[b] or a == b):
        op = "add"
    return p.emit(op, lambda: BINARY[op](T[a], T[b]), [a, b],
                  p.ties[a] or p.ties[b] or op in ("maximum", "minimum"))


def fits(small, big):
    try:
        return torch.broadcast_shapes(small, big) == torch.Size(big)
    except RuntimeError:
        return False


def draw_view(p, a):
    rng, T = p.rng, p.vals
    sh = list(T[a].shape)
    r = len(sh)
    op = rng.choice(["transpose", "permute", "slice", "select", "unsqueeze", "squeeze", "expand", "reshape", "mT"])
    if op == "unsqueeze":
        ax = rng.randrange(-r - 1, r + 1)
        return p.emit(op, lambda: T[a].unsqueeze(ax), [a, ax], p.ties[a])
    if op == "expand":
        new = [rng.choice([2, 3, 5]) if d == 1 and rng.random() < 0.7 else (-1 if rng.random() < 0.3 else d)
               for d in sh]
        if rng.random() < 0.3:
            new = [rng.choice([2, 3])] + new
        return p.emit(op, lambda: T[a].expand(*new), [a, new], True)
    if r == 0:
        return None
    if op == "transpose":
        i, j = rng.randrange(-r, r), rng.randrange(-r, r)
        return p.emit(op, lambda: T[a].transpose(i, j), [a, i, j], p.ties[a])
    if op == "permute":
        order = list(range(r))
        rng.shuffle(order)
        return p.emit(op, lambda: T[a].permute(*order), [a, order], p.ties[a])
    if op == "mT" and r >= 2:
        return p.emit(op, lambda: T[a].mT, [a], p.ties[a])
    if op == "slice":
        ax = rng.randrange(-r, r)
        d = sh[ax]
        if d == 0:
            return None
        start = rng.randrange(0, d)
        end = rng.randrange(start + 1, d + 1)
        step = rng.choice([1, 1, 2, 3])
        if start > 0 and rng.random() < 0.3:
            start -= d
        key = (slice(None),) * (ax % r) + (slice(start, end, step),)
        return p.emit(op, lambda: T[a][key], [a, ax, start, end, step], p.ties[a])
    if op == "select":
        ax = rng.randrange(-r, r)
        if sh[ax] == 0:
            return None
        i = rng.randrange(-sh[ax], sh[ax])
        return p.emit(op, lambda: T[a].select(ax, i), [a, ax, i], p.ties[a])
    if op == "squeeze" and 1 in sh:
        ax = sh.index(1) - (r if rng.random() < 0.5 else 0)
        return p.emit(op, lambda: T[a].squeeze(ax), [a, ax], p.ties[a])
    if op == "reshape" and T[a].numel() > 0:
        dims = factor(rng, T[a].numel())
        if dims and rng.random() < 0.3:
            dims[rng.randrange(len(dims))] = -1
        return p.emit(op, lambda: T[a].reshape(dims), [a, dims], p.ties[a])
    return None


def draw_reduction(p, a):
    rng, T = p.rng, p.vals
    r = T[a].dim()
    op = rng.choice(["sum", "sumAxes", "mean", "meanAxes", "max", "min", "logsumexp", "softmax", "logSoftmax",
                     "layerNorm"])
    if op in ("sum", "mean"):
        return p.emit(op, lambda: getattr(T[a], op)(), [a])
    if r == 0:
        return None
    if op == "layerNorm":
        ns = list(T[a].shape)[r - rng.randint(1, min(r, 2)):]
        # γ and β finite (see the module note)
        w = p.new_input(ns, "finite") if rng.random() < 0.6 else "none"
        b = p.new_input(ns, "finite") if rng.random() < 0.6 else "none"
        eps = rng.choice([1e-5, 0.1])
        wt, bt = (None if q == "none" else T[q] for q in (w, b))
        return p.emit(op, lambda: F.layer_norm(T[a], ns, wt, bt, eps), [a, ns, w, b, eps], True)
    keep = rng.random() < 0.5
    if op in ("sumAxes", "meanAxes"):
        axes = list(dict.fromkeys(rng.randrange(-r, r) for _ in range(rng.randint(1, r))))
        if len({q % r for q in axes}) != len(axes):
            return None
        f = getattr(torch, op[:-4])
        return p.emit(op, lambda: f(T[a], dim=axes, keepdim=keep), [a, int(keep), axes], p.ties[a])
    ax = rng.randrange(-r, r)
    if op in ("max", "min"):
        if p.ties[a]:
            return None
        f = torch.amax if op == "max" else torch.amin
        return p.emit(op, lambda: f(T[a], dim=ax, keepdim=keep), [a, ax, int(keep)], True)
    if op == "logsumexp":
        return p.emit(op, lambda: torch.logsumexp(T[a], ax, keep), [a, ax, int(keep)], p.ties[a])
    f = torch.softmax if op == "softmax" else torch.log_softmax
    return p.emit(op, lambda: f(T[a], ax), [a, ax], p.ties[a])


def draw_loss_or_linear(p, a):
    rng, T = p.rng, p.vals
    sh = list(T[a].shape)
    red = rng.choice(["mean", "sum", "none"])
    op = rng.choice(["mse", "ce", "bce", "linear"])
    if op == "mse":
        b = p.new_input(sh)
        return p.emit(op, lambda: F.mse_loss(T[a], T[b], reduction=red), [a, b, red], True)
    if op == "bce" and not bool(T[a].isinf().any()):  # at x = −∞ PyTorch gives NaN, Ganglion the limit +∞
        b = p.new_input(sh, "unit")
        return p.emit(op, lambda: F.binary_cross_entropy_with_logits(T[a], T[b], reduction=red), [a, b, red], True)
    if op == "ce" and len(sh) == 2 and sh[1] > 0:
        targets = [rng.randrange(sh[1]) for _ in range(sh[0])]
        tt = torch.tensor(targets, dtype=torch.long)
        return p.emit(op, lambda: F.cross_entropy(T[a], tt, reduction=red), [a, red, targets], True)
    if op == "linear" and sh:
        w = p.new_input([rng.choice([1, 3, 8, 9]), sh[-1]])
        if rng.random() < 0.5:
            b = p.new_input([T[w].shape[0]])
            return p.emit(op, lambda: F.linear(T[a], T[w], T[b]), [a, w, b], p.ties[a])
        return p.emit(op, lambda: F.linear(T[a], T[w]), [a, w, "none"], p.ties[a])
    return None


def draw_sparse(p, a):
    """y = x·Wᵀ with a CSR, BSR or block-diagonal W: `vK sparse FORMAT x values [R C] [MASK]`."""
    rng, T = p.rng, p.vals
    sh = list(T[a].shape)
    if not sh or not bool(T[a].isfinite().all()):  # a sparse product skips the zeros that 0·∞ = NaN needs
        return None
    n_in = sh[-1]
    fmt = rng.choice(["csr", "bsr", "bd"])
    name = f"mask{p.count}"
    if fmt == "bd":
        g = rng.choice([d for d in range(1, 5) if n_in % d == 0] if n_in else [1, 2])
        n_out = g * rng.choice([0, 1, 2, 3]) if n_in == 0 else g * rng.choice([1, 2, 3])
        args = [fmt, a, p.new_input([g, n_out // g, n_in // g])]
    elif fmt == "bsr":
        r, c = rng.choice([1, 2, 3]), rng.choice([d for d in (1, 2, 3) if n_in % d == 0])
        p.data[name] = (torch.rand(rng.choice([1, 2, 3]), n_in // c) < rng.choice([0.0, 0.3, 0.7, 1.0])).to(torch.float64)
        args = [fmt, a, p.new_input([int(p.data[name].sum()), r, c]), r, c, name]
    else:
        p.data[name] = (torch.rand(rng.choice([1, 3, 8]), n_in) < rng.choice([0.0, 0.2, 0.5, 1.0])).to(torch.float64)
        args = [fmt, a, p.new_input([int(p.data[name].sum())]), name]
    tk = ["", ""] + [str(q) for q in args]  # the instruction's tokens, as run() will read them
    return p.emit("sparse", lambda: torch.matmul(T[a], sparse_weight(tk, T, p.data).mT), args)


def draw_matmul(p, a, big):
    rng, T = p.rng, p.vals
    sh = list(T[a].shape)
    if not sh:
        return None
    cols = [1, 3, 8, 9] + ([65, 300] if big else [])
    if len(sh) == 1:
        b = p.new_input(p.shape(rng.randint(0, 2)) + [sh[0], rng.choice(cols)] if rng.random() < 0.7 else [sh[0]])
    else:
        batch = broadcast_partner(rng, sh[:-2]) if rng.random() < 0.7 else []
        b = p.new_input(batch + [sh[-1], rng.choice(cols)] if rng.random() < 0.85 else [sh[-1]])
    return p.emit("matmul", lambda: torch.matmul(T[a], T[b]), [a, b])


def draw_indexing(p, a):
    rng, T = p.rng, p.vals
    sh = list(T[a].shape)
    r = len(sh)
    if r == 0:
        return None
    op = rng.choice(["concat", "split", "indexSelect", "gather", "scatterAdd", "where"])
    ax = rng.randrange(-r, r)
    if op == "concat":
        parts = [a]
        for _ in range(rng.randint(1, 3)):
            s2 = list(sh)
            s2[ax] = rng.choice([1, 2, 3])
            parts.append(a if rng.random() < 0.3 else p.new_input(s2))
        rng.shuffle(parts)
        return p.emit(op, lambda: torch.cat([T[q] for q in parts], ax), [ax] + parts, True)
    if op == "split":
        d = sh[ax]
        cuts = sorted(rng.sample(range(1, d), min(d - 1, rng.randint(0, 2)))) if d > 1 else []
        sizes = [hi - lo for lo, hi in zip([0] + cuts, cuts + [d])]
        k = rng.randrange(len(sizes))
        return p.emit(op, lambda: torch.split(T[a], sizes, ax)[k], [a, ax, sizes, k], p.ties[a])
    if sh[ax] == 0:
        return None
    if op == "indexSelect":
        index = [rng.randrange(sh[ax]) for _ in range(rng.randint(1, 6))]
        t = torch.tensor(index, dtype=torch.long)
        return p.emit(op, lambda: torch.index_select(T[a], ax, t), [a, ax, index], True)
    if op in ("gather", "scatterAdd"):
        ishape = [rng.randint(min(1, d), d) for d in sh]
        if op == "gather":
            ishape[ax] = rng.randint(1, 5)
        index = torch.randint(0, sh[ax], ishape)
        flat = index.flatten().tolist()
        if op == "gather":
            return p.emit(op, lambda: torch.gather(T[a], ax, index), [a, ax, flat, ishape], True)
        src = p.new_input(ishape)
        return p.emit(op, lambda: torch.scatter_add(T[a], ax, index, T[src]), [a, ax, flat, ishape, src], True)
    b = p.new_input(broadcast_partner(rng, sh))
    cond_name = f"cond{p.count}"
    cond = (torch.rand(broadcast_partner(rng, sh)) < 0.5).to(torch.float64)
    p.data[cond_name] = cond
    return p.emit(op, lambda: torch.where(cond != 0, T[a], T[b]), [cond_name, a, b], True)


def draw_step(p, big):
    """One random instruction (and the helpers it needs) on a recent value, or None if it did not fit."""
    names = list(p.vals)
    a = p.rng.choice(names[-4:] if p.rng.random() < 0.7 else names)
    u = p.rng.random()
    if u < 0.22:
        return draw_unary(p, a)
    if u < 0.40:
        return draw_binary(p, a)
    if u < 0.60:
        return draw_view(p, a)
    if u < 0.78:
        return draw_reduction(p, a)
    if u < 0.84:
        return draw_loss_or_linear(p, a)
    if u < 0.88:
        return draw_matmul(p, a, big)
    if u < 0.91:
        return draw_sparse(p, a)
    return draw_indexing(p, a)


def draw_program(seed, zero_size, special, big):
    rng = random.Random(seed)
    torch.manual_seed(seed)
    dims = (BIG_DIMS if big else DIMS) + ([0] if zero_size else [])
    p = Program(rng, dims, special)
    p.new_input(p.shape(rng.randint(1, 3)))
    steps = rng.randint(2, 10)
    for _ in range(50):
        if p.count >= steps:
            break
        try:
            made = draw_step(p, big)
        except (RuntimeError, ValueError, IndexError, TypeError):
            continue  # PyTorch refused the draw: not a program worth keeping
        if made is not None and p.vals[made].numel() > (400_000 if big else 5_000):
            break
    return p if p.count > 0 else None


def scaled_error(a, b):
    if a.numel() == 0:
        return 0.0
    both_nan = a.isnan() & b.isnan()
    same = (a == b) | both_nan
    err = ((a - b).abs() / (b.abs() + 1)).masked_fill(same, 0)
    return float(err.max())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=240)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--big", action="store_true", help="axes up to 600, values up to 400,000 elements")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "resources", "torch", "op_programs.safetensors"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    out, meta = {}, {"torch": torch.__version__}
    seed, n = args.seed, 0
    while n < args.cases:
        seed += 1
        p = draw_program(seed, zero_size=n % 4 >= 2, special=n % 3 == 0, big=args.big)
        if p is None:
            continue
        dtype = torch.float64 if n % 2 == 0 else torch.float32
        data = {k: t.to(dtype) for k, t in p.data.items()}
        truth, nonfinite_sparse = run(p.lines, {k: t.double() for k, t in data.items()})
        if nonfinite_sparse:
            continue
        if dtype == torch.float32:
            f32, _ = run(p.lines, data)
            if max(scaled_error(f32[k].double(), truth[k]) for k in truth) > 2e-5:
                continue
        for k, t in data.items():
            out[f"c{n}.{k}"] = t
        for k, t in truth.items():
            out[f"c{n}.{k}"] = t.to(dtype)
        meta[f"c{n}"] = "\n".join(p.lines)
        n += 1
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    meta["programs"] = str(n)
    write_safetensors(args.out, out, meta)
    print(f"wrote {os.path.normpath(args.out)}: {n} programs, seeds {args.seed + 1}..{seed}")


if __name__ == "__main__":
    main()
