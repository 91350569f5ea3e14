"""Activations shared by the models, with an optional probe of the distance to their kinks.

Golden files are computed in float64 and checked in float32 on the Java side: an input within float32
rounding of a kink (relu at 0, clipsin at ±3) could take the other branch there. ``kink_probe()``
records the smallest distance to a kink seen during a forward pass so ``make_goldens.py`` can reject
such a draw.
"""

import contextlib
import math

import torch

_probe = None

CLIPSIN_A = 3.388235  # A·sin(π·3/6) = A, so clipsin is continuous at ±3


@contextlib.contextmanager
def kink_probe():
    """Collects, in the yielded list, ``(smallest |distance to a kink|, largest signed distance)`` of
    each kinked activation call; a positive largest distance means some input lies past the kink
    (relu: positive; clipsin: beyond ±3)."""
    global _probe
    _probe = []
    try:
        yield _probe
    finally:
        _probe = None


def _note(distance):
    if _probe is not None and distance.numel() > 0:
        d = distance.detach()
        _probe.append((d.abs().min().item(), d.max().item()))


def relu(x):
    _note(x)
    return torch.relu(x)


def clipsin(x):
    """``A·sin(πx/6)`` for |x| ≤ 3, ``±A + 0.01·(x ∓ 3)`` beyond (A = 3.388235)."""
    _note(x.abs() - 3.0)
    inside = CLIPSIN_A * torch.sin(x * (math.pi / 6.0))
    s = torch.sign(x)
    outside = s * CLIPSIN_A + 0.01 * (x - 3.0 * s)
    # NOTE: |x| = 3 takes the sine branch; both branches agree there (value A, sides' slopes 0 and 0.01).
    return torch.where(x.abs() <= 3.0, inside, outside)


def by_name(name):
    """The activation called ``name``: relu, silu, tanh or clipsin."""
    table = {"relu": relu, "silu": torch.nn.functional.silu, "tanh": torch.tanh, "clipsin": clipsin}
    if name not in table:
        raise ValueError(f"unknown activation '{name}'; one of {', '.join(table)}")
    return table[name]
