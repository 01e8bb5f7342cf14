"""Argument checks shared by the task generators (reproducible ``rng``, ints, intervals)."""
import numpy as np

from .._checks import as_rng


def _rng(rng):
    """Like ``as_rng`` but refuses ``None``: task data must be reproducible."""
    if rng is None:
        raise TypeError("rng: expected an int seed or a numpy.random.Generator, got None "
                        "(task data must be reproducible: pass a seed)")
    return as_rng(rng)


def _int_at_least(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name}: expected an int >= {minimum}, got {value!r}")
    return int(value)


def _nonneg_float(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a non-negative number, got {type(value).__name__}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name}: expected a non-negative finite number, got {value!r}")
    return float(value)


def _interval(value, name, positive=True):
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a pair (low, high) of numbers, got {value!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo > hi or (positive and lo <= 0):
        need = "0 < low <= high" if positive else "low <= high"
        raise ValueError(f"{name}: expected a pair (low, high) with {need}, got {value!r}")
    return lo, hi
