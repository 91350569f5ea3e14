"""Allocator setting for fair PyTorch timings (bench/python/reference.py, step_bench.py).

glibc serves each allocation above its mmap threshold (128 KB at start) with a fresh ``mmap``, so
a loop whose activations are a few hundred KB page-faults on every step. In a real training
script the threshold has usually been raised already, as a side effect: glibc raises it when a
large block (the dataset, say) is freed. Measured here: one subLSTM/LSTM training step of batch
128 takes about 3× longer in a fresh process than in ``train_reference.py`` after loading MNIST.
Setting the thresholds up front times PyTorch as it runs in training.
"""
import ctypes

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_MAX = 32 << 20  # glibc's upper bound on 64-bit systems


def keep_freed_memory():
    """Blocks up to 32 MB from the heap and freed memory kept; False where libc is not glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return (libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX) == 1
                and libc.mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1)
    except (OSError, AttributeError):
        return False
