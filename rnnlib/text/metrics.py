"""Metrics of a character language model: bits per character."""
import math

import numpy as np

__all__ = ["bits_per_char"]


def bits_per_char(mean_nll):
    """Convert a mean cross-entropy in nats per character to bits per character.

    ``mean_nll`` must be a finite number >= 0 (a cross-entropy is never negative)."""
    if isinstance(mean_nll, (bool, np.bool_)) or not isinstance(
            mean_nll, (int, float, np.integer, np.floating)) \
            and not (isinstance(mean_nll, np.ndarray) and mean_nll.ndim == 0):
        raise TypeError(f"mean_nll: expected a finite number >= 0 (nats per character), "
                        f"got {type(mean_nll).__name__}")
    v = float(mean_nll)
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"mean_nll: expected a finite number >= 0 (nats per character), "
                         f"got {mean_nll!r}")
    return v / math.log(2.0)
