"""The adding problem: output the sum of the two marked numbers of a long sequence.

Hochreiter and Schmidhuber (1997), experiment 4, in the form of Le et al. (2015).
Predicting the constant 1 gives MSE 1/6 (:data:`ADDING_BASELINE_MSE`).
"""
import numpy as np

from .._checks import check_dtype, check_positive_int
from ._args import _int_at_least, _rng

__all__ = ["ADDING_BASELINE_MSE", "adding_problem", "adding_baseline_mse"]

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
