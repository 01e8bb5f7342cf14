"""One step of the Jordan network, forward and backward (Jordan 1986; chapter label ``rnn-jordan``).

The state fed back is the previous *output* y, not the hidden vector h
(course notation, column vectors)::

    a_t = W_yh y_{t-1} + W_xh x_t + b_h        pre-activation
    h_t = tanh(a_t)
    y_t = W_hy h_t + b_y                       linear output, the state for step t + 1

Backward, given dy_t = dL/dy_t (from the output at step t plus from step t + 1)::

    dW_hy = dy_t h_t^T,      db_y = dy_t,      dh_t = W_hy^T dy_t
    da_t  = (1 - h_t^2) * dh_t
    dW_xh = da_t x_t^T,      dW_yh = da_t y_{t-1}^T,   db_h = da_t
    dx_t  = W_xh^T da_t,     dy_{t-1} = W_yh^T da_t

Shapes (batch of B rows): ``x_t (B, D)``, ``h (B, H)``, ``y (B, O)``; params
``W_xh (H, D)``, ``W_yh (H, O)``, ``b_h (H,)``, ``W_hy (O, H)``, ``b_y (O,)`` (the dict
of ``rnnlib.JordanRNN``).  ``W x`` is written ``x @ W.T``, ``W^T d`` is ``d @ W``.
"""
import numpy as np

from .loop import Cell


def jordan_step_forward(params, x_t, y_prev):
    """One step; return ``(y_t (B, O), cache)``."""
    W_xh, W_yh, b_h = params["W_xh"], params["W_yh"], params["b_h"]
    W_hy, b_y = params["W_hy"], params["b_y"]
    a = y_prev @ W_yh.T + x_t @ W_xh.T + b_h      # a_t = W_yh y_{t-1} + W_xh x_t + b_h
    h_t = np.tanh(a)                              # h_t = tanh(a_t)
    y_t = h_t @ W_hy.T + b_y                      # y_t = W_hy h_t + b_y
    cache = (x_t, y_prev, h_t)
    return y_t, cache


def jordan_step_backward(params, d_out, d_state, cache):
    """Backward of one step; return ``(dx_t (B, D), dy_{t-1} (B, O), dparams)``.

    ``d_out`` is dL/dy_t from the output at step t, ``d_state`` dL/dy_t from step t + 1.
    """
    x_t, y_prev, h_t = cache
    dy = d_out + d_state                          # dy_t = dL/dy_t, both paths
    dh = dy @ params["W_hy"]                      # dh_t = W_hy^T dy_t
    da = (1.0 - h_t ** 2) * dh                    # da_t = tanh'(a_t) * dh_t
    dparams = {"W_xh": da.T @ x_t,                # dW_xh = da_t x_t^T
               "W_yh": da.T @ y_prev,             # dW_yh = da_t y_{t-1}^T
               "b_h": da.sum(axis=0),             # db_h  = da_t
               "W_hy": dy.T @ h_t,                # dW_hy = dy_t h_t^T
               "b_y": dy.sum(axis=0)}             # db_y  = dy_t
    dx_t = da @ params["W_xh"]                    # dx_t = W_xh^T da_t
    dy_prev = da @ params["W_yh"]                 # dy_{t-1} = W_yh^T da_t
    return dx_t, dy_prev, dparams


def jordan_zero_state(params, B):
    """``y_0 = 0`` of shape ``(B, O)``."""
    return np.zeros((B, params["W_hy"].shape[0]), dtype=params["W_hy"].dtype)


JORDAN_CELL = Cell(jordan_step_forward, jordan_step_backward, jordan_zero_state)
