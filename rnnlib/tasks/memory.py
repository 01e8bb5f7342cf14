"""Memory tasks: reproduce symbols seen long ago.

* :func:`copy_task`     -- read ``L`` symbols, wait, write them back (Hochreiter and
  Schmidhuber 1997; Arjovsky et al. 2016); :func:`copy_task_baseline` is the loss of
  the memoryless strategy.
* :func:`recall_first`  -- report the first symbol after ``T`` steps (many-to-one;
  chapter label ``bptt-look-ahead``).
"""
import numpy as np

from .._checks import check_dtype, check_positive_int
from ._args import _rng
from .encoding import one_hot

__all__ = ["copy_task", "copy_task_baseline", "recall_first"]


def copy_task(L, delay, B, rng, *, n_symbols=8, dtype=np.float64):
    """The copy (memory) task: read ``L`` symbols, wait, then write them back.

    Symbol codes: 0 = blank, 1..``n_symbols`` = data, ``n_symbols + 1`` = delimiter.
    The input has ``T = L + delay + L`` steps: ``L`` random data symbols, then
    ``delay - 1`` blanks, the delimiter, and ``L`` blanks.  The target is blank
    for the first ``L + delay`` steps and the data symbols for the last ``L``
    (Arjovsky et al. 2016's layout; ``delay`` is their ``T``).

    Returns ``x`` ``(T, B, n_symbols + 2)`` one-hot (``dtype``), ``y`` ``(T, B)``
    int64 target codes and ``mask`` ``(T, B)`` bool, True on the last ``L`` steps
    (where the memory is tested; chance accuracy there is ``1 / n_symbols``).
    """
    L = check_positive_int(L, "L")
    delay = check_positive_int(delay, "delay")
    B = check_positive_int(B, "B")
    n_symbols = check_positive_int(n_symbols, "n_symbols")
    dt = check_dtype(dtype)
    rng = _rng(rng)
    T = 2 * L + delay
    data = rng.integers(1, n_symbols + 1, size=(L, B))
    inp = np.zeros((T, B), dtype=np.int64)
    inp[:L] = data
    inp[L + delay - 1] = n_symbols + 1
    y = np.zeros((T, B), dtype=np.int64)
    y[L + delay:] = data
    mask = np.zeros((T, B), dtype=bool)
    mask[L + delay:] = True
    return one_hot(inp, n_symbols + 2, dtype=dt), y, mask


def copy_task_baseline(L, delay, n_symbols=8):
    """Cross-entropy (nats per step, averaged over all ``2L + delay`` steps) of the
    memoryless strategy: predict blank until the delimiter, then a uniform guess.

    ``L * log(n_symbols) / (2L + delay)`` (Arjovsky et al. 2016).
    """
    L = check_positive_int(L, "L")
    delay = check_positive_int(delay, "delay")
    n_symbols = check_positive_int(n_symbols, "n_symbols")
    return L * float(np.log(n_symbols)) / (2 * L + delay)


def recall_first(T, B, n_symbols, rng, *, dtype=np.float64):
    """Recall the first symbol after ``T`` steps (many-to-one).

    All ``T`` inputs are random symbols on ``{0, ..., n_symbols - 1}``; the label is
    the first one, ``y_b = s_0``.  Chance accuracy ``1 / n_symbols``.  The gradient
    must cross all ``T - 1`` steps, so truncated BPTT with ``k < T`` can not learn it.

    Returns ``x`` ``(T, B, n_symbols)`` one-hot (``dtype``) and ``y`` ``(B,)`` int64.
    """
    T = check_positive_int(T, "T")
    B = check_positive_int(B, "B")
    n_symbols = check_positive_int(n_symbols, "n_symbols")
    dt = check_dtype(dtype)
    rng = _rng(rng)
    s = rng.integers(0, n_symbols, size=(T, B))
    return one_hot(s, n_symbols, dtype=dt), s[0].astype(np.int64)
