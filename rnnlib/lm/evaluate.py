"""The loss of a character language model on a text (chapter label ``lm-model``).

The loss is the mean negative log-likelihood of the next character, in nats
(equation ``lm-eq-loss``)::

    L = -(1/N) sum_t log p(c_{t+1} | c_1..c_t),     bits per character = L / ln 2

:func:`stream_nll` reads a whole text as ``streams`` contiguous streams, in chunks of
``T`` steps with the state carried from chunk to chunk (the way the model was
trained), so every prediction but the first of each stream has all of its stream's
past as context.  :func:`char_nll` gives the loss of every character of one passage.
"""
import numpy as np

from .._checks import check_positive_int
from ..losses import log_softmax
from ..model import SequenceModel

__all__ = ["stream_nll", "char_nll"]


def _check_model(model):
    if not isinstance(model, SequenceModel):
        raise TypeError(f"model: expected an rnnlib.SequenceModel, got {type(model).__name__}")
    if model.input_size != model.output_size:
        raise ValueError(f"model: expected one-hot inputs (input_size == output_size), got "
                         f"input_size {model.input_size} and output_size {model.output_size}")
    return model.output_size


def _check_ids(ids, K, minimum):
    a = np.asarray(ids)
    if a.ndim != 1 or a.dtype.kind not in "iu":
        raise TypeError(f"ids: expected a 1-D integer array (an encoded text), "
                        f"got a {a.ndim}-D array of dtype {a.dtype}")
    if a.size < minimum:
        raise ValueError(f"ids: expected at least {minimum} ids, got {a.size}")
    if a.min() < 0 or a.max() >= K:
        raise ValueError(f"ids: expected values in [0, {K}), got [{a.min()}, {a.max()}]")
    return a.astype(np.int64)


def _nll(y, targets):
    """-log softmax(y)[target] per position, float64, shape of ``targets``."""
    lp = log_softmax(y.astype(np.float64))
    return -np.take_along_axis(lp, targets[..., None], axis=-1)[..., 0]


def stream_nll(model, ids, *, streams=64, T=64):
    """Mean loss in nats per character of ``model`` on ``ids``
    (lm-eq-loss).

    The text is cut into ``streams`` contiguous streams of
    ``n = (len(ids) - 1) // streams`` predictions each, read ``T`` steps
    at a time with the state carried (each stream starts from the zero
    state); the last ``len(ids) - 1 - n * streams`` (< ``streams``)
    predictions are left out.  Returns ``(mean_nll, N)``,
    ``N = n * streams``.
    """
    K = _check_model(model)
    streams = check_positive_int(streams, "streams")
    T = check_positive_int(T, "T")
    a = _check_ids(ids, K, streams + 1)
    n = (a.size - 1) // streams
    xs = a[:n * streams].reshape(streams, n).T     # (n, streams)
    ys = a[1:n * streams + 1].reshape(streams, n).T
    eye = np.eye(K, dtype=model.dtype)
    total, state = 0.0, None
    for t0 in range(0, n, T):
        y, state = model.forward(eye[xs[t0:t0 + T]], state)
        total += _nll(y, ys[t0:t0 + T]).sum()
    return total / (n * streams), n * streams


def char_nll(model, ids, *, state=None):
    """Loss in nats of every next character of one passage: ``(len(ids) - 1,)`` float64.

    Entry t is ``-log p(ids[t + 1] | ids[0..t])``, the model reading the passage from
    ``state`` (None = zeros) with batch size 1.
    """
    K = _check_model(model)
    a = _check_ids(ids, K, 2)
    eye = np.eye(K, dtype=model.dtype)
    y, _ = model.forward(eye[a[:-1, None]], state)             # (T, 1, K)
    return _nll(y[:, 0], a[1:])
