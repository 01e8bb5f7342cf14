"""Sampling with a temperature, and the entropy of what is sampled (label ``lm-sampling``).

Dividing the logits by a temperature tau > 0 before the softmax (``lm-eq-temperature``)::

    p_k(tau) = exp(y_k / tau) / sum_j exp(y_j / tau)

tau = 1 is the model's own distribution; tau -> 0 puts all mass on the argmax (greedy);
large tau flattens it towards uniform.  Its entropy in bits (``lm-eq-entropy``)::

    H(p) = -sum_k p_k log2 p_k,        0 <= H <= log2 K

``rnnlib.generate(..., temperature=tau)`` samples from exactly ``p(tau)``.
"""
import math

import numpy as np

from ..losses import softmax

__all__ = ["temperature_softmax", "entropy_bits"]


def temperature_softmax(y, temperature):
    """``p(tau) = softmax(y / tau)`` over the last axis (``lm-eq-temperature``), float64."""
    if isinstance(temperature, (bool, np.bool_)) \
            or not isinstance(temperature, (int, float, np.integer, np.floating)) \
            or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature: expected a finite number > 0, got {temperature!r}")
    a = np.asarray(y)
    if a.dtype.kind != "f" or a.ndim < 1:
        raise TypeError(f"y: expected a float array of logits (..., K), got a {a.ndim}-D "
                        f"array of dtype {a.dtype}")
    return softmax(a.astype(np.float64) / float(temperature))


def entropy_bits(p):
    """Entropy in bits of each distribution along the last axis (``lm-eq-entropy``).

    ``p``: ``(..., K)`` probabilities (rows summing to 1); ``0 log 0`` counts as 0."""
    a = np.asarray(p, dtype=np.float64)
    if a.ndim < 1 or np.any(a < 0) or not np.allclose(a.sum(axis=-1), 1.0, atol=1e-6):
        raise ValueError("p: expected probabilities >= 0 whose last axis sums to 1")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(a > 0, a * np.log2(np.where(a > 0, a, 1.0)), 0.0)
    return -terms.sum(axis=-1)
