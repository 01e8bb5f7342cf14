"""One step of the simple (Elman) RNN, forward and backward (chapter label ``rnn-intro``).

Forward (course notation, column vectors)::

    a_t = W_hh h_{t-1} + W_xh x_t + b_h        pre-activation
    h_t = phi(a_t)                             phi = tanh (default) or relu

Backward, given dh_t = dL/dh_t (from the output at step t plus from step t + 1)::

    da_t     = phi'(a_t) * dh_t                tanh' = 1 - h_t^2,  relu' = [a_t > 0]
    dW_xh    = da_t x_t^T,   dW_hh = da_t h_{t-1}^T,   db_h = da_t
    dx_t     = W_xh^T da_t,  dh_{t-1} = W_hh^T da_t

Shapes: a batch of B row vectors, as everywhere in rnnlib: ``x_t (B, D)``,
``h (B, H)``; params ``W_xh (H, D)``, ``W_hh (H, H)``, ``b_h (H,)`` (the dict of
``rnnlib.RNN``).  So ``W x`` is written ``x @ W.T`` and ``W^T d`` is written ``d @ W``;
the weight gradients are summed over the batch (``da.T @ x``).
"""
from functools import partial

import numpy as np

from .loop import Cell


def rnn_step_forward(params, x_t, h_prev, nonlinearity="tanh"):
    """One step ``h_t = phi(W_hh h_{t-1} + W_xh x_t + b_h)``; return ``(h_t (B, H), cache)``."""
    W_xh, W_hh, b_h = params["W_xh"], params["W_hh"], params["b_h"]
    a = h_prev @ W_hh.T + x_t @ W_xh.T + b_h      # a_t = W_hh h_{t-1} + W_xh x_t + b_h
    if nonlinearity == "tanh":
        h_t = np.tanh(a)                          # h_t = tanh(a_t)
    elif nonlinearity == "relu":
        h_t = np.maximum(a, 0.0)                  # h_t = max(a_t, 0)
    else:
        raise ValueError(f"nonlinearity: expected 'tanh' or 'relu', got {nonlinearity!r}")
    cache = (x_t, h_prev, h_t, nonlinearity)
    return h_t, cache


def rnn_step_backward(params, d_out, d_state, cache):
    """Backward of one step: ``(dx_t (B, D), dh_{t-1} (B, H), dparams)``.

    ``d_out`` (B, H): the part of dL/dh_t that comes from the output at
    step t; ``d_state`` (B, H): the part that comes from step t + 1.
    """
    x_t, h_prev, h_t, nonlinearity = cache
    dh = d_out + d_state                          # dh_t = dL/dh_t, both paths
    if nonlinearity == "tanh":
        dphi = 1.0 - h_t ** 2                     # tanh'(a_t) = 1 - h_t^2
    else:
        dphi = (h_t > 0).astype(h_t.dtype)        # relu'(a_t) = [a_t > 0]
    da = dphi * dh                                # da_t = phi'(a_t) * dh_t
    dparams = {"W_xh": da.T @ x_t,                # dW_xh = da_t x_t^T
               "W_hh": da.T @ h_prev,             # dW_hh = da_t h_{t-1}^T
               "b_h": da.sum(axis=0)}             # db_h  = da_t
    dx_t = da @ params["W_xh"]                    # dx_t = W_xh^T da_t
    dh_prev = da @ params["W_hh"]                 # dh_{t-1} = W_hh^T da_t
    return dx_t, dh_prev, dparams


def rnn_zero_state(params, B):
    """``h_0 = 0`` of shape ``(B, H)``."""
    return np.zeros((B, params["W_hh"].shape[0]), dtype=params["W_hh"].dtype)


RNN_CELL = Cell(rnn_step_forward, rnn_step_backward, rnn_zero_state)
RELU_RNN_CELL = Cell(partial(rnn_step_forward, nonlinearity="relu"), rnn_step_backward,
                     rnn_zero_state)
