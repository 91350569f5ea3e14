#!/usr/bin/python3
"""Checks the reference implementations themselves. Run: /usr/bin/python3 selfcheck.py [-v]

- torch.autograd.gradcheck in float64 (input and every trainable parameter) on tiny configs;
- state_dict names and shapes equal models.md's checkpoint names;
- forward equals a second, plain implementation (naive.py) and, for LSTM, torch.nn.LSTM;
- G2GNet's in_perm / out_perm turn the intra-group connections into contiguous diagonal blocks;
- safetensors bytes equal those of the reference Python package; the tasks' encodings;
- the golden files in ../resources/golden reproduce from their own contents.
"""

import glob
import json
import math
import os
import sys
import unittest

import torch
from torch.nn.utils import stateless

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import naive  # noqa: E402
from ganglion_ref import config as configs, models, safetensors_io, tasks  # noqa: E402

GOLDEN = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden"))

TINY = {
    "lstm": dict(input_size=3, hidden_size=3, num_layers=2, output_size=2),
    "sublstm": dict(input_size=3, hidden_size=3, num_layers=2, output_size=2),
    "fix-sublstm": dict(input_size=2, hidden_size=3, num_layers=2, output_size=2),
    "elm": dict(input_size=3, output_size=2, num_memory=3, mlp_hidden=4, tau_max=20.0),
    "elm-routed": dict(input_size=3, output_size=2, num_memory=3, mlp_hidden=4, mlp_layers=2,
                       mlp_activation="silu", learn_tau=True, num_branches=2, synapses_per_branch=2),
    "g2gnet": dict(input_size=6, hidden_size=8, num_layers=2, output_size=2, groups=2, p_inter=0.3,
                   grouping="mixer", seed=1),
    "mlp": dict(input_size=4, hidden_size=5, num_layers=2, output_size=2),
    "circuitnet": dict(input_size=3, output_size=2, units=3, neurons=4, ports=1, iterations=3,
                       in_degree=2, seed=2),
    "circuitnet-tanh": dict(input_size=3, output_size=2, units=3, neurons=4, ports=2, iterations=4,
                            in_degree=1, activation="tanh", use_linear=False, seed=2),
}
ROUTE = [2, -1, 0, 0]


def build(key):
    model = key.split("-")[0] if key.startswith(("elm", "circuitnet")) else key
    kwargs = {"route": ROUTE} if key == "elm-routed" else {}
    torch.manual_seed(7)
    net = models.build(model, TINY[key], **kwargs).double()
    with torch.no_grad():  # move constant inits (ŵ = 0.5, b_c = 0) off their special values
        for name, p in net.named_parameters():
            if name in ("synapse.weight_raw", "cmu.bias"):
                p.copy_(torch.rand_like(p) * 0.8 + 0.1)
    return net


def sample_input(net, batch=2, steps=3):
    gen = torch.Generator().manual_seed(3)
    shape = (batch, steps) if net.model_name in configs.RECURRENT else (batch,)
    return torch.randn(shape + (net.cfg["input_size"],), generator=gen, dtype=torch.float64) * 1.5


def numpy_state(net):
    return {k: v.detach().numpy() for k, v in net.state_dict().items()}


class GradCheck(unittest.TestCase):
    def test_gradcheck_every_model(self):
        for key in TINY:
            with self.subTest(model=key):
                net = build(key)
                params = models.trainable(net)
                names = list(params)
                buffers = dict(net.named_buffers())
                frozen = {n: p for n, p in net.named_parameters() if not p.requires_grad}

                def f(x, *values):
                    state = dict(zip(names, values), **buffers, **frozen)
                    return stateless.functional_call(net, state, (x,))

                inputs = (sample_input(net).requires_grad_(True),) + tuple(
                    p.detach().clone().requires_grad_(True) for p in params.values())
                self.assertTrue(torch.autograd.gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-4))


class Names(unittest.TestCase):
    """Checkpoint names and shapes from models.md, written out by hand."""

    def check(self, net, expected):
        got = {k: tuple(v.shape) for k, v in net.state_dict().items()}
        self.assertEqual(got, expected)

    def test_sublstm_family(self):
        for variant, gates in (("lstm", 4), ("sublstm", 4), ("fix-sublstm", 3)):
            net = models.build(variant, dict(input_size=3, hidden_size=5, num_layers=2, output_size=2))
            exp = {"head.weight": (2, 5), "head.bias": (2,)}
            for l, i in ((0, 3), (1, 5)):
                exp.update({f"rnn.weight_ih_l{l}": (gates * 5, i), f"rnn.weight_hh_l{l}": (gates * 5, 5),
                            f"rnn.bias_ih_l{l}": (gates * 5,), f"rnn.bias_hh_l{l}": (gates * 5,)})
                if variant == "fix-sublstm":
                    exp[f"rnn.forget_logit_l{l}"] = (5,)
            self.check(net, exp)

    def test_elm(self):
        net = models.build("elm", TINY["elm-routed"], route=ROUTE)
        self.check(net, {"synapse.weight_raw": (4,), "synapse.route": (4,), "memory.tau_logit": (3,),
                         "mlp.0.weight": (4, 5), "mlp.0.bias": (4,), "mlp.1.weight": (4, 4),
                         "mlp.1.bias": (4,), "mlp.2.weight": (3, 4), "mlp.2.bias": (3,),
                         "readout.weight": (2, 3), "readout.bias": (2,)})
        self.assertEqual(net.state_dict()["synapse.route"].dtype, torch.int32)
        plain = models.build("elm", dict(input_size=4, output_size=1))
        self.assertEqual(plain.cfg["mlp_hidden"], 200)
        self.assertEqual(plain.cfg["num_branches"], 4)
        self.assertFalse(plain.memory.tau_logit.requires_grad)
        self.assertNotIn("memory.tau_logit", models.trainable(plain))

    def test_g2gnet_and_mlp(self):
        net = models.build("g2gnet", TINY["g2gnet"])
        exp = {"head.weight": (2, 8), "head.bias": (2,)}
        for l, i in ((0, 6), (1, 8)):
            exp.update({f"layers.{l}.weight": (8, i), f"layers.{l}.bias": (8,), f"layers.{l}.mask": (8, i),
                        f"layers.{l}.in_perm": (i,), f"layers.{l}.out_perm": (8,)})
        self.check(net, exp)
        self.assertEqual(net.state_dict()["layers.0.mask"].dtype, torch.uint8)
        self.assertEqual(net.state_dict()["layers.0.in_perm"].dtype, torch.int32)
        mlp = models.build("mlp", TINY["mlp"])
        self.check(mlp, {"layers.0.weight": (5, 4), "layers.0.bias": (5,), "layers.1.weight": (5, 5),
                         "layers.1.bias": (5,), "head.weight": (2, 5), "head.bias": (2,)})

    def test_circuitnet(self):
        net = models.build("circuitnet", dict(input_size=5, output_size=3, units=4, neurons=6, ports=2,
                                              in_degree=2))
        self.check(net, {"encoder.weight": (8, 5), "encoder.bias": (8,), "cmu.linear": (4, 6, 6),
                         "cmu.product": (4, 6, 6), "cmu.query": (4, 6), "cmu.key": (4, 6),
                         "cmu.value": (4, 6), "cmu.bias": (4, 6), "ports.weight": (8, 2, 2),
                         "ports.edges": (8, 2), "head.weight": (3, 8), "head.bias": (3,)})
        edges = net.ports.edges
        self.assertEqual(edges.dtype, torch.int32)
        self.assertTrue(bool((edges[:, 0] != edges[:, 1]).all()), "no self-links")
        for c in range(4):
            self.assertEqual(len(set(edges[edges[:, 1] == c, 0].tolist())), 2, "in_degree distinct sources")
        ablated = models.build("circuitnet", dict(input_size=5, output_size=3, units=4, neurons=6, ports=2,
                                                  in_degree=2, use_product=False, use_attention=False,
                                                  use_inter=False))
        self.assertEqual(set(ablated.state_dict()), {"encoder.weight", "encoder.bias", "cmu.linear",
                                                     "cmu.bias", "head.weight", "head.bias"})

    def test_metadata(self):
        net = models.build("g2gnet", TINY["g2gnet"])
        meta = models.metadata(net)
        self.assertEqual(meta["ganglion.model"], "g2gnet")
        self.assertEqual(json.loads(meta["ganglion.config"]), net.cfg)
        self.assertEqual(list(json.loads(meta["ganglion.config"])), list(configs.FIELDS["g2gnet"]))


class AgainstPlainImplementations(unittest.TestCase):
    def compare(self, key, fn, **kw):
        net = build(key)
        x = sample_input(net)
        want = fn(numpy_state(net), net.cfg, x.numpy(), **kw)
        got = net(x).detach().numpy()
        self.assertLess(abs(got - want).max(), 1e-12, key)

    def test_sublstm_family(self):
        for key in ("lstm", "sublstm", "fix-sublstm"):
            self.compare(key, naive.sublstm)

    def test_elm(self):
        self.compare("elm", naive.elm)
        self.compare("elm-routed", naive.elm)

    def test_feed_forward(self):
        self.compare("g2gnet", naive.feed_forward, masked=True)
        self.compare("mlp", naive.feed_forward, masked=False)

    def test_circuitnet(self):
        self.compare("circuitnet", naive.circuitnet)
        self.compare("circuitnet-tanh", naive.circuitnet)

    def test_lstm_matches_torch_nn_lstm(self):
        net = build("lstm")
        ref = torch.nn.LSTM(3, 3, num_layers=2, batch_first=True).double()
        ref.load_state_dict({k[len("rnn."):]: v for k, v in net.state_dict().items() if k.startswith("rnn.")})
        x = sample_input(net)
        self.assertLess((net(x) - net.head(ref(x)[0])).abs().max().item(), 1e-12)

    def test_clipsin_is_continuous_with_the_stated_tails(self):
        v = torch.tensor([-5.0, -3.0, -1.0, 0.0, 1.5, 3.0, 3.0 + 1e-9, 7.0], dtype=torch.float64)
        from ganglion_ref import activations
        got = activations.clipsin(v)
        a = activations.CLIPSIN_A
        want = [-a - 0.02, -a, a * math.sin(-math.pi / 6), 0.0, a * math.sin(math.pi / 4), a, a, a + 0.04]
        self.assertLess(max(abs(g - w) for g, w in zip(got.tolist(), want)), 1e-9)


class G2GStructure(unittest.TestCase):
    def test_perms_make_intra_groups_contiguous_diagonal_blocks(self):
        for grouping in ("index", "interleaved", "random", "mixer"):
            for n_in, hidden in ((12, 16), (10, 14)):  # divisible by G and not
                net = models.build("g2gnet", dict(input_size=n_in, hidden_size=hidden, num_layers=3,
                                                  output_size=2, groups=4, p_inter=0.0, grouping=grouping))
                for l, layer in enumerate(net.layers):
                    with self.subTest(grouping=grouping, n_in=n_in, layer=l):
                        m = layer.mask[layer.out_perm.long()][:, layer.in_perm.long()]
                        rows = self.block_sizes(m, axis=1)
                        cols = self.block_sizes(m, axis=0)
                        self.assertEqual(torch.block_diag(*[torch.ones(r, c, dtype=torch.uint8)
                                                            for r, c in zip(rows, cols)]).tolist(), m.tolist())

    @staticmethod
    def block_sizes(m, axis):
        """Sizes of runs of identical rows (axis=1) / columns (axis=0) of a 0/1 block-diagonal matrix."""
        lines = m.tolist() if axis == 1 else m.t().tolist()
        sizes, prev = [], None
        for line in lines:
            if line == prev:
                sizes[-1] += 1
            else:
                sizes.append(1)
            prev = line
        return sizes

    def test_density_and_init_scaling(self):
        net = models.build("g2gnet", dict(input_size=256, hidden_size=1024, num_layers=1, output_size=2))
        mask = net.layers[0].mask.double()
        self.assertAlmostEqual(mask.mean().item(), 1 / 8 + 7 / 8 * 0.15, delta=0.005)
        w = net.layers[0].weight.detach()
        self.assertEqual(int(((w != 0) & (mask == 0)).sum()), 0, "inactive weights are zero")
        fan = mask.sum(1)
        bound = (1 / math.sqrt(256)) * torch.sqrt(256 / fan)
        self.assertTrue(bool((w.abs().max(1).values <= bound + 1e-6).all()))

    def test_masked_weights_get_zero_gradient(self):
        net = build("g2gnet")
        net(sample_input(net)).sum().backward()
        for layer in net.layers:
            self.assertEqual(int((layer.weight.grad[layer.mask == 0] != 0).sum()), 0)


class Formats(unittest.TestCase):
    # bytes the reference package (safetensors 0.8.0) writes; see engine SafetensorsRoundTripTest
    REFERENCE_HEX = (
        "d8010000000000007b225f5f6d657461646174615f5f223a7b22666f726d6174223a2270742dc3"
        "bc6ec3af5c6e5c22715c225c745c7530303031227d2c22696478223a7b226474797065223a22493634222c227368617065223a5b"
        "325d2c22646174615f6f666673657473223a5b302c31365d7d2c2262696173223a7b226474797065223a22463634222c22736861"
        "7065223a5b335d2c22646174615f6f666673657473223a5b31362c34305d7d2c22656d707479223a7b226474797065223a224633"
        "32222c227368617065223a5b302c345d2c22646174615f6f666673657473223a5b34302c34305d7d2c22776569676874223a7b22"
        "6474797065223a22463332222c227368617065223a5b322c335d2c22646174615f6f666673657473223a5b34302c36345d7d2c22"
        "c3bc6ec3af223a7b226474797065223a22463332222c227368617065223a5b315d2c22646174615f6f666673657473223a5b3634"
        "2c36385d7d2c22636f756e74223a7b226474797065223a22493332222c227368617065223a5b5d2c22646174615f6f6666736574"
        "73223a5b36382c37325d7d2c226279746573223a7b226474797065223a225538222c227368617065223a5b345d2c22646174615f"
        "6f666673657473223a5b37322c37365d7d7d20202020202020fdffffffffffffffffffff7f00000000000000000000f83f000000"
        "00000002c09c7500883ce4377e000080bf000000bf000000000000003f0000803f0000c03f000040400700000000017fff")

    def reference_tensors(self):
        return {"weight": (torch.arange(6, dtype=torch.float32) * 0.5 - 1).reshape(2, 3),
                "bias": torch.tensor([1.5, -2.25, 1e300], dtype=torch.float64),
                "idx": torch.tensor([-3, 2 ** 31 - 1], dtype=torch.int64),
                "count": torch.tensor(7, dtype=torch.int32), "empty": torch.zeros(0, 4),
                "bytes": torch.tensor([0, 1, 127, 255], dtype=torch.uint8),
                "ünï": torch.tensor([3.0])}

    def test_safetensors_bytes_match_the_reference_package(self):
        data = safetensors_io.encode(self.reference_tensors(), {"format": 'pt-ünï\n"q"\t\x01'})
        self.assertEqual(data.hex(), self.REFERENCE_HEX)
        self.assertEqual(safetensors_io.encode({}), b"\x08" + b"\x00" * 7 + b"{}      ")

    def test_safetensors_round_trip(self):
        tensors, meta = safetensors_io.decode(bytes.fromhex(self.REFERENCE_HEX))
        self.assertEqual(meta, {"format": 'pt-ünï\n"q"\t\x01'})
        for name, t in self.reference_tensors().items():
            self.assertTrue(torch.equal(tensors[name], t), name)
        with self.assertRaises(safetensors_io.SafetensorsError):
            safetensors_io.decode(bytes.fromhex(self.REFERENCE_HEX)[:-1])

    def test_tasks(self):
        gen = torch.Generator().manual_seed(0)
        x = torch.tensor([[0.5, -0.5, 0.5, 0.5, 1.0, 1.0, 0.0, 1.0]])
        self.assertAlmostEqual(tasks.function_target(x).item(), -0.25 + 1.0 + 0.25 - 0.5 + 1.0, places=6)
        x, y = tasks.adding(64, 9, gen)
        self.assertEqual(tuple(x.shape), (64, 9, 2))
        self.assertTrue(bool((x[:, :4, 1].sum(1) == 1).all() and (x[:, 4:, 1].sum(1) == 1).all()))
        self.assertTrue(torch.allclose((x[..., 0] * x[..., 1]).sum(1, keepdim=True), y))
        x, y = tasks.recall(64, 5, gen)
        self.assertEqual(tuple(x.shape), (64, 5, 17))
        self.assertTrue(torch.equal(x[:, 0, :8].argmax(1), y))
        self.assertTrue(bool((x[:, 0, 8:].sum(1) == 0).all() and (x[:, 1:, :8].sum() == 0).all()))
        self.assertTrue(bool((x[:, 1:, 8:16].sum(2) == 1).all()))
        self.assertEqual(x[:, :, 16].sum(0).tolist(), [0, 0, 0, 0, 64])


class Checkpoints(unittest.TestCase):
    """What the reference's config and checkpoint readers accept and refuse, and their messages."""

    def test_a_bad_route_entry_is_named_alone(self):
        route = torch.zeros(100000, dtype=torch.int32)
        route[12345] = 9
        with self.assertRaises(ValueError) as caught:
            models.build("elm", dict(input_size=4, output_size=1, num_memory=2, num_branches=len(route)), route=route)
        self.assertEqual(str(caught.exception), "elm: synapse.route element 12345 of 100000 is 9; an entry is an "
                         "integer in [−1, 4): the input the synapse reads, or −1 for none")


    def test_a_seed_is_any_64_bit_integer(self):
        # Ganglion's generators take any long (`--set seed=-5` is written as is); torch's manual_seed
        # takes a negative seed modulo 2^64
        for model in ("g2gnet", "circuitnet"):
            base = TINY[model]
            for seed in (-5, -2 ** 63, 2 ** 63 - 1):
                self.assertEqual(configs.resolve(model, dict(base, seed=seed))["seed"], seed)
            models.build(model, dict(base, seed=-5, grouping="random") if model == "g2gnet" else dict(base, seed=-5))
            for seed in (2 ** 63, -2 ** 63 - 1):
                with self.assertRaisesRegex(ValueError, "'seed' must be a 64-bit signed integer"):
                    configs.resolve(model, dict(base, seed=seed))
        with self.assertRaisesRegex(ValueError, "'units' must be ≥ 0, got -1"):
            configs.resolve("circuitnet", dict(TINY["circuitnet"], units=-1))


    def test_entries_beside_the_model_are_ignored_and_others_refused(self):
        # a `ganglion train --save` checkpoint holds optim.*, a golden x, y, grad_output and grad.*:
        # Ganglion's loader ignores them, and the reference refused them unless allow_extra
        import tempfile
        net = models.build("mlp", TINY["mlp"])
        tensors = models.checkpoint_tensors(net)
        beside = {"optim.head.weight.exp_avg": torch.zeros(2, 5), "optim.head.weight.step": torch.zeros(()),
                  "x": torch.zeros(3, 4), "y": torch.zeros(3, 2), "grad_output": torch.ones(3, 2),
                  "grad.x": torch.zeros(3, 4), "grad.head.weight": torch.zeros(2, 5)}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.safetensors")
            safetensors_io.save(path, dict(tensors, **beside), models.metadata(net))
            back = models.load_checkpoint(path)
            for name, t in back.state_dict().items():
                self.assertTrue(torch.equal(t, net.state_dict()[name]), name)
            safetensors_io.save(path, dict(tensors, **{"layers.7.weight": torch.zeros(5, 5)}), models.metadata(net))
            with self.assertRaisesRegex(ValueError, r"tensors the mlp its config describes lacks: \['layers.7.weight'\]"):
                models.load_checkpoint(path)
            self.assertEqual(len(models.load_checkpoint(path, allow_extra=True).state_dict()), len(tensors))


class Goldens(unittest.TestCase):
    def test_goldens_reproduce_from_their_contents(self):
        import make_goldens
        files = sorted(glob.glob(os.path.join(GOLDEN, "*.safetensors")))
        self.assertEqual(len(files), len(make_goldens.CASES))
        for path in files:
            with self.subTest(file=os.path.basename(path)):
                tensors, _ = safetensors_io.load(path)
                make_goldens.verify(path, tensors)
                net = models.load_checkpoint(path)
                grads = {k for k in tensors if k.startswith("grad.")}
                self.assertEqual(grads, {"grad.x"} | {"grad." + n for n in models.trainable(net)})


if __name__ == "__main__":
    torch.set_num_threads(1)
    unittest.main()
