"""One loop over time that runs any reference cell, forward and backward (full BPTT).

Forward, for t = 1..T::

    s_t, cache_t = cell.forward(params, x_t, s_{t-1})     s = the state carried between steps
    y_t = cell.output(s_t)                                the output read from the state

Backward, for t = T..1, with ds_t = dL/ds_t (d_final_state at t = T)::

    dx_t, ds_{t-1}, dparams_t = cell.backward(dL/dy_t, ds_t)
    grads = sum_t dparams_t                        the same weights are used at every step

A ``Cell`` is a named tuple of the functions holding the maths of one step:

* ``forward(params, x_t, s_prev) -> (s_t, cache)``;
* ``backward(params, d_out, d_state, cache) -> (dx_t, d_state_prev, dparams)``,
  where ``d_out = dL/dy_t`` comes from the output and ``d_state = dL/ds_t`` from step t + 1;
* ``zero_state(params, B) -> s_0``, the zeros used when no initial state is given;
* ``output(s_t) -> y_t``, what the cell outputs: the state itself (the default, for the
  RNN, GRU and Jordan network) or a part of it (the h of the LSTM's state (h, c)).

The loop knows nothing else about the cell.  Shapes: ``x (T, B, D)``, outputs
``(T, B, H)`` (``(T, B, O)`` for the Jordan network); ``params["W_xh"]`` has D columns
in every cell.
"""
from collections import namedtuple

import numpy as np

from .._checks import check_array



def state_itself(state):
    """The output of a cell whose output is its state (RNN, GRU, Jordan): ``y_t = s_t``."""
    return state


Cell = namedtuple("Cell", ["forward", "backward", "zero_state", "output"],
                  defaults=[state_itself])
Cell.__doc__ = """The maths of one time step: ``Cell(forward, backward, zero_state, output)``."""

Caches = namedtuple("Caches", ["steps", "outputs", "final_state"])
Caches.__doc__ = """What ``run_backward`` needs: the per-step caches and the forward's results."""


def _like(a, template, name):
    """``a`` checked to have the structure, shapes and dtype of ``template``; None means zeros."""
    if isinstance(template, (tuple, list)):
        if a is None:
            a = (None,) * len(template)
        if not isinstance(a, (tuple, list)) or len(a) != len(template):
            raise TypeError(f"{name}: expected None or a {type(template).__name__} of "
                            f"{len(template)} arrays, "
                            f"got {type(a).__name__}")
        return type(template)(_like(ai, ti, f"{name}[{k}]")
                              for k, (ai, ti) in enumerate(zip(a, template)))
    if a is None:
        return np.zeros_like(template)
    return check_array(a, name, template.shape, template.dtype)


def run_forward(cell, params, x, state0=None):
    """Run ``cell`` over all T steps; return ``(outputs (T, B, .), final_state, caches)``.

    ``state0`` is the initial state (``None`` = the cell's zero state).
    """
    if not isinstance(cell, Cell):
        raise TypeError(f"cell: expected a rnnlib.reference.Cell, got {type(cell).__name__}")
    if not isinstance(params, dict) or not isinstance(params.get("W_xh"), np.ndarray):
        got = f"a dict with keys {sorted(params)}" if isinstance(params, dict) \
            else type(params).__name__
        raise TypeError(f"params: expected a dict with an array 'W_xh' of shape (., D), "
                        f"got {got}")
    W_xh = params["W_xh"]
    check_array(x, "x", ("T", "B", W_xh.shape[1]), W_xh.dtype)
    T, B, _ = x.shape
    state = _like(state0, cell.zero_state(params, B), "state0")
    outputs, steps = [], []
    for t in range(T):
        state, cache = cell.forward(params, x[t], state)   # s_t = cell(x_t, s_{t-1})
        outputs.append(cell.output(state))                # y_t
        steps.append(cache)
    outputs = np.stack(outputs)
    return outputs, state, Caches(steps, outputs, state)


def run_backward(cell, params, d_outputs, d_final_state, caches):
    """Backpropagation through time; return ``(dx (T, B, D), d_state0, grads)``.

    ``d_outputs`` ``(T, B, .)`` is dL/dy_t for every t and ``d_final_state`` dL/ds_T
    (``None`` = zeros; in a tuple state each part may be ``None``).  ``grads`` has the
    keys of ``params``, each gradient summed over the T steps.
    """
    if not isinstance(cell, Cell):
        raise TypeError(f"cell: expected a rnnlib.reference.Cell, got {type(cell).__name__}")
    if not isinstance(caches, Caches):
        raise TypeError(f"caches: expected the Caches returned by run_forward, "
                        f"got {type(caches).__name__}")
    d_outputs = _like(d_outputs, caches.outputs, "d_outputs")
    d_state = _like(d_final_state, caches.final_state, "d_final_state")   # ds_T
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    T = len(caches.steps)
    dx = [None] * T
    for t in reversed(range(T)):
        dx[t], d_state, dparams = cell.backward(params, d_outputs[t], d_state, caches.steps[t])
        for k, g in dparams.items():
            grads[k] += g                                  # sum over t of dparams_t
    return np.stack(dx), d_state, grads
