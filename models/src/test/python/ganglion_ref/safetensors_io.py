"""A tiny reader/writer of the safetensors format, with no dependency on the `safetensors` package.

Layout: ``u64le N ‖ N bytes of JSON header ‖ data buffer``. The header maps each tensor name to
``{"dtype", "shape", "data_offsets": [begin, end]}`` (offsets relative to the data buffer) and may hold
``"__metadata__"``, a string-to-string map. The header is padded with spaces so 8 + N ≡ 0 (mod 8).

The writer lays files out like the reference implementation and like Ganglion's Java
``SafetensorsWriter``: ``__metadata__`` first with sorted keys, then tensors by decreasing dtype rank
(I64, F64, F32, I32, U8) and by name (UTF-8 bytes), data contiguous in that order. So the same tensors
give the same bytes on both sides.

Supported dtypes: F32, F64, I32, I64, U8.
"""

import json
import os
import struct
import tempfile

import numpy as np
import torch

METADATA_KEY = "__metadata__"
MAX_HEADER_BYTES = 100_000_000

# dtype name -> (numpy little-endian dtype, torch dtype, write rank: higher is written first)
_DTYPES = {
    "U8": (np.dtype("u1"), torch.uint8, 4),
    "I32": (np.dtype("<i4"), torch.int32, 13),
    "F32": (np.dtype("<f4"), torch.float32, 15),
    "F64": (np.dtype("<f8"), torch.float64, 17),
    "I64": (np.dtype("<i8"), torch.int64, 18),
}
_BY_TORCH = {v[1]: k for k, v in _DTYPES.items()}


class SafetensorsError(ValueError):
    """A malformed or unsupported safetensors file."""


def _json_string(s):
    # Same escapes as serde_json and the Java writer: quotes, backslash, control characters; UTF-8 raw.
    return json.dumps(s, ensure_ascii=False)


def _dtype_name(t):
    name = _BY_TORCH.get(t.dtype)
    if name is None:
        raise SafetensorsError(f"unsupported tensor dtype {t.dtype}; supported: {', '.join(_DTYPES)}")
    return name


def encode(tensors, metadata=None):
    """The bytes of a safetensors file holding ``tensors`` (name -> torch tensor) and ``metadata``."""
    items = []
    for name, t in tensors.items():
        if name == METADATA_KEY:
            raise SafetensorsError(f"'{METADATA_KEY}' is reserved for the metadata map")
        t = torch.as_tensor(t).detach().cpu().contiguous()
        items.append((name, _dtype_name(t), t))
    items.sort(key=lambda it: (-_DTYPES[it[1]][2], it[0].encode("utf-8")))
    parts = []
    if metadata:
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise SafetensorsError(f"metadata must map strings to strings, got {k!r}: {v!r}")
        body = ",".join(_json_string(k) + ":" + _json_string(metadata[k]) for k in sorted(metadata))
        parts.append(_json_string(METADATA_KEY) + ":{" + body + "}")
    offset = 0
    blobs = []
    for name, dt, t in items:
        raw = t.numpy().astype(_DTYPES[dt][0], copy=False).tobytes()
        shape = ",".join(str(d) for d in t.shape)
        parts.append(f'{_json_string(name)}:{{"dtype":"{dt}","shape":[{shape}],'
                     f'"data_offsets":[{offset},{offset + len(raw)}]}}')
        offset += len(raw)
        blobs.append(raw)
    header = ("{" + ",".join(parts) + "}").encode("utf-8")
    header += b" " * ((8 - len(header) % 8) % 8)
    return struct.pack("<Q", len(header)) + header + b"".join(blobs)


def save(path, tensors, metadata=None):
    """Writes ``tensors`` and ``metadata`` to ``path`` atomically (temporary file, then rename)."""
    data = encode(tensors, metadata)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def decode(data):
    """Parses safetensors bytes into ``(tensors, metadata)``: name -> torch tensor, and a str map."""
    if len(data) < 8:
        raise SafetensorsError(f"file of {len(data)} bytes is shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER_BYTES or n > len(data) - 8:
        raise SafetensorsError(f"header length {n} exceeds the file ({len(data)} bytes) or the limit")
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"header is not UTF-8 JSON: {e}") from e
    if not isinstance(header, dict):
        raise SafetensorsError("header is not a JSON object")
    buf = memoryview(data)[8 + n:]
    metadata = header.pop(METADATA_KEY, None) or {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise SafetensorsError("__metadata__ must map strings to strings")
    tensors = {}
    spans = []
    for name, e in header.items():
        dt, shape, (begin, end) = e["dtype"], e["shape"], e["data_offsets"]
        if dt not in _DTYPES:
            raise SafetensorsError(f"'{name}': unsupported dtype {dt}; supported: {', '.join(_DTYPES)}")
        np_dt = _DTYPES[dt][0]
        count = int(np.prod(shape, dtype=np.int64))
        if not 0 <= begin <= end <= len(buf) or end - begin != count * np_dt.itemsize:
            raise SafetensorsError(f"'{name}': data_offsets [{begin}, {end}] do not fit shape {shape} "
                                   f"of {dt} in a buffer of {len(buf)} bytes")
        arr = np.frombuffer(buf[begin:end], dtype=np_dt).reshape(shape).copy()
        tensors[name] = torch.from_numpy(arr)
        spans.append((begin, end))
    spans.sort()
    pos = 0
    for begin, end in spans:
        if begin != pos:
            raise SafetensorsError(f"data buffer has a gap or overlap at byte {pos}")
        pos = end
    if pos != len(buf):
        raise SafetensorsError(f"data buffer has {len(buf) - pos} trailing bytes")
    return tensors, dict(metadata)


def load(path):
    """Reads ``path``: ``(tensors, metadata)``."""
    with open(path, "rb") as f:
        return decode(f.read())
