"""Forecasting: predict a noisy sine wave ``horizon`` steps ahead (regression)."""
import numpy as np

from .._checks import check_dtype, check_positive_int
from ._args import _interval, _nonneg_float, _rng

__all__ = ["noisy_sine"]


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
