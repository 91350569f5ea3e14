#!/usr/bin/python3
"""Writes engine/src/test/resources/torch/erf.txt for ErfTest, one line per float64 x:
  x, torch.erf(x), torch.erfc(x)  (PyTorch 1.13, CPU, float64),
  erf(x), erfc(x) to 30 digits    (mpmath at 50 digits: the exact values the ulp errors are measured against),
  torch.erf(x as float32, computed in float64) rounded to float32  (the correctly rounded float32 result).
Doubles are written as Python's repr, which reads back to the same double. Run from this folder:
/usr/bin/python3 erf_values.py"""
import math
import os

import mpmath
import torch

mpmath.mp.dps = 50

tiny = [0.0, -0.0, 5e-324, -5e-324, 1e-320, 1.0438238658944574e-308, 2.2250738585072014e-308,
        1e-300, -1e-300, 1e-200, 2.3283064365386963e-10, 1e-8, -1e-8, 1e-5]
named = [0.1, 0.25, 0.4375, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 5.9, 5.921587195794507, 6.0,
         6.0625, 6.5, 8.0, 10.0, 20.0, 26.5, 27.0, 27.2, 27.3, 30.0, 1e10, 1e300,
         math.inf, -math.inf, math.nan]
# the edges of the branches: 2^-32, 7/16, the centers' halfway points, 6 + 1/16, each with its neighbours
edges = [2.0 ** -32, 0.4375, 0.5625, 3.0625, 6.0625]
edges = [v for e in edges for v in (math.nextafter(e, 0), e, math.nextafter(e, math.inf))]
spread = torch.linspace(-7, 7, 401, dtype=torch.float64).tolist()
gen = torch.Generator().manual_seed(0)
wide = (torch.rand(100, generator=gen, dtype=torch.float64) * 60 - 30).tolist()
xs = tiny + named + [-v for v in named if math.isfinite(v)] + edges + [-v for v in edges] + spread + wide
x = torch.tensor(xs, dtype=torch.float64)


def text(v):
    return {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}.get(repr(v), repr(v))


out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "torch", "erf.txt")
with open(out, "w") as f:
    f.write(f"# x, torch.erf(x), torch.erfc(x) (torch {torch.__version__}, float64), mpmath erf(x), erfc(x),"
            " float32 erf of float32(x): src/test/python/erf_values.py\n")
    x32 = torch.erf(x.float().double()).float().double()
    for a, e, c, f32 in zip(x.tolist(), torch.erf(x).tolist(), torch.erfc(x).tolist(), x32.tolist()):
        # beyond 100 erf is ±1 and erfc 0 or 2 exactly, as torch gives; NaN stays NaN
        exact = [mpmath.nstr(fn(mpmath.mpf(a)), 30, strip_zeros=False) if abs(a) < 100 else text(v)
                 for fn, v in ((mpmath.erf, e), (mpmath.erfc, c))]
        f.write(f"{text(a)} {text(e)} {text(c)} {exact[0]} {exact[1]} {text(f32)}\n")
print(len(xs), "values to", os.path.normpath(out))
