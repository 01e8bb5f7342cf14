"""The loss along a line through parameter space (chapter label ``vg-cliff``).

For parameters ``theta_0`` (all arrays of a model) and a direction ``v`` (some of them)::

    ell(alpha) = L(theta_0 + alpha v)                          the loss on the line
    ell'(alpha) = grad L(theta_0 + alpha v) . v                its slope       (vg-eq-slice)

Pascanu, Mikolov and Bengio (2013) draw such slices for a small RNN: flat regions, and a
*cliff* where the loss changes by a lot over a tiny step and the gradient is huge.
:func:`loss_along_line` computes ``ell``, ``ell'`` and the full gradient norm at each alpha,
with one forward and one backward pass per point, and puts the parameters back.

The cliff of a one-unit network ``h_t = tanh(w h_{t-1} + b)`` (no input) comes from its
fixed points, the states that one step leaves where they are::

    h* = tanh(w h* + b),   stable if |w (1 - h*^2)| < 1          (vg-eq-fixed)

(a state near a stable fixed point moves towards it).  :func:`tanh_fixed_points` finds
them all; where their number changes (a bifurcation), the final state jumps.
"""
from collections import namedtuple

import numpy as np

from .clip import global_norm
from .layer import SequenceLayer

__all__ = ["LineSlice", "loss_along_line", "tanh_fixed_points"]

LineSlice = namedtuple("LineSlice", ["alphas", "loss", "slope", "grad_norm"])
LineSlice.__doc__ = """``loss_along_line``'s result: arrays ``(n,)`` of alpha, ell(alpha),
ell'(alpha) and ``||grad L||`` (over all parameters) at each point."""


def _check_direction(direction, params):
    if not isinstance(direction, dict) or not direction:
        raise TypeError(f"direction: expected a non-empty dict name -> array (some of the "
                        f"model's parameters), got {type(direction).__name__}")
    for name, v in direction.items():
        if name not in params:
            raise ValueError(f"direction: {name!r} is not a parameter of the model; "
                             f"expected one of {sorted(params)}")
        if not isinstance(v, np.ndarray) or v.shape != params[name].shape:
            got = v.shape if isinstance(v, np.ndarray) else type(v).__name__
            raise ValueError(f"direction[{name!r}]: expected an array of shape "
                             f"{params[name].shape}, got {got}")
        if not np.isfinite(v).all():
            raise ValueError(f"direction[{name!r}]: expected finite values, got NaN or Inf")


def loss_along_line(model, loss_fn, x, targets, direction, alphas, *, state=None, mask=None,
                    reduction="mean"):
    """``ell(alpha) = L(theta_0 + alpha v)`` and its slope for each alpha (vg-eq-slice).

    ``model``: a recurrent layer or ``SequenceModel``; ``loss_fn(y, targets, mask=...,
    reduction=...) -> (loss, dy)`` as in ``fit``; ``x``, ``targets``, ``state``, ``mask``:
    one fixed batch.  ``direction``: dict name -> array ``v`` (a subset of
    ``model.params``, same shapes); ``alphas``: 1-D numbers.  The model's parameters are
    restored afterwards (its ``grads`` hold those of the last point).  Returns a
    :class:`LineSlice`; a point where the forward pass overflows gets ``nan``.
    """
    if not isinstance(model, SequenceLayer):
        raise TypeError(f"model: expected a recurrent layer or model "
                        f"(rnnlib.layer.SequenceLayer), got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn: expected a function loss_fn(y, targets, mask=None, "
                        f"reduction='mean') -> (loss, dy), got {type(loss_fn).__name__}")
    params = model.params
    _check_direction(direction, params)
    a = np.asarray(alphas, dtype=np.float64)
    if a.ndim != 1 or a.size == 0 or not np.isfinite(a).all():
        raise ValueError(f"alphas: expected a non-empty 1-D array of finite numbers, "
                         f"got shape {a.shape}")
    origin = {name: params[name].copy() for name in direction}
    loss, slope, norm = (np.full(a.size, np.nan) for _ in range(3))
    try:
        for i, alpha in enumerate(a):
            for name, v in direction.items():
                np.add(origin[name], alpha * v, out=params[name])   # theta_0 + alpha v
            with np.errstate(over="ignore", invalid="ignore"):
                y, _ = model.forward(x, state)
                if not np.isfinite(y).all():
                    continue
                loss[i], dy = loss_fn(y, targets, mask=mask, reduction=reduction)
                model.backward(dy)
            grads = model.grads
            slope[i] = sum(float(np.vdot(grads[name], v)) for name, v in direction.items())
            norm[i] = global_norm(grads)
    finally:
        for name in direction:
            params[name][...] = origin[name]
    return LineSlice(a, loss, slope, norm)


def tanh_fixed_points(w, b, grid=20001):
    """All fixed points ``h* = tanh(w h* + b)`` of one tanh unit, and their stability.

    ``w``, ``b``: real numbers.  Every fixed point lies in ``(-1, 1)``; the sign changes
    of ``tanh(w h + b) - h`` on ``grid`` points of ``[-1, 1]`` bracket them and 60
    bisection steps refine each (a fixed point where the curve only touches the
    diagonal, exactly at a bifurcation, can be missed).  Returns ``(h_star, stable)``:
    sorted float arrays ``(n,)`` and bool ``(n,)`` with ``stable = |w (1 - h*^2)| < 1``.
    """
    for name, value in (("w", w), ("b", b)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                or not np.isfinite(value):
            raise TypeError(f"{name}: expected a finite real number, got {value!r}")
    if isinstance(grid, bool) or not isinstance(grid, (int, np.integer)) or grid < 3:
        raise ValueError(f"grid: expected an int >= 3, got {grid!r}")
    h = np.linspace(-1.0, 1.0, int(grid))
    f = np.tanh(w * h + b) - h                       # > 0 at h = -1, < 0 at h = 1
    i = np.nonzero(np.sign(f[:-1]) != np.sign(f[1:]))[0]
    lo, hi = h[i], h[i + 1]
    for _ in range(60):                              # bisection on each bracket
        mid = 0.5 * (lo + hi)
        left = np.sign(np.tanh(w * mid + b) - mid) == np.sign(np.tanh(w * lo + b) - lo)
        lo, hi = np.where(left, mid, lo), np.where(left, hi, mid)
    h_star = 0.5 * (lo + hi)
    return h_star, np.abs(w * (1.0 - h_star ** 2)) < 1.0
