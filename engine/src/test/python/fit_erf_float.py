"""Fits the float32 coefficients of SimdErf (engine/src/main/java/dev/ganglion/engine/simd/SimdErf.java).

erf a = a + a*P(a^2) on 0 <= a < SMALL (P minimax-ish for the relative error of erf),
erfc a = e^{-a^2} * Q(t), t = 1/(1 + K*a), on SMALL <= a <= BIG (Q for the relative error of erfc).
Targets from mpmath at 60 digits; the fit is Lawson-weighted least squares on a dense grid, then the
coefficients are rounded to float32 and the error is re-measured in double with those coefficients.
Run: python3 engine/src/test/python/fit_erf_float.py (about 15 s). SimdErf uses the 'small deg 5' and
'big deg 11' rows it prints (P0..P5, Q0..Q11, lowest power first).
"""
import numpy as np
import mpmath as mp

mp.mp.dps = 60
SMALL, BIG, K = 0.625, 10.0, 0.5


def lawson(xs, target, basis, iters=200):
    w = np.ones_like(xs)
    a = basis(xs)
    for _ in range(iters):
        sw = np.sqrt(w)
        c, *_ = np.linalg.lstsq(a * sw[:, None], target * sw, rcond=None)
        err = np.abs(a @ c - target)
        w = w * err
        w /= w.sum()
    return c


def fit_small(deg):
    a = np.linspace(1e-4, SMALL, 4000)
    s = a * a
    erf = np.array([float(mp.erf(mp.mpf(v))) for v in a])
    target = erf / a - 1            # P(s); relative error of erf = abs error of P / (1 + P)
    scale = erf / a
    c = lawson(s, target / scale, lambda z: np.vander(z, deg + 1, increasing=True) / scale[:, None])
    c32 = c.astype(np.float32).astype(np.float64)
    p = np.polyval(c32[::-1], s)
    return c32, np.max(np.abs((a + a * p) / erf - 1))


def fit_big(deg):
    a = np.linspace(SMALL, BIG, 6000)
    t = 1 / (1 + K * a)
    g = np.array([float(mp.erfc(mp.mpf(v)) * mp.exp(mp.mpf(v) ** 2)) for v in a])
    c = lawson(t, np.ones_like(t), lambda z: np.vander(z, deg + 1, increasing=True) / g[:, None])
    c32 = c.astype(np.float32).astype(np.float64)
    q = np.polyval(c32[::-1], t)
    return c32, np.max(np.abs(q / g - 1))


if __name__ == "__main__":
    import sys
    for deg in range(5, 9):
        c, e = fit_small(deg)
        print("small deg", deg, "max rel", e, [float(v).hex() for v in c])
    for deg in range(8, 15):
        c, e = fit_big(deg)
        print("big deg", deg, "max rel", e, [float(v).hex() for v in c])
