"""subLSTM, fix-subLSTM and the LSTM baseline (models.md section 1).

Pre-activation ``x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh``, gates (i, f, z, o), or (i, z, o) for
fix-subLSTM with ``f = σ(φ)``. Zero initial state; output is the readout at every step ``[B, T, C]``.
"""

import math

import torch
from torch import nn

from . import config as configs


class SubLstmNet(nn.Module):
    """``L`` stacked lstm / sublstm / fix-sublstm layers and a linear readout at every step."""

    model_name = "sublstm"

    def __init__(self, cfg):
        super().__init__()
        self.cfg = configs.resolve(cfg["variant"], cfg)
        self.model_name = self.cfg["variant"]
        i_size, h = self.cfg["input_size"], self.cfg["hidden_size"]
        self.fixed = self.model_name == "fix-sublstm"
        gates = 3 if self.fixed else 4
        self.rnn = nn.Module()
        bound = 1.0 / math.sqrt(h)
        for l in range(self.cfg["num_layers"]):
            i_l = i_size if l == 0 else h
            self._param(f"weight_ih_l{l}", (gates * h, i_l), -bound, bound)
            self._param(f"weight_hh_l{l}", (gates * h, h), -bound, bound)
            self._param(f"bias_ih_l{l}", (gates * h,), -bound, bound)
            self._param(f"bias_hh_l{l}", (gates * h,), -bound, bound)
            if self.fixed:
                # φ ~ U(1, 3): f = σ(φ) ≈ 0.73–0.95 (models.md choice)
                self._param(f"forget_logit_l{l}", (h,), 1.0, 3.0)
        self.head = nn.Linear(h, self.cfg["output_size"])

    def _param(self, name, shape, lo, hi):
        self.rnn.register_parameter(name, nn.Parameter(torch.empty(shape).uniform_(lo, hi)))

    def _cell(self, l, pre, c):
        """One step of layer ``l`` from its pre-activation; returns ``(h_t, c_t)``."""
        if self.model_name == "lstm":
            i, f, z, o = pre.chunk(4, dim=-1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(z)
            return torch.sigmoid(o) * torch.tanh(c), c
        if self.fixed:
            i, z, o = torch.sigmoid(pre).chunk(3, dim=-1)
            f = torch.sigmoid(getattr(self.rnn, f"forget_logit_l{l}"))
        else:
            i, f, z, o = torch.sigmoid(pre).chunk(4, dim=-1)
        c = f * c + z - i
        return torch.sigmoid(c) - o, c

    def forward(self, x):
        """``x [B, T, I]`` → ``y [B, T, C]``."""
        if x.dim() != 3 or x.shape[-1] != self.cfg["input_size"]:
            raise ValueError(f"{self.model_name}: expected x [B, T, {self.cfg['input_size']}], got {list(x.shape)}")
        batch, steps, _ = x.shape
        h_size = self.cfg["hidden_size"]
        seq = x
        for l in range(self.cfg["num_layers"]):
            w_ih = getattr(self.rnn, f"weight_ih_l{l}")
            w_hh = getattr(self.rnn, f"weight_hh_l{l}")
            b = getattr(self.rnn, f"bias_ih_l{l}") + getattr(self.rnn, f"bias_hh_l{l}")
            inputs = seq @ w_ih.t()  # all steps at once: x_t W_ihᵀ
            h = x.new_zeros(batch, h_size)
            c = x.new_zeros(batch, h_size)
            outs = []
            for t in range(steps):
                h, c = self._cell(l, inputs[:, t] + b + h @ w_hh.t(), c)
                outs.append(h)
            seq = torch.stack(outs, dim=1)
        return self.head(seq)
