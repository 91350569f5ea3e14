"""Second, deliberately plain implementations of the models (numpy float64, loops per sample, CMU and
neuron) written from models.md alone, for ``selfcheck.py`` to compare with the torch modules.

Each takes a state dict of numpy arrays (checkpoint names), the config dict and the input.
"""

import math

import numpy as np

CLIPSIN_A = 3.388235


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def clipsin(v):
    out = np.empty_like(v)
    for i, a in np.ndenumerate(v):
        if abs(a) <= 3.0:
            out[i] = CLIPSIN_A * math.sin(math.pi * a / 6.0)
        elif a > 3.0:
            out[i] = CLIPSIN_A + 0.01 * (a - 3.0)
        else:
            out[i] = -CLIPSIN_A + 0.01 * (a + 3.0)
    return out


ACTS = {"relu": lambda v: np.maximum(v, 0.0), "silu": lambda v: v * sigmoid(v), "tanh": np.tanh,
        "clipsin": clipsin}


def sublstm(st, cfg, x):
    """x [B, T, I] → y [B, T, C]."""
    h_size, variant = cfg["hidden_size"], cfg["variant"]
    batch, steps, _ = x.shape
    y = np.zeros((batch, steps, cfg["output_size"]))
    for b in range(batch):
        seq = [x[b, t] for t in range(steps)]
        for l in range(cfg["num_layers"]):
            w_ih, w_hh = st[f"rnn.weight_ih_l{l}"], st[f"rnn.weight_hh_l{l}"]
            bias = st[f"rnn.bias_ih_l{l}"] + st[f"rnn.bias_hh_l{l}"]
            h, c, outs = np.zeros(h_size), np.zeros(h_size), []
            for xt in seq:
                pre = w_ih @ xt + w_hh @ h + bias
                g = [pre[k * h_size:(k + 1) * h_size] for k in range(len(pre) // h_size)]
                if variant == "lstm":
                    i, f, z, o = sigmoid(g[0]), sigmoid(g[1]), np.tanh(g[2]), sigmoid(g[3])
                    c = f * c + i * z
                    h = o * np.tanh(c)
                else:
                    if variant == "sublstm":
                        i, f, z, o = (sigmoid(v) for v in g)
                    else:
                        i, z, o = (sigmoid(v) for v in g)
                        f = sigmoid(st[f"rnn.forget_logit_l{l}"])
                    c = f * c + z - i
                    h = sigmoid(c) - o
                outs.append(h)
            seq = outs
        for t, ht in enumerate(seq):
            y[b, t] = st["head.weight"] @ ht + st["head.bias"]
    return y


def elm(st, cfg, x):
    """x [B, T, d_in] → y [B, T, d_out]."""
    d_in, d_m = cfg["input_size"], cfg["num_memory"]
    n_b, s_b = cfg["num_branches"], cfg["synapses_per_branch"]
    route = st.get("synapse.route", np.arange(d_in))
    w = np.maximum(st["synapse.weight_raw"], 0.0)
    k_s = math.exp(-cfg["dt"] / cfg["tau_syn"])
    tau_m = cfg["tau_min"] + (cfg["tau_max"] - cfg["tau_min"]) * sigmoid(st["memory.tau_logit"])
    k_m = np.exp(-cfg["dt"] / tau_m)
    act = ACTS[cfg["mlp_activation"]]
    layers = cfg["mlp_layers"]
    batch, steps, _ = x.shape
    y = np.zeros((batch, steps, cfg["output_size"]))
    for b in range(batch):
        s, m = np.zeros(n_b * s_b), np.zeros(d_m)
        for t in range(steps):
            for k in range(n_b * s_b):
                x_k = x[b, t, route[k]] if route[k] >= 0 else 0.0
                s[k] = k_s * s[k] + w[k] * x_k
            branches = np.array([s[i * s_b:(i + 1) * s_b].sum() for i in range(n_b)])
            h = np.concatenate([branches, k_m * m])
            for j in range(layers):
                h = act(st[f"mlp.{j}.weight"] @ h + st[f"mlp.{j}.bias"])
            h = st[f"mlp.{layers}.weight"] @ h + st[f"mlp.{layers}.bias"]
            m = k_m * m + cfg["lambda"] * (1.0 - k_m) * 1.7159 * np.tanh(2.0 / 3.0 * h)
            y[b, t] = st["readout.weight"] @ m + st["readout.bias"]
    return y


def feed_forward(st, cfg, x, masked):
    """g2gnet (masked) or mlp: x [B, d_in] → y [B, C]."""
    act = ACTS[cfg["activation"]]
    out = []
    for xb in x:
        h = xb
        for l in range(cfg["num_layers"]):
            w = st[f"layers.{l}.weight"] * (st[f"layers.{l}.mask"] if masked else 1.0)
            h = act(w @ h + st[f"layers.{l}.bias"])
        out.append(st["head.weight"] @ h + st["head.bias"])
    return np.array(out)


def _cmu_term(st, cfg, xc, c):
    """Lin + Prod + Att + b of CMU c on its state xc [N]."""
    n = cfg["neurons"]
    tot = st["cmu.bias"][c].copy()
    if cfg["use_linear"]:
        tot += st["cmu.linear"][c] @ xc
    if cfg["use_product"]:
        tot += xc * (st["cmu.product"][c] @ xc)
    if cfg["use_attention"]:
        q, k, v = st["cmu.query"][c], st["cmu.key"][c], st["cmu.value"][c]
        for i in range(n):
            scores = np.array([q[i] * xc[i] * k[j] * xc[j] / math.sqrt(n) for j in range(n)])
            a = np.exp(scores - scores.max())
            a /= a.sum()
            tot[i] += sum(a[j] * v[j] * xc[j] for j in range(n))
    return tot


def circuitnet(st, cfg, x):
    """x [B, d_in] → y [B, d_out]."""
    units, n, p = cfg["units"], cfg["neurons"], cfg["ports"]
    act = ACTS[cfg["activation"]]
    out = []
    for xb in x:
        drive = (st["encoder.weight"] @ xb + st["encoder.bias"]).reshape(units, p)
        state = np.zeros((units, n))
        for _ in range(cfg["iterations"]):
            new = np.array([_cmu_term(st, cfg, state[c], c) for c in range(units)])
            new[:, :p] += drive
            if cfg["use_inter"]:
                for e, (src, dst) in enumerate(st["ports.edges"]):
                    new[dst, :p] += st["ports.weight"][e] @ state[src, n - p:]
            state = act(new)
        out.append(st["head.weight"] @ state[:, n - p:].reshape(-1) + st["head.bias"])
    return np.array(out)
