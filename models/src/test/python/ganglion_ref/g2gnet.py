"""G2GNet (ensemble-to-ensemble sparse layers, models.md section 3) and the dense ``mlp`` baseline.

Sparse layer ``y = x (W ⊙ M)ᵀ + b``; here a masked dense product (the reference, not Ganglion's
execution). ``layers.{l}.in_perm`` / ``out_perm`` are the stable argsort of the input / output
grouping: permuted by them, a layer's intra-group connections form contiguous diagonal blocks.
"""

import math

import torch
from torch import nn

from . import activations
from . import config as configs


def grouping(kind, n, groups, generator):
    """Group of each of ``n`` units: index ⌊j·G/n⌋, interleaved j mod G, random (balanced)."""
    j = torch.arange(n)
    if kind == "index":
        return j * groups // n
    if kind == "interleaved":
        return j % groups
    if kind == "random":
        # a seeded permutation π; unit π[k] joins group ⌊k·G/n⌋ (the index sizes, shuffled)
        perm = torch.randperm(n, generator=generator)
        g = torch.empty(n, dtype=torch.long)
        g[perm] = j * groups // n
        return g
    raise ValueError(f"unknown grouping '{kind}'")


def layer_grouping(kind, layer):
    """The grouping of sparse layer ``layer``: mixer alternates index (even) and interleaved (odd)."""
    if kind == "mixer":
        return "index" if layer % 2 == 0 else "interleaved"
    return kind


def make_mask(g_out, g_in, p_intra, p_inter, generator):
    """``M_ij = [r_ij < p_intra]`` where g_out(i) = g_in(j), else ``[r_ij < p_inter]``, r ~ U[0, 1)."""
    r = torch.rand(len(g_out), len(g_in), generator=generator, dtype=torch.float64)
    same = g_out[:, None] == g_in[None, :]
    return torch.where(same, r < p_intra, r < p_inter).to(torch.uint8)


class SparseLayer(nn.Module):
    """``y = x (W ⊙ M)ᵀ + b`` with a uint8 mask and the grouping permutations as buffers."""

    def __init__(self, n_in, n_out, mask, in_perm, out_perm):
        super().__init__()
        m = mask.to(torch.float32)
        w = torch.empty(n_out, n_in).uniform_(-1.0 / math.sqrt(n_in), 1.0 / math.sqrt(n_in)) * m
        fan = m.sum(dim=1)
        # each row's active weights scaled by √(n_in / active_fan_in(row)); empty rows stay zero
        w = w * torch.where(fan > 0, torch.sqrt(n_in / fan.clamp(min=1.0)), torch.zeros_like(fan))[:, None]
        mean_fan = fan.mean().item()
        bound = 1.0 / math.sqrt(mean_fan) if mean_fan > 0 else 0.0  # no connections: zero biases
        self.weight = nn.Parameter(w)
        self.bias = nn.Parameter(torch.empty(n_out).uniform_(-bound, bound))
        self.register_buffer("mask", mask.to(torch.uint8))
        self.register_buffer("in_perm", in_perm.to(torch.int32))
        self.register_buffer("out_perm", out_perm.to(torch.int32))

    def forward(self, x):
        return x @ (self.weight * self.mask.to(self.weight.dtype)).t() + self.bias


class G2GNet(nn.Module):
    """``d_in → S(H) → act → … (num_layers sparse layers) → Linear(H → C)``."""

    model_name = "g2gnet"

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg = configs.resolve("g2gnet", cfg)
        gen = torch.Generator().manual_seed(cfg["seed"])
        widths = [cfg["input_size"]] + [cfg["hidden_size"]] * cfg["num_layers"]
        layers = []
        for l, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
            kind = layer_grouping(cfg["grouping"], l)
            g_in = grouping(kind, n_in, cfg["groups"], gen)
            g_out = grouping(kind, n_out, cfg["groups"], gen)
            mask = make_mask(g_out, g_in, cfg["p_intra"], cfg["p_inter"], gen)
            layers.append(SparseLayer(n_in, n_out, mask, torch.argsort(g_in, stable=True),
                                      torch.argsort(g_out, stable=True)))
        self.layers = nn.ModuleList(layers)
        self.act = activations.by_name(cfg["activation"])
        self.head = nn.Linear(widths[-1], cfg["output_size"])

    def forward(self, x):
        """``x [B, d_in]`` → ``y [B, C]``."""
        if x.dim() != 2 or x.shape[-1] != self.cfg["input_size"]:
            raise ValueError(f"g2gnet: expected x [B, {self.cfg['input_size']}], got {list(x.shape)}")
        for layer in self.layers:
            x = self.act(layer(x))
        return self.head(x)


class Mlp(nn.Module):
    """The dense baseline: ``num_layers`` Linear → act layers of width H, then Linear(H → C)."""

    model_name = "mlp"

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg = configs.resolve("mlp", cfg)
        widths = [cfg["input_size"]] + [cfg["hidden_size"]] * cfg["num_layers"]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.act = activations.by_name(cfg["activation"])
        self.head = nn.Linear(widths[-1], cfg["output_size"])

    def forward(self, x):
        """``x [B, d_in]`` → ``y [B, C]``."""
        if x.dim() != 2 or x.shape[-1] != self.cfg["input_size"]:
            raise ValueError(f"mlp: expected x [B, {self.cfg['input_size']}], got {list(x.shape)}")
        for layer in self.layers:
            x = self.act(layer(x))
        return self.head(x)
