"""Sequence tagging that needs the future: label ``d_t = s_{t+shift}``.

Schuster and Paliwal (1997): a one-way RNN can not see the future, a bidirectional
one can (chapter labels ``rnn-memory`` and ``bptt-truncated``; measured in
``bi-wins``).
"""
import numpy as np

from .._checks import check_dtype, check_positive_int
from ._args import _rng
from .encoding import one_hot

__all__ = ["future_tagging"]


def future_tagging(T, B, shift, n_symbols, rng, *, dtype=np.float64):
    """Tag each step with the symbol ``shift`` steps away: ``d_t = s_{t+shift}``.

    Symbols ``s_t`` are uniform on ``{0, ..., n_symbols - 1}``.  With ``shift > 0``
    the label lies in the future, which a one-way RNN can not see (chance
    accuracy ``1 / n_symbols``) but a bidirectional one can (Schuster and
    Paliwal 1997); ``shift < 0`` is the past-dependent control.  Steps whose
    label would fall outside the sequence get label 0 and ``mask`` False.

    Returns ``x`` ``(T, B, n_symbols)`` one-hot (``dtype``), ``y`` ``(T, B)`` int64,
    ``mask`` ``(T, B)`` bool.  Requires ``|shift| < T``.
    """
    T = check_positive_int(T, "T")
    B = check_positive_int(B, "B")
    n_symbols = check_positive_int(n_symbols, "n_symbols")
    if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)):
        raise TypeError(f"shift: expected an int, got {type(shift).__name__}")
    shift = int(shift)
    if abs(shift) >= T:
        raise ValueError(f"shift: expected |shift| < T = {T}, got {shift}")
    dt = check_dtype(dtype)
    rng = _rng(rng)
    s = rng.integers(0, n_symbols, size=(T, B))
    y = np.zeros((T, B), dtype=np.int64)
    mask = np.zeros((T, B), dtype=bool)
    if shift >= 0:
        y[:T - shift] = s[shift:]
        mask[:T - shift] = True
    else:
        y[-shift:] = s[:T + shift]
        mask[-shift:] = True
    return one_hot(s, n_symbols, dtype=dt), y, mask
