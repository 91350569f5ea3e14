"""Datasets for training runs: built-in tasks and IDX folders, shaped for a model family.

``load(task, model, ...)`` returns ``{"train": (x, y), "test": (x, y), "kind", "metric",
"input_size", "output_size"}`` with x shaped for the model: recurrent models get ``[N, T, d]``,
feed-forward models ``[N, features]`` (sequence tasks flattened row-major over time).
"""

import torch

from . import config as configs
from . import idx, tasks

IDX_TASKS = ("mnist-rows", "mnist-pixels", "idx")


def default_task(model, data):
    """Recurrent: mnist-rows with --data, else adding. Feed-forward: idx with --data, else function."""
    recurrent = model in configs.RECURRENT
    if data:
        return "mnist-rows" if recurrent else "idx"
    return "adding" if recurrent else "function"


def _shape_for(model, x, task):
    """Recurrent models read sequences; feed-forward models read flat vectors."""
    recurrent = model in configs.RECURRENT
    if task in IDX_TASKS:  # x [N, rows, cols]
        if not recurrent:
            return x.reshape(len(x), -1)
        return x.reshape(len(x), -1, 1) if task == "mnist-pixels" else x
    if recurrent:
        return x.unsqueeze(1) if x.dim() == 2 else x  # function: one step of 8 features
    return x.reshape(len(x), -1)


def load(task, model, seed, data=None, prefix="", train_size=None, test_size=None, seq_len=None):
    if task in IDX_TASKS:
        if not data:
            raise ValueError(f"task '{task}' needs --data (an IDX folder)")
        x, y = idx.load_folder(data, prefix)
        n = len(x)
        train_size = train_size or round(0.8 * n)
        train, test = idx.seeded_split(n, train_size, seed)
        if test_size:
            test = test[:test_size]
        out = {"train": (x[train], y[train]), "test": (x[test], y[test]),
               "kind": "classification", "metric": "accuracy"}
    else:
        out = tasks.make(task, seed, train_size or 8000, test_size or 2000, seq_len)
    out["train"] = (_shape_for(model, out["train"][0], task), out["train"][1])
    out["test"] = (_shape_for(model, out["test"][0], task), out["test"][1])
    out["input_size"] = out["train"][0].shape[-1]
    if out["kind"] == "regression":
        out["output_size"] = out["train"][1].shape[-1]
    else:
        out["output_size"] = int(torch.cat([out["train"][1], out["test"][1]]).max()) + 1
    return out
