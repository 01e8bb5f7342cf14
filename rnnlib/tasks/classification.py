"""Many-to-one classification of sequences of different lengths (padding and masks).

Chapter label ``rnn-architectures``.
"""
import numpy as np

from .._checks import check_dtype, check_positive_int
from ._args import _rng

__all__ = ["variable_length_classification"]


def variable_length_classification(B, rng, *, min_len=5, max_len=20, pad_value=0.0,
                                   dtype=np.float64):
    """Many-to-one classification of sequences of different lengths.

    Sequence ``b`` has a length ``n_b`` uniform on ``{min_len, ..., max_len}`` and
    values ``x_t ~ N(0, 1)`` for ``t < n_b``; the steps after its end are
    filled with ``pad_value``.  The label is ``y_b = 1`` if ``sum_{t < n_b} x_t > 0``
    else 0, so a model must read the whole sequence and nothing after it
    (a model that ignores ``lengths`` reads the padding too).

    Returns ``x`` ``(max_len, B, 1)`` (``dtype``), ``y`` ``(B,)`` int64,
    ``lengths`` ``(B,)`` int64 and ``mask`` ``(max_len, B)`` bool (``t < n_b``).
    """
    B = check_positive_int(B, "B")
    min_len = check_positive_int(min_len, "min_len")
    max_len = check_positive_int(max_len, "max_len")
    if max_len < min_len:
        raise ValueError(f"max_len: expected max_len >= min_len = {min_len}, got {max_len}")
    if isinstance(pad_value, bool) or not isinstance(pad_value, (int, float, np.integer,
                                                                 np.floating)):
        raise TypeError(f"pad_value: expected a number, got {type(pad_value).__name__}")
    dt = check_dtype(dtype)
    rng = _rng(rng)
    lengths = rng.integers(min_len, max_len + 1, size=B).astype(np.int64)
    values = rng.standard_normal((max_len, B))
    mask = np.arange(max_len)[:, None] < lengths[None, :]
    x = np.where(mask, values, float(pad_value))
    y = ((values * mask).sum(axis=0) > 0).astype(np.int64)
    return x[..., None].astype(dt), y, lengths, mask
