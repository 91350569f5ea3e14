"""The four Ganglion models as PyTorch modules, and ``build`` / checkpoint helpers.

state_dict keys equal the checkpoint names of models.md; buffers (``synapse.route``,
``layers.{l}.mask`` / ``in_perm`` / ``out_perm``, ``ports.edges``) are stored as integers.
"""

import torch

from . import config as configs
from . import safetensors_io
from .circuitnet import CircuitNet
from .elm import ElmNeuron
from .g2gnet import G2GNet, Mlp
from .sublstm import SubLstmNet

__all__ = ["SubLstmNet", "ElmNeuron", "G2GNet", "Mlp", "CircuitNet", "build", "trainable",
           "active_parameters", "checkpoint_tensors", "save_checkpoint", "load_checkpoint", "beside_the_model",
           "metadata"]


def build(model, overrides=None, **kwargs):
    """A freshly initialised ``model`` (a models.md name) with config ``overrides``."""
    cfg = configs.resolve(model, overrides)
    if model in ("lstm", "sublstm", "fix-sublstm"):
        return SubLstmNet(cfg)
    table = {"elm": ElmNeuron, "g2gnet": G2GNet, "mlp": Mlp, "circuitnet": CircuitNet}
    return table[model](cfg, **kwargs)


def trainable(module):
    """``{name: parameter}`` of the parameters that receive updates (``requires_grad``)."""
    return {n: p for n, p in module.named_parameters() if p.requires_grad}


def active_parameters(module):
    """Trainable values that take part in the model: a G2GNet weight counts only where its mask is 1."""
    total = 0
    for name, p in trainable(module).items():
        mask_name = name[:-len("weight")] + "mask" if name.endswith(".weight") else None
        buffers = dict(module.named_buffers())
        total += int(buffers[mask_name].sum()) if mask_name in buffers else p.numel()
    return total


def metadata(module):
    """The ``__metadata__`` every Ganglion checkpoint carries."""
    return {"ganglion.model": module.model_name, "ganglion.config": configs.to_json(module.cfg)}


def checkpoint_tensors(module):
    """state_dict in checkpoint dtypes: floats as float32, integer buffers as stored (int32 / uint8)."""
    out = {}
    for name, t in module.state_dict().items():
        out[name] = t.detach().float() if t.is_floating_point() else t.detach()
    return out


def save_checkpoint(module, path):
    safetensors_io.save(path, checkpoint_tensors(module), metadata(module))


def beside_the_model(name):
    """Entries a checkpoint may hold beside the model's state, which the loader ignores (as Ganglion's
    ``ModelCheckpoint`` does): a training checkpoint's optimizer state ``optim.*``, and a golden file's
    ``x``, ``y``, ``grad_output`` and ``grad.*`` (undotted names: no model's state has one)."""
    return name.startswith(("optim.", "grad.")) or "." not in name


def load_checkpoint(path, allow_extra=False):
    """Rebuilds a module from a self-describing checkpoint (config from metadata, values from tensors).

    Entries ``beside_the_model`` are ignored; any other tensor the config's model lacks is an error (the
    config and the tensors disagree), as in Ganglion, unless ``allow_extra``."""
    import json
    tensors, meta = safetensors_io.load(path)
    tensors = {name: t for name, t in tensors.items() if not beside_the_model(name)}
    model = meta["ganglion.model"]
    cfg = json.loads(meta["ganglion.config"])
    kwargs = {"route": tensors["synapse.route"]} if "synapse.route" in tensors else {}
    module = build(model, cfg, **kwargs)
    state = module.state_dict()
    # the mask, permutations and edges come from the file, not from the seed
    for name in state:
        if name not in tensors:
            raise ValueError(f"{path}: missing tensor '{name}'")
    extra = sorted(set(tensors) - set(state))
    if extra and not allow_extra:
        raise ValueError(f"{path}: tensors the {model} its config describes lacks: {extra[:10]}"
                         + (f" and {len(extra) - 10} more" if len(extra) > 10 else ""))
    with torch.no_grad():
        for name, t in state.items():
            t.copy_(tensors[name].to(t.dtype))
    return module
