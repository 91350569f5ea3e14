"""Model configs as plain dicts: the fields of models.md in snake_case, in the spec's order.

``resolve(model, overrides)`` fills the defaults (derived ones too, e.g. ``mlp_hidden = 2·num_memory``)
and checks the values; the resolved dict is what ``ganglion.config`` holds, as compact JSON.
``REQUIRED`` marks a field with no default.
"""

import json

REQUIRED = object()

RECURRENT = ("lstm", "sublstm", "fix-sublstm", "elm")
FEED_FORWARD = ("g2gnet", "mlp", "circuitnet")
MODELS = RECURRENT + FEED_FORWARD

_SUBLSTM = {"input_size": REQUIRED, "hidden_size": REQUIRED, "num_layers": 1, "variant": None,
            "output_size": REQUIRED}

FIELDS = {
    "lstm": _SUBLSTM,
    "sublstm": _SUBLSTM,
    "fix-sublstm": _SUBLSTM,
    "elm": {"input_size": REQUIRED, "output_size": REQUIRED, "num_memory": 100, "mlp_hidden": None,
            "mlp_layers": 1, "mlp_activation": "relu", "lambda": 5.0, "tau_syn": 5.0, "tau_min": 1.0,
            "tau_max": 1000.0, "learn_tau": False, "dt": 1.0, "num_branches": None,
            "synapses_per_branch": 1},
    "g2gnet": {"input_size": REQUIRED, "hidden_size": 1024, "num_layers": 3, "output_size": REQUIRED,
               "groups": 8, "p_intra": 1.0, "p_inter": 0.15, "grouping": "index", "activation": "relu",
               "seed": 0,
               # dynamic sparse training: read by Ganglion's training loop; the reference models ignore it
               "dst": False, "update_interval": 1000, "zeta": 0.1, "prune": "magnitude", "regrow": "hebbian"},
    "mlp": {"input_size": REQUIRED, "hidden_size": 1024, "num_layers": 3, "output_size": REQUIRED,
            "activation": "relu"},
    "circuitnet": {"input_size": REQUIRED, "output_size": REQUIRED, "units": 16, "neurons": 32,
                   "ports": 8, "iterations": 2, "in_degree": 3, "activation": "clipsin", "seed": 0,
                   "use_linear": True, "use_product": True, "use_attention": True, "use_inter": True},
}

_CHOICES = {
    "variant": ("lstm", "sublstm", "fix-sublstm"),
    "mlp_activation": ("relu", "silu"),
    "grouping": ("index", "interleaved", "random", "mixer"),
}
_FLOATS = ("lambda", "tau_syn", "tau_min", "tau_max", "dt", "p_intra", "p_inter")
_BOOLS = ("learn_tau", "use_linear", "use_product", "use_attention", "use_inter")


def _fail(model, msg):
    raise ValueError(f"{model} config: {msg}")


def resolve(model, overrides=None):
    """The full config of ``model``: defaults, then ``overrides``, then derived defaults; checked."""
    if model not in FIELDS:
        raise ValueError(f"unknown model '{model}'; one of {', '.join(MODELS)}")
    fields = FIELDS[model]
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        _fail(model, f"unknown field(s) {unknown}; fields: {list(fields)}")
    cfg = {}
    for name, default in fields.items():
        value = overrides.get(name, default)
        if value is REQUIRED:
            _fail(model, f"'{name}' is required")
        if name in _FLOATS and value is not None:
            value = float(value)
        cfg[name] = value
    if model in ("lstm", "sublstm", "fix-sublstm"):
        if cfg["variant"] not in (None, model):
            _fail(model, f"variant '{cfg['variant']}' contradicts the model name")
        cfg["variant"] = model
    if model == "elm":
        if cfg["mlp_hidden"] is None:
            cfg["mlp_hidden"] = 2 * cfg["num_memory"]
        if cfg["num_branches"] is None:
            cfg["num_branches"] = cfg["input_size"]
    _check(model, cfg)
    return cfg


def _check(model, cfg):
    for name, value in cfg.items():
        if name in _BOOLS and not isinstance(value, bool):
            _fail(model, f"'{name}' must be true or false, got {value!r}")
        if name in _CHOICES and value not in _CHOICES[name]:
            _fail(model, f"'{name}' must be one of {_CHOICES[name]}, got {value!r}")
        if isinstance(value, int) and not isinstance(value, bool):
            if name == "seed":   # any 64-bit seed, negative too, as Ganglion's generators (and manual_seed) take
                if not -2 ** 63 <= value < 2 ** 63:
                    _fail(model, f"'seed' must be a 64-bit signed integer, got {value}")
            elif value < 0:
                _fail(model, f"'{name}' must be ≥ 0, got {value}")
    if model == "g2gnet":
        for name in ("p_intra", "p_inter"):
            if not 0.0 <= cfg[name] <= 1.0:
                _fail(model, f"'{name}' must lie in [0, 1], got {cfg[name]}")
        if cfg["groups"] < 1:
            _fail(model, f"'groups' must be ≥ 1, got {cfg['groups']}")
    if model in ("g2gnet", "mlp") and cfg["activation"] not in ("relu", "tanh", "silu"):
        _fail(model, f"'activation' must be relu, tanh or silu, got {cfg['activation']!r}")
    if model == "circuitnet":
        if cfg["activation"] not in ("clipsin", "tanh"):
            _fail(model, f"'activation' must be clipsin or tanh, got {cfg['activation']!r}")
        if not 1 <= cfg["ports"] <= cfg["neurons"]:
            _fail(model, f"ports {cfg['ports']} must lie in [1, neurons = {cfg['neurons']}]")
        if cfg["use_inter"] and not cfg["in_degree"] <= cfg["units"] - 1:
            _fail(model, f"in_degree {cfg['in_degree']} exceeds units − 1 = {cfg['units'] - 1}")
    if model == "elm" and cfg["tau_min"] >= cfg["tau_max"]:
        _fail(model, f"tau_min {cfg['tau_min']} must be below tau_max {cfg['tau_max']}")


def to_json(cfg):
    """Compact JSON, field order as in the spec (the ``ganglion.config`` metadata value)."""
    return json.dumps(cfg, separators=(",", ":"))


def parse_value(text):
    """A ``--set key=value`` value: true/false, an int, a float, or else the string itself."""
    if text in ("true", "false"):
        return text == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_sets(pairs):
    """``["k=v", ...]`` to a dict of parsed values."""
    out = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise ValueError(f"--set expects key=value, got '{pair}'")
        k, v = pair.split("=", 1)
        out[k.strip()] = parse_value(v.strip())
    return out
