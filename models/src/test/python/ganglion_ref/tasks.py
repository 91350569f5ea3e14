"""Built-in tasks of models.md section 5: ``function``, ``adding``, ``recall``.

Each generator takes a count and a ``torch.Generator`` and returns float32 inputs and targets.
``make(task, seed, train_size, test_size, seq_len)`` draws ``train_size + test_size`` samples from one
generator seeded with ``seed`` and splits them in that order (first the training samples).

Encodings (the Java side mirrors them; the random streams themselves differ):
- function: x ~ U(−1, 1)^8 ``[n, 8]``; y = f(x) ``[n, 1]``; regression, metric RRSE.
- adding: x ``[n, T, 2]``: channel 0 values ~ U(0, 1), channel 1 a two-hot marker, one position
  uniform in [0, ⌊T/2⌋), the other uniform in [⌊T/2⌋, T); y ``[n, 1]`` the sum of the two marked
  values, read at the last step; regression, metric MSE. Needs T ≥ 2.
- recall: ``RECALL_TOKENS`` = 8 tokens, input width 2·8 + 1 = 17 ``[n, T, 17]``: step 0 one-hot of
  the token in channels 0..7; every step 1..T−1 a one-hot distractor in channels 8..15 (uniform over
  8 distractor symbols, never a token channel); channel 16 = 1 at step T−1 only (the recall cue;
  for T = 1 it shares step 0 with the token). Target: the token (class in [0, 8), int64 ``[n]``),
  read at the last step; classification, metric accuracy, chance 1/8.
"""

import math

import torch

FUNCTION_INPUTS = 8
RECALL_TOKENS = 8
RECALL_WIDTH = 2 * RECALL_TOKENS + 1


def function_target(x):
    """``f(x) = x0·x1 + sin(π·x2) + x3²·x4 − 0.5·x5 + exp(−x6²)·x7`` → ``[n, 1]``."""
    f = (x[:, 0] * x[:, 1] + torch.sin(math.pi * x[:, 2]) + x[:, 3] ** 2 * x[:, 4] - 0.5 * x[:, 5]
         + torch.exp(-x[:, 6] ** 2) * x[:, 7])
    return f.unsqueeze(1)


def function(n, gen):
    x = torch.rand(n, FUNCTION_INPUTS, generator=gen) * 2.0 - 1.0
    return x, function_target(x)


def adding(n, steps, gen):
    if steps < 2:
        raise ValueError(f"adding: needs T ≥ 2, got {steps}")
    values = torch.rand(n, steps, generator=gen)
    half = steps // 2
    first = torch.randint(0, half, (n,), generator=gen)
    second = torch.randint(half, steps, (n,), generator=gen)
    marker = torch.zeros(n, steps)
    rows = torch.arange(n)
    marker[rows, first] = 1.0
    marker[rows, second] = 1.0
    y = (values[rows, first] + values[rows, second]).unsqueeze(1)
    return torch.stack([values, marker], dim=-1), y


def recall(n, steps, gen):
    if steps < 1:
        raise ValueError(f"recall: needs T ≥ 1, got {steps}")
    token = torch.randint(0, RECALL_TOKENS, (n,), generator=gen)
    distractor = torch.randint(0, RECALL_TOKENS, (n, steps), generator=gen)
    x = torch.zeros(n, steps, RECALL_WIDTH)
    rows = torch.arange(n)
    x[rows, 0, token] = 1.0
    for t in range(1, steps):
        x[rows, t, RECALL_TOKENS + distractor[:, t]] = 1.0
    x[:, steps - 1, 2 * RECALL_TOKENS] = 1.0
    return x, token


# task -> (kind, metric, default T or None)
TASKS = {"function": ("regression", "rrse", None), "adding": ("regression", "mse", 200),
         "recall": ("classification", "accuracy", 100)}


def make(task, seed, train_size, test_size, seq_len=None):
    """``{"train": (x, y), "test": (x, y), "kind", "metric"}`` for a built-in task."""
    if task not in TASKS:
        raise ValueError(f"unknown built-in task '{task}'; one of {', '.join(TASKS)}")
    kind, metric, default_steps = TASKS[task]
    gen = torch.Generator().manual_seed(seed)
    n = train_size + test_size
    if task == "function":
        x, y = function(n, gen)
    else:
        steps = seq_len or default_steps
        x, y = (adding if task == "adding" else recall)(n, steps, gen)
    return {"train": (x[:train_size], y[:train_size]), "test": (x[train_size:], y[train_size:]),
            "kind": kind, "metric": metric}


def rrse(pred, target):
    """√(Σ(y − ŷ)² / Σ(y − ȳ)²)."""
    return math.sqrt(((target - pred) ** 2).sum().item() / ((target - target.mean()) ** 2).sum().item())
