"""A small IDX reader (MNIST layout), raw or gzip, and a seeded train/test split.

IDX: two zero bytes, a type byte (0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64), the
number of dims, then each dim as a big-endian u32, then the values big-endian, row-major.
"""

import gzip
import os

import numpy as np
import torch

_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """The array stored in an IDX file (gzip detected by its magic bytes 1f 8b)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _TYPES:
        raise ValueError(f"{path}: not an IDX file (magic {data[:4].hex()})")
    ndim = data[3]
    head = 4 + 4 * ndim
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    dt = np.dtype(_TYPES[data[2]])
    count = int(np.prod(dims, dtype=np.int64))
    if len(data) - head != count * dt.itemsize:
        raise ValueError(f"{path}: dims {dims} need {count * dt.itemsize} bytes, found {len(data) - head}")
    return np.frombuffer(data, dtype=dt, offset=head).reshape(dims)


def _pick(folder, names, kind, idx, prefix):
    hits = [n for n in names if n.startswith(prefix) and kind in n.lower() and idx in n.lower()]
    if len(hits) != 1:
        raise ValueError(f"{folder}: expected one *{kind}*{idx}* file with prefix '{prefix}', found {hits}")
    return os.path.join(folder, hits[0])


def load_folder(folder, prefix=""):
    """Images ``float32 [N, rows, cols]`` in [0, 1] (pixel / 255) and labels ``int64 [N]``.

    Finds ``*images*idx3*`` and ``*labels*idx1*`` (raw or .gz) among the files whose names start with
    ``prefix``, like the Java ``IdxDataset.loadFolder``.
    """
    names = sorted(n for n in os.listdir(folder) if not n.startswith(".")
                   and os.path.isfile(os.path.join(folder, n)))
    images = read_idx(_pick(folder, names, "images", "idx3", prefix))
    labels = read_idx(_pick(folder, names, "labels", "idx1", prefix))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(f"{folder}: images {images.shape} and labels {labels.shape} do not pair up")
    x = torch.from_numpy(images.astype(np.float32) / np.float32(255.0))
    return x, torch.from_numpy(labels.astype(np.int64))


def seeded_split(n, train_size, seed):
    """Index tensors ``(train, test)``: a ``torch.randperm(n)`` from a generator seeded with ``seed``,
    the first ``train_size`` for training and the rest for testing."""
    if not 0 < train_size < n:
        raise ValueError(f"train size {train_size} must lie in (0, {n})")
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return perm[:train_size], perm[train_size:]
