"""The Expressive Leaky Memory neuron (models.md section 2).

```
w_s = relu(ŵ),  κ_s = exp(−Δt/τ_s),  τ_m = τ_min + (τ_max − τ_min)·σ(θ),  κ_m = exp(−Δt/τ_m)
s_t = κ_s·s_{t−1} + w_s ⊙ x̃_t;   b_t = branch sums of s_t;   z_t = [b_t, κ_m ⊙ m_{t−1}]
Δm_t = 1.7159·tanh((2/3)·MLP(z_t));   m_t = κ_m ⊙ m_{t−1} + λ(1 − κ_m) ⊙ Δm_t;   y_t = m_t W_yᵀ + b_y
```
"""

import math

import torch
from torch import nn

from . import activations
from . import config as configs


def tau_logit_init(d_m, tau_min, tau_max):
    """θ = logit((τ₀ − τ_min)/(τ_max − τ_min)), τ₀ log-spaced (base 10) over [τ_min + 1e−6, τ_max − 1e−6]."""
    lo, hi = math.log10(tau_min + 1e-6), math.log10(tau_max - 1e-6)
    tau0 = torch.logspace(lo, hi, d_m, dtype=torch.float64)
    p = (tau0 - tau_min) / (tau_max - tau_min)
    return torch.log(p / (1.0 - p)).float()


class ElmNeuron(nn.Module):
    """ELM neuron; ``route`` (int list of length n_b·s_b, −1 = always zero) enables synapse routing."""

    model_name = "elm"

    def __init__(self, cfg, route=None):
        super().__init__()
        self.cfg = cfg = configs.resolve("elm", cfg)
        d_in, d_m = cfg["input_size"], cfg["num_memory"]
        self.d_syn = cfg["num_branches"] * cfg["synapses_per_branch"]
        self.synapse = nn.Module()
        self.synapse.weight_raw = nn.Parameter(torch.full((self.d_syn,), 0.5))
        if route is not None:
            route = torch.as_tensor(route, dtype=torch.int32)
            if route.shape != (self.d_syn,):
                raise ValueError(f"elm: synapse.route has shape {list(route.shape)}; num_branches·synapses_per_branch "
                                 f"= {self.d_syn} synapses need [{self.d_syn}]")
            bad = ((route < -1) | (route >= d_in)).nonzero()
            if len(bad):   # the first bad entry, not the whole route (megabytes for a long one)
                k = int(bad[0])
                raise ValueError(f"elm: synapse.route element {k} of {self.d_syn} is {int(route[k])}; an entry is an "
                                 f"integer in [−1, {d_in}): the input the synapse reads, or −1 for none")
            self.synapse.register_buffer("route", route)
        elif self.d_syn != d_in:
            raise ValueError(f"elm: num_branches·synapses_per_branch = {self.d_syn} ≠ input_size {d_in} "
                             "needs a synapse.route")
        self.memory = nn.Module()
        theta = tau_logit_init(d_m, cfg["tau_min"], cfg["tau_max"])
        self.memory.tau_logit = nn.Parameter(theta, requires_grad=cfg["learn_tau"])
        widths = [cfg["num_branches"] + d_m] + [cfg["mlp_hidden"]] * cfg["mlp_layers"] + [d_m]
        self.mlp = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.act = activations.by_name(cfg["mlp_activation"])
        self.readout = nn.Linear(d_m, cfg["output_size"])

    def routed(self, x):
        """x̃ ``[B, T, d_syn]``: synapse k reads input route[k], or zero where route[k] = −1."""
        if not hasattr(self.synapse, "route"):
            return x
        padded = torch.cat([x, x.new_zeros(x.shape[:-1] + (1,))], dim=-1)
        index = self.synapse.route.long()
        index = torch.where(index < 0, torch.full_like(index, x.shape[-1]), index)
        return padded[..., index]

    def dendrites(self, z):
        """MLP: ℓ × (Linear → activation), then Linear(d_mlp → d_m)."""
        for layer in self.mlp[:-1]:
            z = self.act(layer(z))
        return self.mlp[-1](z)

    def forward(self, x):
        """``x [B, T, d_in]`` → ``y [B, T, d_out]``."""
        cfg = self.cfg
        if x.dim() != 3 or x.shape[-1] != cfg["input_size"]:
            raise ValueError(f"elm: expected x [B, T, {cfg['input_size']}], got {list(x.shape)}")
        batch, steps, _ = x.shape
        dt = cfg["dt"]
        w_s = activations.relu(self.synapse.weight_raw)
        kappa_s = math.exp(-dt / cfg["tau_syn"])
        tau_m = cfg["tau_min"] + (cfg["tau_max"] - cfg["tau_min"]) * torch.sigmoid(self.memory.tau_logit)
        kappa_m = torch.exp(-dt / tau_m)
        gain = cfg["lambda"] * (1.0 - kappa_m)  # λ(1 − κ_m), may exceed 1 for fast units: not clipped
        drive = w_s * self.routed(x)  # w_s ⊙ x̃_t for all steps
        s = x.new_zeros(batch, self.d_syn)
        m = x.new_zeros(batch, cfg["num_memory"])
        outs = []
        for t in range(steps):
            s = kappa_s * s + drive[:, t]
            b = s.view(batch, cfg["num_branches"], cfg["synapses_per_branch"]).sum(-1)
            decayed = kappa_m * m
            z = torch.cat([b, decayed], dim=-1)
            delta = 1.7159 * torch.tanh((2.0 / 3.0) * self.dendrites(z))
            m = decayed + gain * delta
            outs.append(m)
        return self.readout(torch.stack(outs, dim=1))
