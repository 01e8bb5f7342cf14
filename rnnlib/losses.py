"""Losses for sequence outputs: softmax cross-entropy and squared error.

Course notation (chapter label ``bptt-loss``): a sequence ``s`` with outputs
``y^(t)`` and targets ``d^(t)`` has the error

    E_s = sum_t E^(t)(y^(t), d^(t)),

and the total error over a batch is ``E = sum_s E_s``.

Conventions used by every loss here
-----------------------------------
* Logits/outputs are time-major ``(T, B, K)`` (one output per step, many-to-many)
  or ``(B, K)`` (one output per sequence, many-to-one; then ``E_s = E^(T)``).
* ``mask`` (optional) has the shape of the per-step terms, ``(T, B)`` or ``(B,)``,
  and holds booleans or 0/1 numbers: padded steps of variable-length sequences
  get 0 and contribute nothing (neither to the loss nor to the gradient).
* ``reduction="sum"`` returns the total error ``E = sum_s E_s`` over the
  unmasked steps.  ``reduction="mean"`` returns ``E / N`` where ``N`` is the
  number of unmasked scalar terms: unmasked ``(t, b)`` pairs for cross-entropy
  (so it is the mean error per predicted token, in nats) and unmasked
  ``(t, b, k)`` entries for ``mse`` (so it is the ordinary mean squared error).
* Every loss returns ``(loss, grad)``: ``loss`` is a Python float, ``grad`` is
  ``dloss/d(logits or y)``, same shape and dtype as the logits/outputs.
"""
import numpy as np

from ._checks import _shape_str

__all__ = ["softmax", "log_softmax", "softmax_cross_entropy", "mse", "sequence_error"]

_REDUCTIONS = ("mean", "sum")


def _check_logits(z, name):
    if not isinstance(z, np.ndarray):
        raise TypeError(f"{name}: expected a numpy array, got {type(z).__name__}")
    if z.dtype not in (np.float32, np.float64):
        raise TypeError(f"{name}: expected dtype float32 or float64, got {z.dtype}")
    if z.ndim not in (2, 3):
        raise ValueError(f"{name}: expected shape (T, B, K) or (B, K), "
                         f"got {z.ndim}-D array of shape {_shape_str(z.shape)}")
    if 0 in z.shape:
        raise ValueError(f"{name}: expected every dimension >= 1, got shape {_shape_str(z.shape)}")
    if not np.isfinite(z).all():
        raise ValueError(f"{name}: expected finite values, got NaN or Inf")
    return z


def _check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction: expected 'mean' or 'sum', got {reduction!r}")


def _check_mask(mask, shape):
    """Return the mask as a boolean array of ``shape`` (``None`` -> all True)."""
    if mask is None:
        return None
    if not isinstance(mask, np.ndarray):
        raise TypeError(f"mask: expected a numpy array of shape {_shape_str(shape)}, "
                        f"got {type(mask).__name__}")
    if mask.shape != tuple(shape):
        raise ValueError(f"mask: expected shape {_shape_str(shape)}, got {_shape_str(mask.shape)}")
    if mask.dtype == bool:
        m = mask
    elif mask.dtype.kind in "iuf":
        if not np.isin(mask, (0, 1)).all():
            raise ValueError("mask: expected booleans or 0/1 values, got other values")
        m = mask.astype(bool)
    else:
        raise TypeError(f"mask: expected a boolean or 0/1 numeric array, got dtype {mask.dtype}")
    if not m.any():
        raise ValueError("mask: expected at least one unmasked (True) entry, got none")
    return m


def log_softmax(z, axis=-1):
    """Stable ``log softmax(z)`` along ``axis``: ``z - max(z) - log sum exp(z - max(z))``.

    No overflow for logits of any finite size (e.g. +-1000).  Same shape and dtype as ``z``.
    """
    z = np.asarray(z)
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(z, axis=-1):
    """Stable ``softmax(z)_k = exp(z_k) / sum_j exp(z_j)`` along ``axis``; same shape as ``z``."""
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _check_targets(targets, shape, K, m):
    if not isinstance(targets, np.ndarray):
        raise TypeError(f"targets: expected an integer numpy array of shape {_shape_str(shape)}, "
                        f"got {type(targets).__name__}")
    if targets.dtype.kind not in "iu":
        raise TypeError(f"targets: expected an integer dtype (class indices), got {targets.dtype}")
    if targets.shape != tuple(shape):
        raise ValueError(f"targets: expected shape {_shape_str(shape)} (logits shape without K), "
                         f"got {_shape_str(targets.shape)}")
    live = targets if m is None else targets[m]
    if live.size and (live.min() < 0 or live.max() >= K):
        raise ValueError(f"targets: expected class indices in [0, {K - 1}] (K = {K}) at unmasked "
                         f"positions, got values in [{live.min()}, {live.max()}]")


def _ce_terms(logits, targets, mask):
    """Per-step errors ``E^(t) = -log softmax(z^(t))[d^(t)]``, flattened to (N,), and helpers."""
    _check_logits(logits, "logits")
    K = logits.shape[-1]
    m = _check_mask(mask, logits.shape[:-1])
    _check_targets(targets, logits.shape[:-1], K, m)
    idx = targets if m is None else np.where(m, targets, 0)   # padded targets may be anything
    idx = idx.reshape(-1)
    rows = np.arange(idx.size)
    logp = log_softmax(logits.reshape(-1, K))                 # (N, K), N = T*B or B
    terms = -logp[rows, idx]
    if m is not None:
        terms *= m.reshape(-1)
    return terms, logp, rows, idx, m


def softmax_cross_entropy(logits, targets, mask=None, reduction="mean"):
    """Softmax cross-entropy: ``E^(t) = -log p^(t)[d^(t)]`` with ``p^(t) = softmax(z^(t))``.

    Parameters
    ----------
    logits : (T, B, K) or (B, K) float array, the unnormalised scores ``z^(t) = W_hy h_t + b_y``.
    targets : (T, B) or (B,) integer class indices ``d^(t)`` in ``[0, K)``.  At masked
        positions any value is allowed (e.g. -1 as padding).
    mask : optional (T, B) or (B,) booleans or 0/1; False/0 = padding, ignored.
    reduction : "sum" -> ``E = sum_s sum_t E^(t)`` (total error over the batch);
        "mean" -> ``E / N`` with ``N`` = number of unmasked ``(t, b)`` terms.

    Returns
    -------
    loss : float
    dlogits : array like ``logits``, ``dE/dz^(t) = (p^(t) - onehot(d^(t))) * mask / N``
        (``/ N`` only for "mean").
    """
    _check_reduction(reduction)
    terms, logp, rows, idx, m = _ce_terms(logits, targets, mask)
    n = terms.size if m is None else int(m.sum())
    scale = 1.0 / n if reduction == "mean" else 1.0
    loss = float(terms.sum(dtype=np.float64) * scale)
    dlogits = np.exp(logp, out=logp)                           # p^(t)
    dlogits[rows, idx] -= 1                                    # p^(t) - onehot(d^(t))
    if m is not None:
        dlogits *= m.reshape(-1, 1)
    if scale != 1.0:
        dlogits *= logits.dtype.type(scale)
    return loss, dlogits.reshape(logits.shape)


def _mse_check(y, d, mask):
    _check_logits(y, "y")
    if not isinstance(d, np.ndarray):
        raise TypeError(f"d: expected a numpy array of shape {_shape_str(y.shape)}, "
                        f"got {type(d).__name__}")
    if d.shape != y.shape:
        raise ValueError(f"d: expected shape {_shape_str(y.shape)} (the shape of y), "
                         f"got {_shape_str(d.shape)}")
    if d.dtype.kind not in "iuf":
        raise TypeError(f"d: expected a real numeric dtype, got {d.dtype}")
    if not np.isfinite(d).all():
        raise ValueError("d: expected finite values, got NaN or Inf")
    m = _check_mask(mask, y.shape[:-1])
    return d.astype(y.dtype, copy=False), m


def mse(y, d, mask=None, reduction="mean"):
    """Squared error: ``E^(t) = ||y^(t) - d^(t)||^2`` (sum over the K outputs, no factor 1/2).

    Parameters
    ----------
    y : (T, B, K) or (B, K) float array of outputs.
    d : targets, same shape as ``y`` (cast to ``y.dtype``).
    mask : optional (T, B) or (B,) booleans or 0/1; False/0 = padding, ignored.
    reduction : "sum" -> ``E = sum_s sum_t E^(t)``; "mean" -> ``E / (N K)`` with ``N`` the
        number of unmasked ``(t, b)`` pairs, i.e. the ordinary mean squared error over the
        unmasked entries (for the adding problem the "predict 1" baseline is 1/6 ~ 0.167).

    Returns
    -------
    loss : float
    dy : array like ``y``, ``dE/dy^(t) = 2 (y^(t) - d^(t)) * mask`` (divided by ``N K`` for "mean").
    """
    _check_reduction(reduction)
    d, m = _mse_check(y, d, mask)
    diff = y - d
    if m is not None:
        diff *= m[..., None]
    n = (diff.size if m is None else int(m.sum()) * y.shape[-1])
    scale = 1.0 / n if reduction == "mean" else 1.0
    loss = float(np.square(diff, dtype=np.float64).sum() * scale)
    dy = diff
    dy *= y.dtype.type(2.0 * scale)
    return loss, dy


def sequence_error(y, d, mask=None, loss="cross_entropy"):
    """Per-sequence error ``E_s = sum_t E^(t)(y^(t), d^(t))`` over unmasked steps; shape (B,).

    ``y`` and ``d`` are as for :func:`softmax_cross_entropy` (``loss="cross_entropy"``:
    logits and integer targets) or :func:`mse` (``loss="mse"``).  For many-to-one
    ``(B, K)`` outputs ``E_s`` is the single error ``E^(T)``.  ``sequence_error(...).sum()``
    equals the loss with ``reduction="sum"``.  Returned as float64.
    """
    if loss == "cross_entropy":
        terms = _ce_terms(y, d, mask)[0].astype(np.float64).reshape(y.shape[:-1])
    elif loss == "mse":
        d, m = _mse_check(y, d, mask)
        terms = np.square(y.astype(np.float64) - d).sum(axis=-1)
        if m is not None:
            terms = np.where(m, terms, 0.0)
    else:
        raise ValueError(f"loss: expected 'cross_entropy' or 'mse', got {loss!r}")
    return terms.sum(axis=0) if terms.ndim == 2 else terms
