"""CircuitNet: circuit motif units, locally dense and globally sparse (models.md section 4).

```
U = x W_encᵀ + b_enc → [B, C, p];  X⁰ = 0;  for t = 1..K:
  X = act(Lin + Prod + Att + Inter + Drive + b_c)
y = concat_c X[:, c, out-ports] W_headᵀ + b_head
```
Batched einsum over CMUs. Switches ``use_linear``, ``use_product``, ``use_attention``, ``use_inter``
drop a transmission term (and its parameters) for ablations; Drive and ``b_c`` are always present.
"""

import math

import torch
from torch import nn

from . import activations
from . import config as configs


def make_edges(units, in_degree, generator):
    """``[E, 2]`` int32 rows (source, target): each target c takes ``in_degree`` distinct sources ≠ c,
    drawn by a seeded permutation of the other CMUs; rows ordered by target, then source."""
    rows = []
    for c in range(units):
        others = torch.tensor([s for s in range(units) if s != c], dtype=torch.long)
        picked = others[torch.randperm(units - 1, generator=generator)[:in_degree]]
        rows.extend((int(s), c) for s in sorted(picked.tolist()))
    return torch.tensor(rows, dtype=torch.int32).reshape(-1, 2)


def _uniform(shape, bound, scale=1.0):
    return nn.Parameter(scale * torch.empty(shape).uniform_(-bound, bound))


class CircuitNet(nn.Module):
    """C CMUs of N neurons (in-ports first p, out-ports last p), K iterations, dense head."""

    model_name = "circuitnet"

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg = configs.resolve("circuitnet", cfg)
        c, n, p, k = cfg["units"], cfg["neurons"], cfg["ports"], cfg["in_degree"]
        self.encoder = nn.Linear(cfg["input_size"], c * p)
        self.cmu = nn.Module()
        inv = 1.0 / math.sqrt(n)
        if cfg["use_linear"]:
            self.cmu.linear = _uniform((c, n, n), inv)
        if cfg["use_product"]:
            self.cmu.product = _uniform((c, n, n), inv, 0.1)
        if cfg["use_attention"]:
            self.cmu.query = _uniform((c, n), 1.0)
            self.cmu.key = _uniform((c, n), 1.0)
            self.cmu.value = _uniform((c, n), 1.0, 0.1)
        self.cmu.bias = nn.Parameter(torch.zeros(c, n))
        if cfg["use_inter"]:
            edges = make_edges(c, k, torch.Generator().manual_seed(cfg["seed"]))
            self.ports = nn.Module()
            self.ports.weight = _uniform((len(edges), p, p), 1.0 / math.sqrt(k * p))
            self.ports.register_buffer("edges", edges)
        self.act = activations.by_name(cfg["activation"])
        self.head = nn.Linear(c * p, cfg["output_size"])

    def attention(self, x):
        """``Att_i = Σ_j a_ij (v_j x_j)``, ``a_i· = softmax_j((q_i x_i)(k_j x_j)/√N)`` per sample and CMU."""
        qx, kx, vx = self.cmu.query * x, self.cmu.key * x, self.cmu.value * x
        scores = qx.unsqueeze(-1) * kx.unsqueeze(-2) / math.sqrt(self.cfg["neurons"])  # [B, C, N, N]
        return torch.einsum("bcij,bcj->bci", torch.softmax(scores, dim=-1), vx)

    def inter(self, x):
        """``Inter[:, c, in-ports] = Σ_{e=(s→c)} X[:, s, out-ports] M_eᵀ`` → ``[B, C, p]``."""
        p = self.cfg["ports"]
        edges = self.ports.edges.long()
        src = x[:, edges[:, 0], x.shape[-1] - p:]  # [B, E, p]
        msg = torch.einsum("eij,bej->bei", self.ports.weight, src)
        return x.new_zeros(x.shape[0], self.cfg["units"], p).index_add(1, edges[:, 1], msg)

    def step(self, x, drive):
        """One iteration: ``act(Lin + Prod + Att + Inter + Drive + b_c)``."""
        cfg = self.cfg
        total = self.cmu.bias.expand_as(x)
        if cfg["use_linear"]:
            total = total + torch.einsum("cij,bcj->bci", self.cmu.linear, x)
        if cfg["use_product"]:
            total = total + x * torch.einsum("cij,bcj->bci", self.cmu.product, x)
        if cfg["use_attention"]:
            total = total + self.attention(x)
        in_ports = drive  # persistent input current into the in-ports (models.md choice)
        if cfg["use_inter"]:
            in_ports = in_ports + self.inter(x)
        total = total + nn.functional.pad(in_ports, (0, cfg["neurons"] - cfg["ports"]))
        return self.act(total)

    def forward(self, x):
        """``x [B, d_in]`` → ``y [B, d_out]``."""
        cfg = self.cfg
        if x.dim() != 2 or x.shape[-1] != cfg["input_size"]:
            raise ValueError(f"circuitnet: expected x [B, {cfg['input_size']}], got {list(x.shape)}")
        batch, c, n, p = x.shape[0], cfg["units"], cfg["neurons"], cfg["ports"]
        drive = self.encoder(x).view(batch, c, p)
        state = x.new_zeros(batch, c, n)
        for _ in range(cfg["iterations"]):
            state = self.step(state, drive)
        return self.head(state[:, :, n - p:].reshape(batch, c * p))
