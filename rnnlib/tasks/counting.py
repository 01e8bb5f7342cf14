"""Counting tasks over a bit stream: running parity and running number of ones.

Chapter labels ``rnn-why`` and ``rnn-architectures``.
"""
import numpy as np

from .._checks import check_dtype, check_positive_int
from ._args import _nonneg_float, _rng

__all__ = ["parity", "running_count"]


def parity(T, B, rng, *, running=True, dtype=np.float64):
    """Parity of a bit stream: ``y_t = x_0 xor x_1 xor ... xor x_t``.

    Bits ``x_t`` are 0 or 1 with probability 1/2.  Returns ``x`` ``(T, B, 1)``
    (``dtype``) and int64 labels: ``(T, B)`` running parity if ``running`` else
    ``(B,)``, the parity of the whole sequence.
    """
    T = check_positive_int(T, "T")
    B = check_positive_int(B, "B")
    dt = check_dtype(dtype)
    rng = _rng(rng)
    bits = rng.integers(0, 2, size=(T, B))
    y = (np.cumsum(bits, axis=0) % 2).astype(np.int64)
    return bits[..., None].astype(dt), (y if running else y[-1].copy())


def running_count(T, B, rng, *, p=0.5, dtype=np.float64):
    """Count the ones seen so far: ``y_t = x_0 + ... + x_t`` (regression).

    Bits ``x_t`` are 1 with probability ``p``.  Returns ``x`` and ``y`` of shape
    ``(T, B, 1)``, ``dtype``.
    """
    T = check_positive_int(T, "T")
    B = check_positive_int(B, "B")
    p = _nonneg_float(p, "p")
    if p > 1:
        raise ValueError(f"p: expected a probability in [0, 1], got {p}")
    dt = check_dtype(dtype)
    rng = _rng(rng)
    bits = (rng.random((T, B)) < p).astype(np.float64)
    return bits[..., None].astype(dt), np.cumsum(bits, axis=0)[..., None].astype(dt)
