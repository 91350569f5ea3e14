#!/usr/bin/python3
"""Prints the PyTorch 1.13 values pasted into LayerNormTorchTest (F.layer_norm's values and its
gradients for x, weight and bias) and LayerNormLayerTest (an nn.LayerNorm's state names, state and
output): /usr/bin/python3 layer_norm_values.py

Inputs are exact in both languages: x[k] = ((37k + 11) mod 101)/101*8 - 4 over the flat index k
(the offset cases: 1e4 + ((37k + 11) mod 101)/101*0.1), weight[i] = ((5i + 2) mod 7)/4 - 0.5,
bias[i] = ((3i + 1) mod 5)/5 - 0.4, the seed gradient g[k] = ((11k + 3) mod 13)/6 - 1; float32
cases round these doubles to float32, as Java's (float) cast does."""
import torch

from java_literals import arr

F = torch.nn.functional


def ramp(shape, scale=8.0, offset=-4.0, dtype=torch.float64):
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([((37 * k + 11) % 101) / 101 * scale + offset for k in range(n)], dtype=dtype).reshape(shape)


def weight(shape, dtype):
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([((5 * i + 2) % 7) / 4 - 0.5 for i in range(n)], dtype=dtype).reshape(shape)


def bias(shape, dtype):
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([((3 * i + 1) % 5) / 5 - 0.4 for i in range(n)], dtype=dtype).reshape(shape)


def seed(shape, dtype):
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([((11 * k + 3) % 13) / 6 - 1 for k in range(n)], dtype=dtype).reshape(shape)


def case(name, x, norm, affine=(True, True), eps=1e-5, reference_dtype=None):
    """Values and gradients of layer_norm(x); in reference_dtype (float64) when given, on the values of x, the weight,
    the bias and the seed in x's dtype."""
    given, dtype = x.dtype, reference_dtype or x.dtype
    x = x.to(dtype).detach().requires_grad_(True)
    w = weight(norm, given).to(dtype).requires_grad_(True) if affine[0] else None
    b = bias(norm, given).to(dtype).requires_grad_(True) if affine[1] else None
    y = F.layer_norm(x, norm, w, b, eps)
    y.backward(seed(x.shape, given).to(dtype))
    print(f"// {name}: x {list(x.shape)} over {norm}, weight {affine[0]}, bias {affine[1]}, eps {eps}, {dtype}")
    print(arr(y.detach().reshape(-1).tolist(), "y "))
    print(arr(x.grad.reshape(-1).tolist(), "dx "))
    if w is not None:
        print(arr(w.grad.reshape(-1).tolist(), "dweight "))
    if b is not None:
        print(arr(b.grad.reshape(-1).tolist(), "dbias "))


f64, f32 = torch.float64, torch.float32
case("rank 1", ramp([2, 3, 5]), [5])
case("rank 2, no weight or bias", ramp([2, 3, 5]), [3, 5], affine=(False, False))
case("rank 3, eps 1e-3", ramp([2, 2, 2, 3]), [2, 2, 3], eps=1e-3)
case("weight only", ramp([3, 4]), [4], affine=(True, False))
case("bias only", ramp([3, 4]), [4], affine=(False, True))
equal = ramp([3, 4])
equal[1] = 2.5
equal[2] = -7.0
case("rows 1 and 2 of equal values", equal, [4])
case("float32 rank 1", ramp([2, 3, 5], dtype=f32), [5])
case("float32 rank 2, no weight or bias", ramp([2, 3, 5], dtype=f32), [3, 5], affine=(False, False))
case("offset 1e4, float64", ramp([2, 16], scale=0.1, offset=1e4), [16])
case("offset 1e4 rounded to float32, computed in float64", ramp([2, 16], scale=0.1, offset=1e4, dtype=f32), [16],
     reference_dtype=f64)
x32 = ramp([2, 16], scale=0.1, offset=1e4, dtype=f32)
err = (F.layer_norm(x32, [16]).double() - F.layer_norm(x32.double(), [16])).abs().max().item()
print(f"// PyTorch's own float32 layer_norm of that input is off by up to {err}")

m = torch.nn.LayerNorm([3, 4], dtype=f64)
with torch.no_grad():
    m.weight.copy_(weight([3, 4], f64))
    m.bias.copy_(bias([3, 4], f64))
print("// nn.LayerNorm([3, 4]) state", list(m.state_dict().keys()), "eps", m.eps,
      "and with elementwise_affine=False", list(torch.nn.LayerNorm([3, 4], elementwise_affine=False).state_dict().keys()))
for name, t in m.state_dict().items():
    print(arr(t.reshape(-1).tolist(), "state " + name + " "))
print(arr(m(ramp([2, 3, 4])).detach().reshape(-1).tolist(), "module y "))
