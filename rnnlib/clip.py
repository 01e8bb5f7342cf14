"""Gradient clipping (Pascanu et al. 2013), applied in place to a ``grads`` dict.

The global norm treats all gradients as one long vector ``g``:
``||g|| = sqrt(sum over every array and entry of g_i^2)``.
"""
import math

import numpy as np

__all__ = ["global_norm", "clip_grad_norm", "clip_grad_value"]


def _check_grads(grads):
    if not isinstance(grads, dict):
        raise TypeError(f"grads: expected a dict name -> array, got {type(grads).__name__}")
    for name, g in grads.items():
        if not isinstance(g, np.ndarray) or g.dtype.kind != "f":
            raise TypeError(f"grads[{name!r}]: expected a float numpy array, "
                            f"got {type(g).__name__ if not isinstance(g, np.ndarray) else g.dtype}")
    return grads


def _check_threshold(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a positive real number, got {type(value).__name__}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name}: expected a finite number > 0, got {value!r}")
    return float(value)


def global_norm(grads):
    """``||g|| = sqrt(sum_i g_i^2)`` over all arrays in ``grads`` (computed in float64); a float."""
    _check_grads(grads)
    total = 0.0
    for g in grads.values():
        flat = g.ravel()
        total += float(np.dot(flat, flat)) if g.dtype == np.float64 else \
            float(np.dot(flat.astype(np.float64), flat.astype(np.float64)))
    return math.sqrt(total)


def clip_grad_norm(grads, max_norm):
    """Rescale: if ``||g|| > max_norm`` then ``g <- g * max_norm / ||g||`` (in place).

    Returns the global norm *before* clipping (a float).  A non-finite norm (NaN or
    Inf gradients) is returned and the gradients are left unchanged, so the caller
    can detect the divergence.
    """
    max_norm = _check_threshold(max_norm, "max_norm")
    norm = global_norm(grads)
    if math.isfinite(norm) and norm > max_norm:
        scale = max_norm / norm
        for g in grads.values():
            g *= g.dtype.type(scale)
    return norm


def clip_grad_value(grads, value):
    """Clip every entry to ``[-value, value]`` in place (changes the direction of ``g``)."""
    value = _check_threshold(value, "value")
    for g in _check_grads(grads).values():
        np.clip(g, -value, value, out=g)
