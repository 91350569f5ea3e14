#!/usr/bin/python3
"""Writes the golden files the Java model tests read: models/src/test/resources/golden/CASE.safetensors.

Each file holds the model's parameters and buffers under their checkpoint names, the input ``x``, the
output cotangent ``grad_output``, the forward output ``y``, and ``grad.x`` / ``grad.NAME`` (every
trainable parameter): the gradients of ``sum(y ⊙ grad_output)``. Parameters, ``x`` and ``grad_output``
are drawn in float32; everything is then computed in float64 and the results rounded to float32, so
each golden is the exact answer for the stored inputs within float32 rounding.

Usage: /usr/bin/python3 make_goldens.py [--out DIR] [--only CASE ...]
"""

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ganglion_ref import activations, config as configs, models, safetensors_io  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "golden"))
KINK_MARGIN = 1e-3  # reject draws with a relu / clipsin input closer than this to its kink


# ------------------------------------------------------------------ golden-only parameter changes
# The init of models.md leaves some parameters constant (ŵ = 0.5, b_c = 0); goldens randomise them
# so that a mixed-up index cannot pass. Tests must load every value from the file.

def elm_random_synapses(dead=()):
    def tweak(net, gen):
        w = torch.rand(net.synapse.weight_raw.shape, generator=gen) * 0.8 + 0.2  # ŵ ∈ [0.2, 1.0)
        for k in dead:
            w[k] = -0.4  # relu(ŵ) = 0: a dead synapse, zero gradient
        theta = net.memory.tau_logit + (torch.rand(net.memory.tau_logit.shape, generator=gen) - 0.5)
        with torch.no_grad():
            net.synapse.weight_raw.copy_(w)
            net.memory.tau_logit.copy_(theta)
    return tweak


def g2g_holes(net, gen):
    """Prunes ~30 % of each layer's intra-group connections and leaves stale non-zero weights where
    the mask is 0: the mask is authoritative, those values must not contribute."""
    with torch.no_grad():
        for layer in net.layers:
            mask = layer.mask.clone()
            active = mask.bool()
            holes = active & (torch.rand(mask.shape, generator=gen) < 0.3)
            mask[holes] = 0
            stale = torch.rand(mask.shape, generator=gen) * 2.0 - 1.0
            layer.weight.copy_(torch.where(mask.bool(), layer.weight, stale))
            layer.mask.copy_(mask)


def circuit_random_bias(net, gen):
    with torch.no_grad():
        net.cmu.bias.copy_(torch.rand(net.cmu.bias.shape, generator=gen) - 0.5)


# ------------------------------------------------------------------ cases
def case(name, model, config, batch, steps=None, seed=1, tweak=None, route=None, x_scale=1.0, note=""):
    return dict(name=name, model=model, config=config, batch=batch, steps=steps, seed=seed,
                tweak=tweak, route=route, x_scale=x_scale, note=note)


CASES = [
    case("lstm_1layer", "lstm", dict(input_size=3, hidden_size=5, output_size=2), 3, 6, seed=11,
         note="LSTM baseline, gate order (i, f, z, o) as torch.nn.LSTM"),
    case("sublstm_2layer", "sublstm", dict(input_size=4, hidden_size=5, num_layers=2, output_size=3),
         2, 5, seed=12),
    case("fix_sublstm_2layer", "fix-sublstm",
         dict(input_size=3, hidden_size=4, num_layers=2, output_size=2), 3, 5, seed=13,
         note="gate order (i, z, o), f = sigmoid(forget_logit)"),
    case("sublstm_t1_b1", "sublstm", dict(input_size=3, hidden_size=4, output_size=2), 1, 1, seed=14,
         note="edge case T = 1, B = 1"),
    case("elm_small", "elm", dict(input_size=6, output_size=2, num_memory=5), 3, 7, seed=21,
         tweak=elm_random_synapses()),
    case("elm_routed", "elm",
         dict(input_size=4, output_size=3, num_memory=4, num_branches=3, synapses_per_branch=2,
              tau_max=50.0),
         2, 6, seed=22, tweak=elm_random_synapses(dead=(4,)), route=[2, 0, -1, 3, 3, 1],
         note="synapse.route with a −1 (synapse 2) and a dead synapse (4, weight_raw < 0)"),
    case("elm_silu_branches", "elm",
         dict(input_size=6, output_size=2, num_memory=4, mlp_hidden=7, mlp_layers=2,
              mlp_activation="silu", learn_tau=True, num_branches=3, synapses_per_branch=2,
              tau_max=100.0, tau_syn=2.0, dt=0.5, **{"lambda": 3.0}),
         2, 6, seed=23, tweak=elm_random_synapses(),
         note="silu, learn_tau (grad.memory.tau_logit present), 2 MLP hidden layers, 3 branches × 2"),
    case("g2gnet_index", "g2gnet",
         dict(input_size=8, hidden_size=16, num_layers=2, output_size=3, groups=4, p_inter=0.25,
              grouping="index", seed=5), 5, seed=31),
    case("g2gnet_mixer", "g2gnet",
         dict(input_size=8, hidden_size=12, num_layers=3, output_size=3, groups=4, p_inter=0.2,
              grouping="mixer", seed=6), 4, seed=32),
    case("g2gnet_random", "g2gnet",
         dict(input_size=12, hidden_size=16, num_layers=2, output_size=2, groups=4, p_inter=0.2,
              grouping="random", seed=7), 4, seed=33),
    case("g2gnet_holes", "g2gnet",
         dict(input_size=8, hidden_size=16, num_layers=2, output_size=3, groups=4, p_inter=0.2,
              grouping="index", seed=8), 4, seed=34, tweak=g2g_holes,
         note="pruned holes inside the diagonal blocks; weight holds stale non-zero values where mask = 0"),
    case("mlp", "mlp", dict(input_size=8, hidden_size=12, num_layers=2, output_size=3), 4, seed=41),
    case("circuitnet_small", "circuitnet",
         dict(input_size=5, output_size=3, units=4, neurons=6, ports=2, iterations=2, in_degree=2,
              seed=3), 3, seed=51, tweak=circuit_random_bias, x_scale=4.0,
         note="K = 2: ports.weight gets no gradient (Inter of the last iteration only reaches in-ports, "
              "which the head does not read); x scaled by 4 so some pre-activations pass clipsin's ±3"),
    case("circuitnet_tanh", "circuitnet",
         dict(input_size=5, output_size=2, units=4, neurons=6, ports=2, iterations=3, in_degree=2,
              activation="tanh", seed=4), 3, seed=52, tweak=circuit_random_bias),
    case("circuitnet_ablation", "circuitnet",
         dict(input_size=5, output_size=3, units=4, neurons=6, ports=2, iterations=3, in_degree=2,
              use_product=False, use_attention=False, seed=3), 3, seed=53, tweak=circuit_random_bias,
         x_scale=4.0, note="use_product = use_attention = false: cmu.product/query/key/value absent"),
]


# ------------------------------------------------------------------ generation
def draw(c, attempt):
    """Builds the case's model and inputs for one seed; returns (net, x, grad_output) in float32."""
    seed = c["seed"] * 1000 + attempt
    torch.manual_seed(seed)
    kwargs = {"route": c["route"]} if c["route"] is not None else {}
    net = models.build(c["model"], c["config"], **kwargs)
    gen = torch.Generator().manual_seed(seed)
    if c["tweak"] is not None:
        c["tweak"](net, gen)
    in_size = net.cfg["input_size"]
    shape = (c["batch"], c["steps"], in_size) if c["model"] in configs.RECURRENT else (c["batch"], in_size)
    x = torch.randn(shape, generator=gen) * c["x_scale"]
    out_shape = net(x).shape
    grad_output = torch.randn(out_shape, generator=gen)
    return net, x, grad_output


def evaluate(net, x, grad_output):
    """Forward and gradients of sum(y ⊙ grad_output) in the module's dtype; returns (y, grads, kinks)."""
    x = x.clone().requires_grad_(True)
    params = models.trainable(net)
    with activations.kink_probe() as kinks:
        y = net(x)
    grads = torch.autograd.grad((y * grad_output).sum(), [x] + list(params.values()))
    named = {"grad.x": grads[0]}
    named.update({"grad." + n: g for n, g in zip(params, grads[1:])})
    return y.detach(), named, kinks


def rel_err(a, b):
    return ((a.double() - b.double()).abs().max() / b.double().abs().max().clamp(min=1e-30)).item()


def generate(c):
    """(tensors, metadata, float32 drift report) for one case."""
    for attempt in range(50):
        net, x, grad_output = draw(c, attempt)
        net64 = net.double()
        y, grads, kinks = evaluate(net64, x.double(), grad_output.double())
        margin_ok = min((k[0] for k in kinks), default=float("inf")) >= KINK_MARGIN
        # a clipsin case must reach the linear tails beyond ±3 somewhere, or it tests only the sine
        tails_ok = net64.cfg.get("activation") != "clipsin" or max(k[1] for k in kinks) > 0
        if margin_ok and tails_ok:
            break
    else:
        raise RuntimeError(f"{c['name']}: no draw keeps kinks {KINK_MARGIN} away (and reaches clipsin's tails)")
    tensors = models.checkpoint_tensors(net64)
    tensors.update({"x": x, "grad_output": grad_output, "y": y.float()})
    tensors.update({k: v.float() for k, v in grads.items()})
    meta = models.metadata(net64)
    meta["ganglion.golden.case"] = c["name"]
    if c["note"]:
        meta["ganglion.golden.note"] = c["note"]
    # how far a float32 computation lands from the golden (what a Java float32 run should see)
    y32, g32, _ = evaluate(net.float(), x, grad_output)
    drift = max([rel_err(y32, y)] + [rel_err(g32[k], grads[k]) for k in grads])
    return tensors, meta, drift, attempt


def verify(path, tensors):
    """Reloads the file and recomputes in float64: the stored goldens must come back."""
    net = models.load_checkpoint(path)
    loaded, _ = safetensors_io.load(path)
    for name, t in tensors.items():
        if not torch.equal(loaded[name], t.cpu()):
            raise AssertionError(f"{path}: '{name}' did not round-trip")
    y, grads, _ = evaluate(net.double(), loaded["x"].double(), loaded["grad_output"].double())
    for name, t in [("y", y)] + list(grads.items()):
        if rel_err(t.float(), loaded[name]) > 1e-6:
            raise AssertionError(f"{path}: '{name}' recomputed from the file differs")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*", help="case names (default: all)")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    chosen = [c for c in CASES if not args.only or c["name"] in args.only]
    total = 0
    for c in chosen:
        tensors, meta, drift, attempt = generate(c)
        path = os.path.join(args.out, c["name"] + ".safetensors")
        safetensors_io.save(path, tensors, meta)
        verify(path, tensors)
        size = os.path.getsize(path)
        total += size
        print(json.dumps({"case": c["name"], "model": meta["ganglion.model"], "bytes": size,
                          "float32_rel_err": float(f"{drift:.3g}"), "redraws": attempt,
                          "tensors": sorted(tensors)}))
    print(f"{len(chosen)} files, {total} bytes in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
