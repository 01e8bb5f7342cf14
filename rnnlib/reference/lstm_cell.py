"""One step of the LSTM, forward and backward (Hochreiter and Schmidhuber 1997, forget gate
of Gers et al. 2000).

Forward (course notation, column vectors; sigma = logistic sigmoid)::

    a_t = W_xh x_t + W_hh h_{t-1} + b_h = [a_i; a_f; a_g; a_o]    pre-activations (4H)
    i_t = sigma(a_i)                            input gate
    f_t = sigma(a_f)                            forget gate
    g_t = tanh(a_g)                             candidate cell value
    o_t = sigma(a_o)                            output gate
    c_t = f_t * c_{t-1} + i_t * g_t             cell (the additive memory path)
    h_t = o_t * tanh(c_t)

Backward, with dh_t = d_out_t + (dL/dh_t from step t + 1) and dc_{t+1} f_{t+1} the
gradient reaching c_t from step t + 1 along the memory path::

    do_t = dh_t * tanh(c_t)
    dc_t = dh_t * o_t * (1 - tanh^2 c_t) + dc_{t+1} * f_{t+1}     both paths into c_t
    di_t = dc_t * g_t,   df_t = dc_t * c_{t-1},   dg_t = dc_t * i_t,   dc_{t-1} = dc_t * f_t
    da_i = di_t * i(1 - i),   da_f = df_t * f(1 - f),   da_g = dg_t * (1 - g^2),
    da_o = do_t * o(1 - o)
    dW_xh = da_t x_t^T,  dW_hh = da_t h_{t-1}^T,  db_h = da_t,  dx_t = W_xh^T da_t,
    dh_{t-1} = W_hh^T da_t                         with da_t = [da_i; da_f; da_g; da_o]

Shapes (batch of B rows): ``x_t (B, D)``, state ``(h, c)`` each ``(B, H)``; params
``W_xh (4H, D)``, ``W_hh (4H, H)``, ``b_h (4H,)`` with the gate blocks stacked in the
order i, f, g, o (the dict of ``rnnlib.LSTM``).  ``W x`` is written ``x @ W.T``.
"""
import numpy as np

from ..activations import sigmoid
from .loop import Cell


def lstm_step_forward(params, x_t, state_prev):
    """One step; ``state_prev = (h_{t-1}, c_{t-1})``; return ``((h_t, c_t), cache)``."""
    h_prev, c_prev = state_prev
    H = h_prev.shape[1]
    a = x_t @ params["W_xh"].T + h_prev @ params["W_hh"].T + params["b_h"]
    #                                               a_t = W_xh x_t + W_hh h_{t-1} + b_h
    a_i, a_f, a_g, a_o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
    i = sigmoid(a_i)                              # i_t = sigma(a_i)
    f = sigmoid(a_f)                              # f_t = sigma(a_f)
    g = np.tanh(a_g)                              # g_t = tanh(a_g)
    o = sigmoid(a_o)                              # o_t = sigma(a_o)
    c_t = f * c_prev + i * g                      # c_t = f_t * c_{t-1} + i_t * g_t
    tanh_c = np.tanh(c_t)
    h_t = o * tanh_c                              # h_t = o_t * tanh(c_t)
    cache = (x_t, h_prev, c_prev, i, f, g, o, tanh_c)
    return (h_t, c_t), cache


def lstm_step_backward(params, d_out, d_state, cache):
    """Backward of one step; return ``(dx_t (B, D), (dh_{t-1}, dc_{t-1}), dparams)``.

    ``d_out`` is dL/dh_t from the output at step t, ``d_state = (dh_t, dc_t)`` from step t + 1.
    """
    x_t, h_prev, c_prev, i, f, g, o, tanh_c = cache
    dh_from_next, dc_from_next = d_state          # dL/dh_t, dL/dc_t arriving from step t + 1
    dh = d_out + dh_from_next                     # dh_t, both paths
    do = dh * tanh_c                              # do_t = dh_t * tanh(c_t)
    dc = dh * o * (1.0 - tanh_c ** 2) + dc_from_next   # dc_t, through h_t and from t + 1
    di = dc * g                                   # di_t = dc_t * g_t
    df = dc * c_prev                              # df_t = dc_t * c_{t-1}
    dg = dc * i                                   # dg_t = dc_t * i_t
    dc_prev = dc * f                              # dc_{t-1} = dc_t * f_t (the memory path)
    da_i = di * i * (1.0 - i)                     # sigma' = i (1 - i)
    da_f = df * f * (1.0 - f)                     # sigma' = f (1 - f)
    da_g = dg * (1.0 - g ** 2)                    # tanh'  = 1 - g^2
    da_o = do * o * (1.0 - o)                     # sigma' = o (1 - o)
    da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)   # da_t, stacked i, f, g, o
    dparams = {"W_xh": da.T @ x_t,                # dW_xh = da_t x_t^T
               "W_hh": da.T @ h_prev,             # dW_hh = da_t h_{t-1}^T
               "b_h": da.sum(axis=0)}             # db_h  = da_t
    dx_t = da @ params["W_xh"]                    # dx_t = W_xh^T da_t
    dh_prev = da @ params["W_hh"]                 # dh_{t-1} = W_hh^T da_t
    return dx_t, (dh_prev, dc_prev), dparams


def lstm_zero_state(params, B):
    """``(h_0, c_0) = (0, 0)``, each of shape ``(B, H)``."""
    H, dtype = params["W_hh"].shape[1], params["W_hh"].dtype
    return np.zeros((B, H), dtype=dtype), np.zeros((B, H), dtype=dtype)


def lstm_output(state):
    """The LSTM outputs h_t, the first part of its state (h_t, c_t)."""
    return state[0]


LSTM_CELL = Cell(lstm_step_forward, lstm_step_backward, lstm_zero_state, lstm_output)
