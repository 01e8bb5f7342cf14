"""Batches for a character language model: random windows, consecutive streams, a split.

* :func:`char_batch`   -- ``B`` random windows of ``T`` characters (stateless training).
* :func:`char_stream`  -- consecutive batches of ``B`` contiguous streams (stateful
  training with truncated BPTT, chapter label ``bptt-truncated``).
* :func:`split_text`   -- a training head and a validation tail.

Inputs and next-character targets are int64 arrays of shape ``(T, B)``.
"""
import numpy as np

from .._checks import as_rng, check_positive_int

__all__ = ["char_batch", "char_stream", "split_text"]


def _check_ids(ids, T):
    a = np.asarray(ids)
    if a.ndim != 1 or a.dtype.kind not in "iu":
        raise TypeError(f"ids: expected a 1-D integer array (an encoded text), "
                        f"got {a.ndim}-D array of dtype {a.dtype}")
    if a.size < T + 1:
        raise ValueError(f"ids: expected at least T + 1 = {T + 1} ids, got {a.size}")
    return a


def char_batch(ids, T, B, rng):
    """A random batch for a character language model.

    Draws ``B`` start positions ``s_b`` uniformly and returns ``x[t, b] = ids[s_b + t]``
    and next-character targets ``y[t, b] = ids[s_b + t + 1]``, both int64 ``(T, B)``.
    """
    T = check_positive_int(T, "T")
    B = check_positive_int(B, "B")
    a = _check_ids(ids, T)
    if rng is None:
        raise TypeError("rng: expected an int seed or a numpy.random.Generator, got None")
    rng = as_rng(rng)
    starts = rng.integers(0, a.size - T, size=B)
    idx = starts[None, :] + np.arange(T)[:, None]
    return a[idx].astype(np.int64), a[idx + 1].astype(np.int64)


def char_stream(ids, T, B):
    """Consecutive batches for stateful training (truncated BPTT): a generator of ``(x, y)``.

    The text is cut into ``B`` contiguous streams of equal length; batch ``k`` holds
    steps ``k T .. (k+1) T - 1`` of every stream, so the final hidden state of one
    batch is the right initial state for the next.  ``x``, ``y``: int64 ``(T, B)``,
    ``y`` the next characters.  The leftover tail (fewer than ``T`` steps) is dropped.
    """
    T = check_positive_int(T, "T")
    B = check_positive_int(B, "B")
    a = _check_ids(ids, T)
    n = (a.size - 1) // B
    if n < T:
        raise ValueError(f"ids: expected at least B * T + 1 = {B * T + 1} ids for B = {B} "
                         f"streams of T = {T} steps, got {a.size}")
    xs = a[:n * B].reshape(B, n).T
    ys = a[1:n * B + 1].reshape(B, n).T
    for k in range(n // T):
        yield (np.ascontiguousarray(xs[k * T:(k + 1) * T], dtype=np.int64),
               np.ascontiguousarray(ys[k * T:(k + 1) * T], dtype=np.int64))


def split_text(text, valid_fraction=0.1):
    """Split ``text`` (str or 1-D array) into a training head and a validation tail."""
    if isinstance(valid_fraction, bool) or not isinstance(valid_fraction, (float, int)) \
            or not 0 < valid_fraction < 1:
        raise ValueError(f"valid_fraction: expected a number in (0, 1), got {valid_fraction!r}")
    n = len(text)
    cut = n - int(round(n * valid_fraction))
    if cut < 1 or cut >= n:
        raise ValueError(f"text: expected enough characters to split with valid_fraction "
                         f"{valid_fraction}, got {n}")
    return text[:cut], text[cut:]
