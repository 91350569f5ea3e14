"""PyTorch formulations of the ganglion bench kernels, for reference.py (see its header).

variants(kernel, shape, pass_, pattern) returns {name: zero-argument callable}; inputs are
allocated once, outside the timed calls, and outputs are preallocated where torch allows `out=`.
DEVICE ("cpu" or "cuda", set by reference.py before variants()) is where every operand lives.
"""
import numpy as np
import torch

ELEMENTWISE = {   # binary ops read x and y, unary ones x; all write `out` where torch allows it
    "add": lambda x, y, out: torch.add(x, y, out=out),
    "sub": lambda x, y, out: torch.sub(x, y, out=out),
    "mul": lambda x, y, out: torch.mul(x, y, out=out),
    "div": lambda x, y, out: torch.div(x, y, out=out),
    "maximum": lambda x, y, out: torch.maximum(x, y, out=out),
    "minimum": lambda x, y, out: torch.minimum(x, y, out=out),
    "neg": lambda x, y, out: torch.neg(x, out=out),
    "exp": lambda x, y, out: torch.exp(x, out=out),
    "log": lambda x, y, out: torch.log(x, out=out),
    "sqrt": lambda x, y, out: torch.sqrt(x, out=out),
    "tanh": lambda x, y, out: torch.tanh(x, out=out),
    "sigmoid": lambda x, y, out: torch.sigmoid(x, out=out),
    "relu": lambda x, y, out: torch.clamp_min(x, 0.0, out=out),
    "silu": lambda x, y, out: torch.nn.functional.silu(x),
    "sin": lambda x, y, out: torch.sin(x, out=out),
    "cos": lambda x, y, out: torch.cos(x, out=out),
    "abs": lambda x, y, out: torch.abs(x, out=out),
    "square": lambda x, y, out: torch.square(x, out=out),
    "reciprocal": lambda x, y, out: torch.reciprocal(x, out=out),
    "log1p": lambda x, y, out: torch.log1p(x, out=out),
    "expm1": lambda x, y, out: torch.expm1(x, out=out),
    "erf": lambda x, y, out: torch.erf(x, out=out),
    "gelu": lambda x, y, out: torch.nn.functional.gelu(x),
    "gelu_tanh": lambda x, y, out: torch.nn.functional.gelu(x, approximate="tanh"),
    "softplus": lambda x, y, out: torch.nn.functional.softplus(x),   # beta 1, threshold 20, as Ganglion's bench
}
POSITIVE = ("div", "log", "sqrt", "reciprocal", "log1p")   # inputs in [0.5, 1.5): no NaN or infinity paths
DEVICE = "cpu"


def rand(*shape):
    return torch.rand(*shape, device=DEVICE) * 2 - 1


def empty(*shape):
    return torch.empty(*shape, device=DEVICE)


def variants(kernel, s, pass_, pattern):
    if kernel == "gemm":
        return gemm(s)
    if kernel == "blockdiag":
        return blockdiag(s, pass_)
    if kernel in ("bsr", "csr"):
        return sparse(kernel, s, pass_, pattern)
    if kernel == "elementwise":
        op = ELEMENTWISE[s["op"]]
        x, y, out = rand(s["rows"], s["cols"]), rand(s["rows"], s["cols"]), empty(s["rows"], s["cols"])
        if s["op"] in POSITIVE:
            x, y = x * 0.5 + 1, y * 0.5 + 1
        return {s["op"]: lambda: op(x, y, out)}
    if kernel == "softmax":
        x = rand(s["rows"], s["cols"])
        return {"softmax": lambda: torch.softmax(x, dim=-1)}
    raise ValueError("unknown kernel " + kernel)


def gemm(s):
    m, n, k = s["m"], s["n"], s["k"]
    a = rand(k, m).T if s.get("trans_a") else rand(m, k)   # op(A) as a transposed view
    b = rand(n, k).T if s.get("trans_b") else rand(k, n)
    out = empty(m, n)
    return {"mm": lambda: torch.mm(a, b, out=out)}


def blockdiag(s, pass_):
    """Y = X·BD(W)ᵀ; the input and output layout is [batch × dim] for every formulation."""
    n, d, nb = s["batch"], s["dim"], s["blocks"]
    if d % nb:
        raise ValueError("dim must be a multiple of blocks")
    b = d // nb
    x, g, w = rand(n, d), rand(n, d), rand(nb, b, b)   # g: the output gradient dY
    bd = torch.block_diag(*w)
    xb, gb = x.view(n, nb, b), g.view(n, nb, b)
    xt, gt = xb.transpose(0, 1), gb.transpose(0, 1)      # [blocks × batch × b] views
    if pass_ == "forward":
        return {"dense": lambda: x @ bd.T,
                "bmm": lambda: torch.bmm(xt, w.transpose(1, 2)).transpose(0, 1).reshape(n, d),
                "einsum": lambda: torch.einsum("nkb,kcb->nkc", xb, w).reshape(n, d)}
    if pass_ == "input-grad":                           # dX = dY·BD(W)
        return {"dense": lambda: g @ bd,
                "bmm": lambda: torch.bmm(gt, w).transpose(0, 1).reshape(n, d),
                "einsum": lambda: torch.einsum("nkc,kcb->nkb", gb, w).reshape(n, d)}
    # weight-grad: dW_k = dY_kᵀ·X_k ("dense" computes the whole dim×dim product)
    return {"dense": lambda: g.T @ x,
            "bmm": lambda: torch.bmm(gt.transpose(1, 2), xt),
            "einsum": lambda: torch.einsum("nkc,nkb->kcb", gb, xb)}


def sparse(kernel, s, pass_, pattern):
    """Y = X·Wᵀ with W [rows × cols] sparse. Sparse formulations work on transposed dense operands
    (Xᵀ, dYᵀ made contiguous outside the timing, results left transposed): favourable to torch."""
    br, bc, blk, chosen = pattern(np.random.default_rng(0), s)
    mask_np = np.zeros(br * bc, dtype=np.float32)
    mask_np[chosen] = 1
    mask = torch.from_numpy(np.kron(mask_np.reshape(br, bc), np.ones((blk, blk), dtype=np.float32))).to(DEVICE)
    w = rand(s["rows"], s["cols"]) * mask
    x, g = rand(s["batch"], s["cols"]), rand(s["batch"], s["rows"])   # g: dY
    xt, gt = x.T.contiguous(), g.T.contiguous()
    if pass_ == "forward":
        out = empty(s["batch"], s["rows"])
        return {"dense": lambda: torch.mm(x, w.T, out=out), **formats(kernel, w, blk, xt)}
    if pass_ == "input-grad":                  # dX = dY·W, i.e. dXᵀ = Wᵀ·dYᵀ
        out = empty(s["batch"], s["cols"])
        return {"dense": lambda: torch.mm(g, w, out=out), **formats(kernel, w.T.contiguous(), blk, gt)}
    # weight-grad: dW = (dYᵀ·X) ⊙ pattern(W), only at the stored entries
    out = empty(s["rows"], s["cols"])
    idx = torch.tensor(chosen, dtype=torch.long, device=DEVICE)
    rows_idx, cols_idx = idx // bc, idx % bc
    gb, xb = g.view(s["batch"], br, blk), x.view(s["batch"], bc, blk)
    wc = w.to_sparse_csr()
    return {"dense": lambda: torch.mm(gt, x, out=out).mul_(mask),
            "sampled": lambda: torch.sparse.sampled_addmm(wc, gt, x, beta=0.0),
            "gather": lambda: torch.einsum("nzc,nzb->zcb", gb[:, rows_idx], xb[:, cols_idx])}


def formats(kernel, w, blk, rhs):
    """{name: W_sparse @ rhs} for the sparse layouts torch has for this kernel."""
    wc = w.to_sparse_csr()
    v = {"csr": lambda: wc @ rhs}
    if kernel == "bsr":
        wb = w.to_sparse_bsr((blk, blk))
        v["bsr"] = lambda: wb @ rhs
    else:
        wcoo = w.to_sparse()
        v["coo"] = lambda: torch.sparse.mm(wcoo, rhs)
    return v
