"""The loss along a line through parameter space (chapter label ``vg-cliff``).

For parameters ``theta_0`` (all arrays of a model) and a direction ``v`` (some of them)::

    ell(alpha) = L(theta_0 + alpha v)                          the loss on the line
    ell'(alpha) = grad L(theta_0 + alpha v) . v                its slope       (vg-eq-slice)

Pascanu, Mikolov and Bengio (2013) draw such slices for a small RNN: flat regions, and a
*cliff* where the loss changes by a lot over a tiny step and the gradient is huge.
:func:`loss_along_line` computes ``ell``, ``ell'`` and the full gradient norm at each alpha,
with one forward and one backward pass per point, and puts the parameters back.
"""
from collections import namedtuple

import numpy as np

from .clip import global_norm
from .layer import SequenceLayer

__all__ = ["LineSlice", "loss_along_line"]

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
