"""PyTorch formulations of the ganglion bench kernels, for reference.py (see its header).

variants(kernel, shape, pass_, pattern) returns {name: zero-argument callable}; inputs are
allocated once, outside the timed calls, and outputs are preallocated where torch allows `out=`.
"""
import numpy as np
import torch

ELEMENTWISE = {
    "add": lambda x, y, out: torch.add(x, y, out=out),
    "mul": lambda x, y, out: torch.mul(x, y, out=out),
    "relu": lambda x, y, out: torch.clamp_min(x, 0.0, out=out),
    "exp": lambda x, y, out: torch.exp(x, out=out),
    "tanh": lambda x, y, out: torch.tanh(x, out=out),
    "sigmoid": lambda x, y, out: torch.sigmoid(x, out=out),
}


def rand(*shape):
    return torch.rand(*shape) * 2 - 1


def variants(kernel, s, pass_, pattern):
    if kernel == "gemm":
        return gemm(s)
    if kernel == "blockdiag":
        return blockdiag(s, pass_)
    if kernel in ("bsr", "csr"):
        return sparse(kernel, s, pattern)
    if kernel == "elementwise":
        op = ELEMENTWISE[s["op"]]
        x, y, out = rand(s["rows"], s["cols"]), rand(s["rows"], s["cols"]), torch.empty(s["rows"], s["cols"])
        return {s["op"]: lambda: op(x, y, out)}
    if kernel == "softmax":
        x = rand(s["rows"], s["cols"])
        return {"softmax": lambda: torch.softmax(x, dim=-1)}
    raise ValueError("unknown kernel " + kernel)


def gemm(s):
    m, n, k = s["m"], s["n"], s["k"]
    a = rand(k, m).T if s.get("trans_a") else rand(m, k)   # op(A) as a transposed view
    b = rand(n, k).T if s.get("trans_b") else rand(k, n)
    out = torch.empty(m, n)
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


def sparse(kernel, s, pattern):
    """Y = X·Wᵀ. Sparse variants compute W·Xᵀ (= Yᵀ) from a contiguous Xᵀ made outside the timing."""
    br, bc, blk, chosen = pattern(np.random.default_rng(0), s)
    mask = np.zeros(br * bc, dtype=np.float32)
    mask[chosen] = 1
    mask = np.kron(mask.reshape(br, bc), np.ones((blk, blk), dtype=np.float32))
    w = rand(s["rows"], s["cols"]) * torch.from_numpy(mask)
    x = rand(s["batch"], s["cols"])
    xt = x.T.contiguous()
    out = torch.empty(s["batch"], s["rows"])
    v = {"dense": lambda: torch.mm(x, w.T, out=out)}
    wc = w.to_sparse_csr()
    v["csr"] = lambda: wc @ xt
    if kernel == "bsr":
        wb = w.to_sparse_bsr((blk, blk))
        v["bsr"] = lambda: wb @ xt
    else:
        wcoo = w.to_sparse()
        v["coo"] = lambda: torch.sparse.mm(wcoo, xt)
    return v
