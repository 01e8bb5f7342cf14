"""Affine layers applied at every time step: ``y_t = W h_t + b``.

``Linear`` is the plain affine map with parameters ``W`` and ``b`` (e.g. a hidden
layer of a feed-forward network).  ``OutputLayer`` is the same map used as the
output head of a recurrent network, with the course's names:
``y_t = W_hy h_t + b_y`` (chapter label ``rnn-intro``).
"""
import numpy as np

from ._checks import as_rng, check_array, check_dtype, check_positive_int
from . import init as _init

__all__ = ["Linear", "OutputLayer"]


class Linear:
    """Affine map ``y = W x + b`` on the last axis.

    Parameters ``W (out_features, in_features)`` (Xavier-uniform) and ``b (out_features,)`` (zero).
    ``forward(x (..., in_features)) -> y (..., out_features)``, e.g. ``(T, B, H) -> (T, B, K)``;
    ``backward(dy (..., out_features)) -> dx (..., in_features)`` fills ``grads`` with
    ``dW = sum over all leading positions of dy x^T`` and ``db = sum of dy``.
    Not recurrent: it returns a single array, not ``(outputs, state)``.
    """

    weight, bias = "W", "b"          # the keys of the two parameters in params and grads

    def __init__(self, in_features, out_features, *, rng=None, dtype=np.float64):
        self.in_features = check_positive_int(in_features, "in_features")
        self.out_features = check_positive_int(out_features, "out_features")
        self.dtype = check_dtype(dtype)
        self.params = {
            self.weight: _init.xavier_uniform((self.out_features, self.in_features), as_rng(rng),
                                              dtype=self.dtype),
            self.bias: np.zeros(self.out_features, dtype=self.dtype),
        }
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._x = None

    def __repr__(self):
        return (f"{type(self).__name__}(in_features={self.in_features}, "
                f"out_features={self.out_features}, dtype={self.dtype.name})")

    def forward(self, x):
        """``y = x @ W.T + b`` on the last axis (``W x + b`` for each row vector x)."""
        if not isinstance(x, np.ndarray):
            raise TypeError(f"x: expected a numpy array of shape (..., {self.in_features}), "
                            f"got {type(x).__name__}")
        if x.ndim < 1:
            raise ValueError(f"x: expected an array of shape (..., {self.in_features}), "
                             f"got a 0-D array")
        check_array(x, "x", x.shape[:-1] + (self.in_features,), self.dtype)
        if x.size == 0:
            raise ValueError(f"x: expected a non-empty array, got shape {x.shape}")
        self._x = x
        y = x @ self.params[self.weight].T
        y += self.params[self.bias]
        return y

    def backward(self, dy):
        """Return ``dx = dy @ W`` (``W^T dy``); set ``grads[W] = sum dy x^T``, ``grads[b] = sum dy``.

        (``W`` and ``b`` stand for ``W_hy`` and ``b_y`` in an ``OutputLayer``.)
        """
        if self._x is None:
            raise RuntimeError(f"{type(self).__name__}.backward: no forward pass to "
                               f"differentiate; call forward first")
        x = self._x
        check_array(dy, "dy", x.shape[:-1] + (self.out_features,), self.dtype)
        x2 = x.reshape(-1, self.in_features)
        dy2 = dy.reshape(-1, self.out_features)
        np.matmul(dy2.T, x2, out=self.grads[self.weight])
        np.sum(dy2, axis=0, out=self.grads[self.bias])
        return dy @ self.params[self.weight]


class OutputLayer(Linear):
    """The output head ``y_t = W_hy h_t + b_y``: a ``Linear`` whose parameters are
    ``W_hy (K, H)`` and ``b_y (K,)``, as in every equation of the course."""

    weight, bias = "W_hy", "b_y"
