"""A fully connected (affine) layer applied at every time step: ``y_t = W h_t + b``.

As the output head of a recurrent network this is ``y_t = W_hy h_t + b_y``: the
parameter ``W`` is the course's ``W_hy`` and ``b`` is ``b_y``.
"""
import numpy as np

from ._checks import as_rng, check_array, check_dtype, check_positive_int
from . import init as _init


class Linear:
    """Affine map ``y = W x + b`` on the last axis.

    Parameters ``W (out_features, in_features)`` (Xavier-uniform) and ``b (out_features,)`` (zero).
    ``forward(x (..., in_features)) -> y (..., out_features)``, e.g. ``(T, B, H) -> (T, B, K)``;
    ``backward(dy (..., out_features)) -> dx (..., in_features)`` fills ``grads`` with
    ``dW = sum over all leading positions of dy x^T`` and ``db = sum of dy``.
    Not recurrent: it returns a single array, not ``(outputs, state)``.
    """

    def __init__(self, in_features, out_features, *, rng=None, dtype=np.float64):
        self.in_features = check_positive_int(in_features, "in_features")
        self.out_features = check_positive_int(out_features, "out_features")
        self.dtype = check_dtype(dtype)
        self.params = {
            "W": _init.xavier_uniform((self.out_features, self.in_features), as_rng(rng),
                                      dtype=self.dtype),
            "b": np.zeros(self.out_features, dtype=self.dtype),
        }
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._x = None

    def __repr__(self):
        return (f"Linear(in_features={self.in_features}, out_features={self.out_features}, "
                f"dtype={self.dtype.name})")

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
        y = x @ self.params["W"].T
        y += self.params["b"]
        return y

    def backward(self, dy):
        """Return ``dx = dy @ W`` (``W^T dy``); set ``grads["W"] = sum dy x^T``, ``grads["b"] = sum dy``."""
        if self._x is None:
            raise RuntimeError("Linear.backward: no forward pass to differentiate; call forward first")
        x = self._x
        check_array(dy, "dy", x.shape[:-1] + (self.out_features,), self.dtype)
        x2 = x.reshape(-1, self.in_features)
        dy2 = dy.reshape(-1, self.out_features)
        np.matmul(dy2.T, x2, out=self.grads["W"])
        np.sum(dy2, axis=0, out=self.grads["b"])
        return dy @ self.params["W"]
