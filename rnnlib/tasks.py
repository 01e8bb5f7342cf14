"""Synthetic sequence tasks, generated on the fly.

Every generator takes an explicit ``rng`` (a ``numpy.random.Generator`` or an
int seed; ``None`` is refused so that every data set in the course is
reproducible) and returns **time-major** arrays: inputs ``(T, B, D)``, per-step
targets ``(T, B)`` or ``(T, B, O)``, per-sequence targets ``(B,)`` or
``(B, O)``.  Real-valued arrays have the requested ``dtype`` (float64 by
default, float32 allowed); class labels are ``int64``; masks are ``bool``.
The same seed gives the same arrays.

Tasks (and the papers they come from)

* :func:`adding_problem`  -- sum of two marked numbers (Hochreiter and Schmidhuber 1997,
  in the form of Le et al. 2015).  Baseline MSE 1/6.
* :func:`copy_task`       -- reproduce a sequence after a delay (Hochreiter and
  Schmidhuber 1997; Arjovsky et al. 2016).
* :func:`embedded_reber`  -- next-symbol prediction in the embedded Reber grammar
  (Reber 1967; Cleeremans et al. 1989; Hochreiter and Schmidhuber 1997).
* :func:`future_tagging`  -- ``y_t = x_{t+shift}``: needs the future (shift > 0) or
  the past (shift < 0) (Schuster and Paliwal 1997).
* :func:`noisy_sine`      -- forecast a noisy sine wave ``horizon`` steps ahead.
* :func:`variable_length_classification` -- padded sequences with lengths and mask.
* :func:`recall_first`    -- report the first symbol after ``T`` steps.
* :func:`parity`, :func:`running_count` -- running parity / number of ones so far.
"""
from typing import NamedTuple

import numpy as np

from ._checks import as_rng, check_array, check_dtype, check_positive_int

__all__ = [
    "one_hot", "adding_problem", "adding_baseline_mse", "ADDING_BASELINE_MSE",
    "copy_task", "copy_task_baseline", "REBER_SYMBOLS", "reber_strings", "is_reber",
    "encode_reber", "embedded_reber", "reber_correct", "ReberBatch", "future_tagging",
    "noisy_sine", "variable_length_classification", "recall_first", "parity",
    "running_count",
]


# ----------------------------------------------------------------------------- helpers

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


def one_hot(indices, n, *, dtype=np.float64):
    """One-hot encode integer ``indices`` (any shape) into ``indices.shape + (n,)``.

    ``one_hot(np.array([[2], [0]]), 3)[0, 0]`` is ``[0., 0., 1.]``.
    """
    n = check_positive_int(n, "n")
    dt = check_dtype(dtype)
    idx = np.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"indices: expected an integer array, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ValueError(f"indices: expected values in [0, {n}), "
                         f"got values in [{idx.min()}, {idx.max()}]")
    out = np.zeros(idx.shape + (n,), dtype=dt)
    np.put_along_axis(out, idx[..., None].astype(np.intp), 1, axis=-1)
    return out


# ----------------------------------------------------------------------------- adding problem

#: MSE of always predicting 1 (the mean of the target): Var(u1 + u2) = 2/12 = 1/6.
ADDING_BASELINE_MSE = 1.0 / 6.0


def adding_problem(T, B, rng, *, dtype=np.float64):
    """The adding problem: output the sum of the two marked numbers.

    Each step carries two features, ``x[t, b] = (u_t, m_t)`` with values
    ``u_t ~ U(0, 1)`` and markers ``m_t`` in {0, 1}.  Exactly two markers are 1:
    one at a step in ``[0, T // 2)`` and one in ``[T // 2, T)``.  The target is
    ``y_b = sum_t m_t u_t`` (Le et al. 2015's form of Hochreiter and Schmidhuber
    1997, experiment 4).  Predicting the constant 1 gives MSE
    ``Var(u_1 + u_2) = 1/6`` (:data:`ADDING_BASELINE_MSE`): a model must beat that.

    Returns ``x`` of shape ``(T, B, 2)`` and ``y`` of shape ``(B, 1)``, both ``dtype``.
    ``T >= 2``.
    """
    T = _int_at_least(T, "T", 2)
    B = check_positive_int(B, "B")
    dt = check_dtype(dtype)
    rng = _rng(rng)
    values = rng.random((T, B))
    half = T // 2
    first = rng.integers(0, half, size=B)
    second = rng.integers(half, T, size=B)
    markers = np.zeros((T, B))
    cols = np.arange(B)
    markers[first, cols] = 1.0
    markers[second, cols] = 1.0
    x = np.stack([values, markers], axis=-1).astype(dt)
    y = (values[first, cols] + values[second, cols])[:, None].astype(dt)
    return x, y


def adding_baseline_mse(y):
    """MSE of the constant prediction 1 on targets ``y`` ``(B, 1)``: ``mean((y - 1)^2)``.

    The plain mean of squared errors (no factor 1/2).  Its expectation is 1/6.
    """
    y = np.asarray(y)
    if y.ndim != 2 or y.shape[1] != 1 or y.shape[0] < 1:
        raise ValueError(f"y: expected shape (B, 1), got {y.shape}")
    return float(np.mean((y.astype(np.float64) - 1.0) ** 2))


# ----------------------------------------------------------------------------- copy task

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


# ----------------------------------------------------------------------------- Reber grammar

#: The seven symbols of the Reber grammar, in one-hot order.
REBER_SYMBOLS = "BTSXPVE"
_REBER_INDEX = {c: i for i, c in enumerate(REBER_SYMBOLS)}

# The Reber grammar as a deterministic automaton: state -> {symbol: next state}.
# Every state offers two symbols (except the begin and end), chosen with
# probability 1/2 each when generating.
_REBER = {
    "start": {"B": 0},
    0: {"T": 1, "P": 5},
    1: {"S": 1, "X": 2},
    2: {"S": 3, "X": 5},
    5: {"T": 5, "V": 4},
    4: {"V": 3, "P": 2},
    3: {"E": "end"},
    "end": {},
}


def _embed(grammar):
    """Embedded grammar: B, then T or P, a Reber string, the same T or P, then E."""
    emb = {"start": {"B": "choose"}, "choose": {"T": ("T", "start"), "P": ("P", "start")}}
    for branch in "TP":
        for state, edges in grammar.items():
            if state == "end":
                emb[(branch, state)] = {branch: "last"}
            else:
                emb[(branch, state)] = {s: (branch, nxt) for s, nxt in edges.items()}
    emb["last"] = {"E": "end"}
    emb["end"] = {}
    return emb


_EMBEDDED_REBER = _embed(_REBER)


def _grammar(embedded):
    return _EMBEDDED_REBER if embedded else _REBER


def reber_strings(n, rng, *, embedded=True):
    """``n`` random strings of the (embedded) Reber grammar, as a list of str.

    Each branch is taken with probability 1/2.  Plain strings look like
    ``"BTSSXXTVVE"``; embedded ones like ``"BTBPVVETE"``: the second symbol (T or
    P) must be repeated as the second-to-last, after the whole inner string.
    """
    n = check_positive_int(n, "n")
    rng = _rng(rng)
    g = _grammar(embedded)
    out = []
    for _ in range(n):
        state, chars = "start", []
        while state != "end":
            edges = list(g[state].items())
            sym, state = edges[int(rng.integers(len(edges)))] if len(edges) > 1 else edges[0]
            chars.append(sym)
        out.append("".join(chars))
    return out


def is_reber(s, *, embedded=True):
    """True if the string ``s`` belongs to the (embedded) Reber grammar."""
    if not isinstance(s, str):
        raise TypeError(f"s: expected a str, got {type(s).__name__}")
    g, state = _grammar(embedded), "start"
    for c in s:
        if c not in g[state]:
            return False
        state = g[state][c]
    return state == "end"


class ReberBatch(NamedTuple):
    """A batch of Reber strings prepared for next-symbol prediction.

    ``x`` ``(T, B, 7)`` one-hot of the symbols ``s[0..n-2]`` (zeros after the end);
    ``targets`` ``(T, B)`` int64, the next symbols ``s[1..n-1]`` (0 after the end);
    ``mask`` ``(T, B)`` bool, True on the ``n - 1`` real prediction steps;
    ``legal`` ``(T, B, 7)`` bool, the symbols the grammar allows after each prefix;
    ``lengths`` ``(B,)`` int64, ``n - 1``; ``strings`` the list of strings.
    ``T`` is the longest string's length minus 1.
    """
    x: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    legal: np.ndarray
    lengths: np.ndarray
    strings: list


def encode_reber(strings, *, embedded=True, dtype=np.float64):
    """Encode Reber strings as a :class:`ReberBatch` (inputs, next-symbol targets, mask,
    legal next symbols).  Every string must belong to the grammar."""
    dt = check_dtype(dtype)
    if isinstance(strings, str) or not isinstance(strings, (list, tuple)) or not strings:
        raise TypeError(f"strings: expected a non-empty list of str, got {type(strings).__name__}")
    g = _grammar(embedded)
    for i, s in enumerate(strings):
        if not is_reber(s, embedded=embedded):
            kind = "embedded Reber" if embedded else "Reber"
            raise ValueError(f"strings[{i}]: expected a string of the {kind} grammar, got {s!r}")
    B = len(strings)
    T = max(len(s) for s in strings) - 1
    sym = np.zeros((T, B), dtype=np.int64)
    targets = np.zeros((T, B), dtype=np.int64)
    mask = np.zeros((T, B), dtype=bool)
    legal = np.zeros((T, B, len(REBER_SYMBOLS)), dtype=bool)
    for b, s in enumerate(strings):
        state = "start"
        for t in range(len(s) - 1):
            state = g[state][s[t]]
            sym[t, b] = _REBER_INDEX[s[t]]
            targets[t, b] = _REBER_INDEX[s[t + 1]]
            mask[t, b] = True
            for c in g[state]:
                legal[t, b, _REBER_INDEX[c]] = True
    x = one_hot(sym, len(REBER_SYMBOLS), dtype=dt) * mask[..., None]
    lengths = np.array([len(s) - 1 for s in strings], dtype=np.int64)
    return ReberBatch(x, targets, mask, legal, lengths, list(strings))


def embedded_reber(B, rng, *, embedded=True, dtype=np.float64):
    """``B`` random (embedded) Reber strings, encoded: see :class:`ReberBatch`."""
    B = check_positive_int(B, "B")
    return encode_reber(reber_strings(B, rng, embedded=embedded), embedded=embedded, dtype=dtype)


def reber_correct(scores, legal, mask, *, mode="strict"):
    """Which strings were predicted correctly: bool array ``(B,)``.

    ``scores`` ``(T, B, 7)``: the model's outputs (logits or probabilities) at
    each step.  ``mode="strict"`` (Hochreiter and Schmidhuber 1997): at every
    unmasked step, every legal next symbol scores higher than every illegal one.
    ``mode="argmax"``: at every unmasked step the top-scoring symbol is legal.
    """
    legal = check_array(np.asarray(legal), "legal", ("T", "B", len(REBER_SYMBOLS)))
    if legal.dtype != bool:
        raise TypeError(f"legal: expected a bool array (True = legal next symbol), "
                        f"got dtype {legal.dtype}")
    T, B, K = legal.shape
    mask = check_array(np.asarray(mask), "mask", (T, B))
    if mask.dtype != bool:
        if mask.dtype.kind not in "iuf":
            raise TypeError(f"mask: expected a bool or 0/1 array, got dtype {mask.dtype}")
        if not np.isin(mask, (0, 1)).all():
            raise ValueError(f"mask: expected only 0 and 1 (or a bool array), got values "
                             f"{np.unique(mask[~np.isin(mask, (0, 1))])[:5].tolist()}")
    scores = check_array(np.asarray(scores), "scores", (T, B, K))
    if scores.dtype.kind not in "iuf":
        raise TypeError(f"scores: expected a real-valued numeric array, got dtype {scores.dtype}")
    if mode == "strict":
        lo = np.where(legal, scores, np.inf).min(axis=-1)
        hi = np.where(legal, -np.inf, scores).max(axis=-1)
        ok = lo > hi
    elif mode == "argmax":
        ok = np.take_along_axis(legal, scores.argmax(axis=-1)[..., None], axis=-1)[..., 0]
    else:
        raise ValueError(f"mode: expected 'strict' or 'argmax', got {mode!r}")
    return np.all(ok | ~mask.astype(bool), axis=0)


# ----------------------------------------------------------------------------- tagging

def future_tagging(T, B, shift, n_symbols, rng, *, dtype=np.float64):
    """Tag each step with the symbol ``shift`` steps away: ``y_t = x_{t+shift}``.

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


# ----------------------------------------------------------------------------- forecasting

def noisy_sine(T, B, rng, *, horizon=1, noise=0.1, periods=(10.0, 30.0),
               amplitudes=(0.5, 1.5), dtype=np.float64):
    """Forecast a noisy sine wave ``horizon`` steps ahead.

    Sequence ``b`` observes ``o_t = A_b sin(2 pi t / P_b + phi_b) + noise * eps_t``,
    ``eps_t ~ N(0, 1)``, with ``P_b ~ U(periods)``, ``A_b ~ U(amplitudes)``,
    ``phi_b ~ U(0, 2 pi)``.  Input ``x_t = o_t``, target ``y_t = o_{t+horizon}``
    (a noisy target: the best possible MSE is about ``noise**2``).
    The random numbers are drawn in a fixed order, so ``noise=0`` with the same
    seed gives the clean version of the same waves.

    Returns ``x`` and ``y`` of shape ``(T, B, 1)``, ``dtype``.
    """
    T = check_positive_int(T, "T")
    B = check_positive_int(B, "B")
    horizon = check_positive_int(horizon, "horizon")
    noise = _nonneg_float(noise, "noise")
    p_lo, p_hi = _interval(periods, "periods")
    a_lo, a_hi = _interval(amplitudes, "amplitudes", positive=False)
    dt = check_dtype(dtype)
    rng = _rng(rng)
    period = rng.uniform(p_lo, p_hi, size=B)
    amp = rng.uniform(a_lo, a_hi, size=B)
    phase = rng.uniform(0.0, 2 * np.pi, size=B)
    eps = rng.standard_normal((T + horizon, B))
    t = np.arange(T + horizon)[:, None]
    o = amp * np.sin(2 * np.pi * t / period + phase) + noise * eps
    return o[:T, :, None].astype(dt), o[horizon:, :, None].astype(dt)


# ----------------------------------------------------------------------------- classification

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


# ----------------------------------------------------------------------------- counting

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
