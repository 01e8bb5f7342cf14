"""Gradient checks: compare ``backward`` with centred finite differences.

For a scalar function L of an array a, the centred difference

    dL/da_i ~ (L(a + eps e_i) - L(a - eps e_i)) / (2 eps)

has truncation error O(eps^2) and rounding error O(u / eps) (u = 1.1e-16 in
float64); the two balance near eps = u^(1/3) = 5e-6, hence the default 1e-5.  A correct
float64 backward pass then agrees to a relative error (``rel_error``, max-norm
based) of about 1e-9 or better; a wrong one is off by 1e-2 or more.  (The 1e-7
of the CS231n notes is a threshold for an entry-wise error, each entry's
difference over its own size, a stricter measure than ``rel_error``.)

``gradcheck(layer, x, state)`` uses the random-projection loss

    L = sum(R_out * outputs) + sum(R_state * final_state)

with fixed random ``R`` (so every output and the final state carry gradient),
and checks every parameter, the input ``x`` and the initial state.  It works for
any object with the layer contract: recurrent layers (``forward(x, state) ->
(outputs, final_state)``, ``backward(d_outputs, d_final_state) -> (dx, d_state0)``,
states may be arrays or nested tuples/lists of arrays) and Linear-like layers
(``forward(x) -> y``, ``backward(dy) -> dx``).  A ``backward`` that returns just
``dx`` is accepted too.  Use float64 layers: float32 has too few digits.
"""
import numpy as np


def rel_error(a, b):
    """Relative error of two arrays in the max norm: ``max|a - b| / (max|a| + max|b|)``.

    0 means identical, 1 means unrelated (e.g. opposite signs).  The largest
    discrepancy is compared with the largest entry, not entry by entry: an entry
    that is almost 0 (say 1e-6) is known to finite differences only to an
    absolute accuracy of about 1e-10, so entry-by-entry ratios would flag it
    although the gradient is right.  0 for two zero or empty arrays.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"b: expected shape {a.shape} (the shape of a), got {b.shape}")
    if a.size == 0:
        return 0.0
    scale = np.max(np.abs(a)) + np.max(np.abs(b))
    return float(np.max(np.abs(a - b)) / scale) if scale > 0 else 0.0


def numerical_gradient(f, a, eps=1e-5):
    """Centred-difference gradient of the scalar ``f()`` with respect to the array ``a``.

    ``a`` is perturbed in place, one entry at a time, and restored exactly;
    ``f`` takes no arguments and must read ``a`` (e.g. a parameter of a layer).
    """
    if not isinstance(a, np.ndarray) or a.dtype.kind != "f":
        raise TypeError(f"a: expected a float numpy array, got {type(a).__name__}"
                        + (f" of dtype {a.dtype}" if isinstance(a, np.ndarray) else ""))
    grad = np.zeros(a.shape, dtype=np.float64)
    it = np.nditer(a, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = a[i].copy()
        a[i] = old + eps
        f_plus = float(f())
        a[i] = old - eps
        f_minus = float(f())
        a[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _leaves(s):
    """Arrays of a (nested tuple/list) state, in order; None has no leaves."""
    if s is None:
        return []
    if isinstance(s, (tuple, list)):
        return [leaf for item in s for leaf in _leaves(item)]
    return [s]


def _rebuild(s, leaves):
    """A state with the structure of ``s`` and the arrays from the iterator ``leaves``."""
    if s is None:
        return None
    if isinstance(s, (tuple, list)):
        return type(s)(_rebuild(item, leaves) for item in s)
    return next(leaves)


def _paired_leaves(s, d):
    """The arrays of ``d`` at the places where the state ``s`` has arrays (skipping ``None``s of ``s``)."""
    if s is None:
        return []
    if isinstance(s, (tuple, list)):
        if not isinstance(d, (tuple, list)) or len(d) != len(s):
            raise ValueError(f"layer: backward returned an initial-state gradient of structure "
                             f"{type(d).__name__}, expected a {type(s).__name__} of length {len(s)}")
        return [leaf for si, di in zip(s, d) for leaf in _paired_leaves(si, di)]
    return [d]


def gradcheck_report(layer, x, state=None, *, eps=1e-5, seed=0, forward_kwargs=None):
    """Max relative error per checked array: ``{"W_xh": ..., ..., "x": ..., "state": ...}``.

    Keys are the ``params`` names, ``"x"``, and for a given initial state
    ``"state"`` (one array) or ``"state[0]"``, ``"state[1]"``, ... (its leaves in order).
    ``forward_kwargs`` (a dict, e.g. ``{"lengths": lengths}``) is passed to every
    ``layer.forward`` call.
    """
    if forward_kwargs is None:
        forward_kwargs = {}
    if not isinstance(forward_kwargs, dict):
        raise TypeError(f"forward_kwargs: expected a dict or None, got {type(forward_kwargs).__name__}")
    rng = np.random.default_rng(seed)

    def run(x_, state_):
        if state_ is None:
            return layer.forward(x_, **forward_kwargs)
        return layer.forward(x_, state_, **forward_kwargs)

    out = run(x, state)
    recurrent = isinstance(out, tuple)
    if recurrent:
        if len(out) != 2:
            raise TypeError("layer: expected forward(x, state) to return (outputs, final_state), "
                            f"got a tuple of length {len(out)}")
        outputs, final = out
    elif state is not None:
        raise TypeError("state: given, but layer.forward returned a single array (not recurrent)")
    else:
        outputs, final = out, None
    R_out = rng.standard_normal(outputs.shape).astype(outputs.dtype)
    R_final = [rng.standard_normal(f.shape).astype(f.dtype) for f in _leaves(final)]

    def loss(x_=x, state_=state):
        o = run(x_, state_)
        o, fin = o if recurrent else (o, None)
        total = np.sum(R_out.astype(np.float64) * o)
        for R, f in zip(R_final, _leaves(fin)):
            total += np.sum(R.astype(np.float64) * f)
        return total

    # analytic gradients
    if recurrent:
        back = layer.backward(R_out, _rebuild(final, iter(R_final)))
    else:
        back = layer.backward(R_out)
    if isinstance(back, tuple):
        dx, dstate = back
    else:
        dx, dstate = back, None
    analytic = {k: np.array(v, dtype=np.float64) for k, v in layer.grads.items()}
    analytic["x"] = np.array(dx, dtype=np.float64)
    state_leaves = [np.array(s, copy=True) for s in _leaves(state)]
    state_names = (["state"] if len(state_leaves) == 1 and not isinstance(state, (tuple, list))
                   else [f"state[{i}]" for i in range(len(state_leaves))])
    if state_leaves:
        d_leaves = _paired_leaves(state, dstate)
        if len(d_leaves) != len(state_leaves):
            raise ValueError(f"layer: backward returned {len(d_leaves)} initial-state gradients, "
                             f"expected {len(state_leaves)}")
        for name, d in zip(state_names, d_leaves):
            analytic[name] = np.array(d, dtype=np.float64)

    # numerical gradients (params perturbed in place and restored)
    report = {}
    params = layer.params
    for name in layer.grads:
        num = numerical_gradient(loss, params[name], eps)
        report[name] = rel_error(analytic[name], num)
    x_copy = np.array(x, copy=True)
    report["x"] = rel_error(analytic["x"], numerical_gradient(lambda: loss(x_copy), x_copy, eps))
    if state_leaves:
        def loss_state():
            return loss(x, _rebuild(state, iter(state_leaves)))
        for name, leaf in zip(state_names, state_leaves):
            report[name] = rel_error(analytic[name], numerical_gradient(loss_state, leaf, eps))
    run(x, state)  # leave the layer's cache as after a normal forward on (x, state)
    return report


def gradcheck(layer, x, state=None, *, eps=1e-5, seed=0, forward_kwargs=None):
    """Max relative error between ``backward`` and finite differences over all checked arrays.

    Every parameter, the input ``x`` and (if given) the initial ``state`` are
    checked with the random-projection loss described in the module docstring.
    In float64 a correct layer gives about 1e-9 or less.
    """
    return max(gradcheck_report(layer, x, state, eps=eps, seed=seed,
                                forward_kwargs=forward_kwargs).values())
