"""NumPy formulations of the ganglion bench kernels, for reference.py (see its header); used when
torch is not installed. Sparse kernels also use scipy.sparse when it is importable.

variants(kernel, shape, pass_, pattern) returns {name: zero-argument callable}.
"""
import numpy as np

RNG = np.random.default_rng(0)

ELEMENTWISE = {
    "add": lambda x, y, out: np.add(x, y, out=out),
    "sub": lambda x, y, out: np.subtract(x, y, out=out),
    "mul": lambda x, y, out: np.multiply(x, y, out=out),
    "div": lambda x, y, out: np.divide(x, y, out=out),
    "maximum": lambda x, y, out: np.maximum(x, y, out=out),
    "minimum": lambda x, y, out: np.minimum(x, y, out=out),
    "neg": lambda x, y, out: np.negative(x, out=out),
    "exp": lambda x, y, out: np.exp(x, out=out),
    "log": lambda x, y, out: np.log(x, out=out),
    "sqrt": lambda x, y, out: np.sqrt(x, out=out),
    "tanh": lambda x, y, out: np.tanh(x, out=out),
    "sigmoid": lambda x, y, out: np.divide(1.0, 1.0 + np.exp(-x), out=out),
    "relu": lambda x, y, out: np.maximum(x, 0.0, out=out),
    "silu": lambda x, y, out: np.divide(x, 1.0 + np.exp(-x), out=out),
    "sin": lambda x, y, out: np.sin(x, out=out),
    "cos": lambda x, y, out: np.cos(x, out=out),
    "abs": lambda x, y, out: np.abs(x, out=out),
    "square": lambda x, y, out: np.square(x, out=out),
    "reciprocal": lambda x, y, out: np.reciprocal(x, out=out),
    "log1p": lambda x, y, out: np.log1p(x, out=out),
    "expm1": lambda x, y, out: np.expm1(x, out=out),
    "softplus": lambda x, y, out: np.logaddexp(np.float32(0), x, out=out),   # ln(1 + e^x); the threshold-20 rule aside
}
try:   # NumPy has no erf; SciPy's, when importable
    from scipy.special import erf as _erf
    _SQRT_HALF = np.float32(np.sqrt(0.5))
    ELEMENTWISE["erf"] = lambda x, y, out: _erf(x, out=out)
    ELEMENTWISE["gelu"] = lambda x, y, out: np.multiply(x * np.float32(0.5), 1 + _erf(x * _SQRT_HALF), out=out)
except ImportError:
    pass
_TANH_K = np.float32(np.sqrt(2 / np.pi))
ELEMENTWISE["gelu_tanh"] = lambda x, y, out: np.multiply(
    x * np.float32(0.5), 1 + np.tanh(_TANH_K * (x + np.float32(0.044715) * x * x * x)), out=out)
POSITIVE = ("div", "log", "sqrt", "reciprocal", "log1p")   # inputs in [0.5, 1.5), as in torch_kernels


def rand(*shape):
    return (RNG.random(shape, dtype=np.float32) * 2 - 1).astype(np.float32)


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def variants(kernel, s, pass_, pattern):
    if kernel == "gemm":
        m, n, k = s["m"], s["n"], s["k"]
        a = rand(k, m).T if s.get("trans_a") else rand(m, k)
        b = rand(n, k).T if s.get("trans_b") else rand(k, n)
        out = np.empty((m, n), dtype=np.float32)
        return {"matmul": lambda: np.matmul(a, b, out=out)}
    if kernel == "blockdiag":
        return blockdiag(s, pass_)
    if kernel in ("bsr", "csr"):
        return sparse(kernel, s, pass_, pattern)
    if kernel == "elementwise":
        if s["op"] not in ELEMENTWISE:
            raise ValueError("NumPy has no %s here (it needs scipy.special or torch)" % s["op"])
        op = ELEMENTWISE[s["op"]]
        x, y = rand(s["rows"], s["cols"]), rand(s["rows"], s["cols"])
        if s["op"] in POSITIVE:
            x, y = x * 0.5 + 1, y * 0.5 + 1
        out = np.empty_like(x)
        return {s["op"]: lambda: op(x, y, out)}
    if kernel == "softmax":
        x = rand(s["rows"], s["cols"])
        return {"softmax": lambda: softmax(x)}
    raise ValueError("unknown kernel " + kernel)


def blockdiag(s, pass_):
    """Y = X·BD(W)ᵀ with [batch × dim] input and output, as in torch_kernels."""
    n, d, nb = s["batch"], s["dim"], s["blocks"]
    if d % nb:
        raise ValueError("dim must be a multiple of blocks")
    b = d // nb
    x, g, w = rand(n, d), rand(n, d), rand(nb, b, b)
    bd = np.zeros((d, d), dtype=np.float32)
    for i in range(nb):
        bd[i * b:(i + 1) * b, i * b:(i + 1) * b] = w[i]
    xb, gb = x.reshape(n, nb, b), g.reshape(n, nb, b)
    xt, gt = xb.transpose(1, 0, 2), gb.transpose(1, 0, 2)
    if pass_ == "forward":
        return {"dense": lambda: x @ bd.T,
                "matmul": lambda: np.matmul(xt, w.transpose(0, 2, 1)).transpose(1, 0, 2).reshape(n, d),
                "einsum": lambda: np.einsum("nkb,kcb->nkc", xb, w, optimize=True).reshape(n, d)}
    if pass_ == "input-grad":
        return {"dense": lambda: g @ bd,
                "matmul": lambda: np.matmul(gt, w).transpose(1, 0, 2).reshape(n, d),
                "einsum": lambda: np.einsum("nkc,kcb->nkb", gb, w, optimize=True).reshape(n, d)}
    return {"dense": lambda: g.T @ x,
            "matmul": lambda: np.matmul(gt.transpose(0, 2, 1), xt),
            "einsum": lambda: np.einsum("nkc,nkb->kcb", gb, xb, optimize=True)}


def sparse(kernel, s, pass_, pattern):
    """Y = X·Wᵀ, W [rows × cols] sparse: dense formulations always, scipy.sparse ones when scipy
    is there (on transposed dense operands made outside the timing, results left transposed)."""
    br, bc, blk, chosen = pattern(np.random.default_rng(0), s)
    mask = np.zeros(br * bc, dtype=np.float32)
    mask[chosen] = 1
    mask = np.kron(mask.reshape(br, bc), np.ones((blk, blk), dtype=np.float32))
    w = rand(s["rows"], s["cols"]) * mask
    x, g = rand(s["batch"], s["cols"]), rand(s["batch"], s["rows"])
    xt, gt = np.ascontiguousarray(x.T), np.ascontiguousarray(g.T)
    if pass_ == "weight-grad":
        rows_idx, cols_idx = np.divmod(np.asarray(chosen, dtype=np.int64), bc)
        gb, xb = g.reshape(s["batch"], br, blk), x.reshape(s["batch"], bc, blk)
        out = np.empty((s["rows"], s["cols"]), dtype=np.float32)
        return {"dense": lambda: np.multiply(np.matmul(gt, x, out=out), mask, out=out),
                "gather": lambda: np.einsum("nzc,nzb->zcb", gb[:, rows_idx], xb[:, cols_idx], optimize=True)}
    if pass_ == "forward":
        out = np.empty((s["batch"], s["rows"]), dtype=np.float32)
        v = {"dense": lambda: np.matmul(x, w.T, out=out)}
        mat, rhs = w, xt
    else:
        out = np.empty((s["batch"], s["cols"]), dtype=np.float32)
        v = {"dense": lambda: np.matmul(g, w, out=out)}
        mat, rhs = np.ascontiguousarray(w.T), gt
    try:
        import scipy.sparse as sp
    except ImportError:
        return v
    ws = sp.bsr_matrix(mat, blocksize=(blk, blk)) if kernel == "bsr" else sp.csr_matrix(mat)
    v["scipy-" + kernel] = lambda: ws @ rhs
    return v
