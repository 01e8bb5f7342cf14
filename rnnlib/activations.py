"""Elementwise activations used by the gated layers, written to be overflow-free.

``sigmoid(a) = 1 / (1 + exp(-a)) = 0.5 * (1 + tanh(a / 2))``: the tanh form never
overflows, so pre-activations of +-1000 give exactly 0 or 1 without warnings.
Derivatives in terms of the outputs, as used in backward passes:
``sigmoid' = s (1 - s)``, ``tanh' = 1 - tanh^2``.
"""
import numpy as np


def sigmoid(a, out=None):
    """Logistic sigmoid, computed as 0.5 * (1 + tanh(a / 2)) (no overflow).

    ``a``: a number or an array; ``out``: an optional array of ``a``'s shape to write into."""
    out = np.multiply(a, 0.5, out=out)
    if np.ndim(out) == 0:          # a number: there is no buffer to write into
        return np.tanh(out) * 0.5 + 0.5
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out
