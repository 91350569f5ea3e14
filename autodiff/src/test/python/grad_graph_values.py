#!/usr/bin/python3
"""Prints the PyTorch 1.13 values pasted into GradGraphTorchTest (second and third derivatives taken
with torch.autograd.grad(..., create_graph=True)) and DerivativesTest (torch.autograd.functional's
hessian and jvp): /usr/bin/python3 grad_graph_values.py

All in float64. Inputs are exact in both languages: ramp(n, a, b)[k] = ((a·k + b) mod 17)/17 - 0.5
over the flat index k, scaled where noted; targets [2, 0, 1, 2]."""
import torch

from java_literals import arr

F = torch.nn.functional


def ramp(shape, a, b, scale=1.0):
    n = 1
    for d in shape:
        n *= d
    vals = [(((a * k + b) % 17) / 17 - 0.5) * scale for k in range(n)]
    return torch.tensor(vals, dtype=torch.float64).reshape(shape)


def mlp_params():
    w1 = ramp((5, 3), 5, 2, 2.0).requires_grad_(True)
    b1 = ramp((5,), 3, 1).requires_grad_(True)
    g1 = (ramp((5,), 7, 4) + 1).requires_grad_(True)
    w2 = ramp((3, 5), 11, 6, 2.0).requires_grad_(True)
    return w1, b1, g1, w2


def mlp_loss(x, w1, b1, g1, w2):
    """linear, layer norm with a weight, gelu (tanh form), softplus, linear, cross-entropy."""
    h = F.linear(x, w1, b1)
    h = F.layer_norm(h, (5,), g1, None, 1e-5)
    h = F.softplus(F.gelu(h, approximate="tanh"))
    z = h @ w2.t()
    return F.cross_entropy(z, torch.tensor([2, 0, 1, 2]))


def hessian_vector_product():
    x = ramp((4, 3), 3, 5, 3.0)
    params = mlp_params()
    loss = mlp_loss(x, *params)
    grads = torch.autograd.grad(loss, params, create_graph=True)
    vs = [ramp(p.shape, 13, 2 + i) for i, p in enumerate(params)]
    dot = sum((g * v).sum() for g, v in zip(grads, vs))
    hv = torch.autograd.grad(dot, params)
    print("        // loss " + repr(loss.item()))
    for name, h in zip(("w1", "b1", "g1", "w2"), hv):
        print(arr(h.flatten().tolist(), "        double[] hv" + name.upper() + " = ", " " * 16) + ";")


def input_gradient_penalty():
    """loss + ‖∂loss/∂x‖², differentiated w.r.t. the parameters (input-gradient regularisation)."""
    x = ramp((4, 3), 3, 5, 3.0).requires_grad_(True)
    params = mlp_params()
    loss = mlp_loss(x, *params)
    (gx,) = torch.autograd.grad(loss, x, create_graph=True)
    total = loss + (gx * gx).sum()
    d = torch.autograd.grad(total, params)
    print("        // penalised loss " + repr(total.item()))
    for name, h in zip(("w1", "b1", "g1", "w2"), d):
        print(arr(h.flatten().tolist(), "        double[] pen" + name.upper() + " = ", " " * 16) + ";")


def third_derivative():
    """d³/dx³ of Σ sin(x)·exp(x)/(1 + x²) at x = ramp(6)·4, elementwise (the function is separable)."""
    x = ramp((6,), 5, 3, 4.0).requires_grad_(True)
    y = (torch.sin(x) * torch.exp(x) / (1 + x * x)).sum()
    (d1,) = torch.autograd.grad(y, x, create_graph=True)
    (d2,) = torch.autograd.grad(d1.sum(), x, create_graph=True)
    (d3,) = torch.autograd.grad(d2.sum(), x)
    print(arr(d3.tolist(), "        double[] third = ", " " * 16) + ";")


def functional():
    """hessian of f(x) = logsumexp(x·[1, 2, 3, 4]) + Σ sin(x)·x, and jvp of softmax(x)·x² along t,
    at x = ramp(4)·2 and t = ramp(4, 7, 1)."""
    x = ramp((4,), 5, 3, 2.0)
    t = ramp((4,), 7, 1)
    c = torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64)
    hess = torch.autograd.functional.hessian(lambda v: torch.logsumexp(v * c, 0) + (torch.sin(v) * v).sum(), x)
    print(arr(hess.flatten().tolist(), "        double[] hessian = ", " " * 16) + ";")
    _, jv = torch.autograd.functional.jvp(lambda v: torch.softmax(v, 0) * v * v, x, t)
    print(arr(jv.tolist(), "        double[] jvp = ", " " * 16) + ";")


if __name__ == "__main__":
    torch.set_printoptions(precision=17)
    hessian_vector_product()
    input_gradient_penalty()
    third_derivative()
    functional()
