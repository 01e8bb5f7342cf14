"""A learning-rate schedule for a fixed number of updates (chapter label ``lm-training``).

Cosine decay from ``lr_max`` at update 0 to ``lr_min`` at the last update n - 1
(``lm-eq-cosine``; Loshchilov and Hutter 2017, without restarts)::

    eta_i = lr_min + (lr_max - lr_min) (1 + cos(pi i / (n - 1))) / 2,     i = 0..n-1

Large steps early, while the loss falls fast, and small ones at the end, which
average out the noise of the mini-batch gradient.
"""
import math

from .._checks import check_positive_int

__all__ = ["cosine_lr"]


def cosine_lr(i, n, lr_max, lr_min=0.0):
    """The learning rate of update ``i`` (0-based) of ``n`` (``lm-eq-cosine``)."""
    n = check_positive_int(n, "n")
    if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < n:
        raise ValueError(f"i: expected an int in [0, {n}), got {i!r}")
    for name, v in (("lr_max", lr_max), ("lr_min", lr_min)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) \
                or v < 0:
            raise ValueError(f"{name}: expected a finite number >= 0, got {v!r}")
    if lr_min > lr_max:
        raise ValueError(f"lr_min: expected at most lr_max = {lr_max}, got {lr_min}")
    if n == 1:
        return float(lr_max)
    return lr_min + (lr_max - lr_min) * (1.0 + math.cos(math.pi * i / (n - 1))) / 2.0
