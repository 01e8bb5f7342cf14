"""Gradient-descent optimisers that update parameters in place.

Every optimiser has ``step(params, grads)``: ``params`` and ``grads`` are dicts with
the same keys and shapes (a layer's or model's ``params``/``grads``).  Each
parameter array is modified in place (never rebound), so a layer that holds it
sees the new values.  Per-parameter state (velocities, running averages) is kept
in ``opt.state[name]``, keyed by the parameter's name; ``opt.t`` counts steps;
``opt.reset()`` forgets the state.  ``step`` checks everything before updating anything:
each gradient must have its parameter's shape and dtype and finite values, and an existing
state buffer must have its parameter's shape (else ValueError/TypeError naming the key).

Notation: ``theta`` a parameter, ``g`` its gradient, ``eta`` the learning rate ``lr``.
"""
import math

import numpy as np

__all__ = ["Optimizer", "SGD", "Momentum", "Adagrad", "RMSProp", "Adam"]


def _check_real(value, name, low, high=math.inf, low_open=True, high_open=True):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a real number, got {type(value).__name__}")
    v = float(value)
    lo_ok = v > low if low_open else v >= low
    hi_ok = v < high if high_open else v <= high
    if not (math.isfinite(v) and lo_ok and hi_ok):
        lb = "(" if low_open else "["
        hb = ")" if high_open else "]"
        raise ValueError(f"{name}: expected a finite number in {lb}{low}, {high}{hb}, got {value!r}")
    return v


class Optimizer:
    """Base class: validates ``params``/``grads`` and calls ``_update`` for each parameter."""

    def __init__(self, lr):
        self.lr = _check_real(lr, "lr", 0.0)
        self.state = {}
        self.t = 0

    def reset(self):
        """Forget all per-parameter state and the step counter."""
        self.state = {}
        self.t = 0

    def step(self, params, grads):
        """Apply one update ``theta <- theta + delta(g)`` to every parameter, in place."""
        if not isinstance(params, dict) or not isinstance(grads, dict):
            raise TypeError(f"params, grads: expected two dicts name -> array, got "
                            f"{type(params).__name__} and {type(grads).__name__}")
        if params.keys() != grads.keys():
            raise ValueError(f"grads: expected the same keys as params {sorted(params)}, "
                             f"got {sorted(grads)}")
        for name, p in params.items():
            g = grads[name]
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                raise TypeError(f"params[{name!r}]: expected a float numpy array, "
                                f"got {type(p).__name__}")
            if not isinstance(g, np.ndarray) or g.shape != p.shape:
                got = g.shape if isinstance(g, np.ndarray) else type(g).__name__
                raise ValueError(f"grads[{name!r}]: expected an array of shape {p.shape}, got {got}")
            if g.dtype != p.dtype:
                raise TypeError(f"grads[{name!r}]: expected dtype {p.dtype} (that of "
                                f"params[{name!r}]), got {g.dtype}")
            if not np.isfinite(g).all():
                raise ValueError(f"grads[{name!r}]: expected finite values, got NaN or Inf "
                                 f"(lower the learning rate or clip the gradients)")
            for key, buf in self.state.get(name, {}).items():
                if buf.shape != p.shape:
                    raise ValueError(f"params[{name!r}]: expected shape {buf.shape} (that of the "
                                     f"optimiser's state {key!r} for it), got {p.shape}; the "
                                     f"parameter was re-created: call opt.reset() or use a new "
                                     f"optimiser")
        self.t += 1
        for name, p in params.items():
            self._update(name, p, grads[name])

    def _update(self, name, p, g):  # pragma: no cover - abstract
        raise NotImplementedError

    def _buffer(self, name, key, p):
        st = self.state.setdefault(name, {})
        if key not in st:
            st[key] = np.zeros_like(p)
        return st[key]

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if k not in ("state", "t"))
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Plain gradient descent: ``theta <- theta - eta g``."""

    def _update(self, name, p, g):
        p -= p.dtype.type(self.lr) * g


class Momentum(Optimizer):
    """Classical momentum (Goodfellow et al. 2016, alg. 8.2):
    ``v <- mu v - eta g``, ``theta <- theta + v`` (``v`` starts at 0)."""

    def __init__(self, lr, momentum=0.9):
        super().__init__(lr)
        self.momentum = _check_real(momentum, "momentum", 0.0, 1.0, low_open=False)

    def _update(self, name, p, g):
        v = self._buffer(name, "v", p)
        v *= p.dtype.type(self.momentum)
        v -= p.dtype.type(self.lr) * g
        p += v


class Adagrad(Optimizer):
    """Adagrad (Duchi et al. 2011): ``r <- r + g^2``, ``theta <- theta - eta g / (sqrt(r) + eps)``."""

    def __init__(self, lr=0.01, eps=1e-8):
        super().__init__(lr)
        self.eps = _check_real(eps, "eps", 0.0)

    def _update(self, name, p, g):
        r = self._buffer(name, "r", p)
        r += g * g
        p -= p.dtype.type(self.lr) * g / (np.sqrt(r) + p.dtype.type(self.eps))


class RMSProp(Optimizer):
    """RMSProp (Hinton 2012): ``r <- rho r + (1 - rho) g^2``,
    ``theta <- theta - eta g / (sqrt(r) + eps)`` (``r`` starts at 0)."""

    def __init__(self, lr=0.001, rho=0.9, eps=1e-8):
        super().__init__(lr)
        self.rho = _check_real(rho, "rho", 0.0, 1.0, low_open=False)
        self.eps = _check_real(eps, "eps", 0.0)

    def _update(self, name, p, g):
        r = self._buffer(name, "r", p)
        rho = p.dtype.type(self.rho)
        r *= rho
        r += (1 - rho) * g * g
        p -= p.dtype.type(self.lr) * g / (np.sqrt(r) + p.dtype.type(self.eps))


class Adam(Optimizer):
    """Adam (Kingma and Ba 2015), with bias correction at step ``t = 1, 2, ...``:
    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g^2``,
    ``theta <- theta - eta (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)``."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1 = _check_real(beta1, "beta1", 0.0, 1.0, low_open=False)
        self.beta2 = _check_real(beta2, "beta2", 0.0, 1.0, low_open=False)
        self.eps = _check_real(eps, "eps", 0.0)

    def _update(self, name, p, g):
        m = self._buffer(name, "m", p)
        v = self._buffer(name, "v", p)
        f = p.dtype.type
        m *= f(self.beta1)
        m += f(1 - self.beta1) * g
        v *= f(self.beta2)
        v += f(1 - self.beta2) * g * g
        mhat = m / f(1 - self.beta1 ** self.t)
        vhat = v / f(1 - self.beta2 ** self.t)
        p -= f(self.lr) * mhat / (np.sqrt(vhat) + f(self.eps))
