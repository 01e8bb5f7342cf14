"""One step of the GRU, forward and backward, exactly the function of ``rnnlib.GRU``.

Forward (course notation, column vectors; sigma = logistic sigmoid)::

    r_t = sigma(W_xr x_t + b_xr + W_hr h_{t-1} + b_hr)              reset gate
    z_t = sigma(W_xz x_t + b_xz + W_hz h_{t-1} + b_hz)              update gate
    n_t = tanh (W_xn x_t + b_xn + r_t * (W_hn h_{t-1} + b_hn))      candidate state
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

This is the cuDNN / PyTorch form: the reset gate multiplies the recurrent product
*after* it is taken.  In Cho et al. (2014) it multiplies the state *before*,
``n_t = tanh(W_xn x_t + W_hn (r_t * h_{t-1}))``: a different function (not a
reparametrisation) with as many weights (ONNX: ``linear_before_reset=0``; here ``=1``).
The update rule is Cho's: z_t near 1 keeps the old state.

Backward, given dh_t (from the output at step t plus from step t + 1), m_t = W_hn h_{t-1} + b_hn::

    dn_t = dh_t * (1 - z_t),        da_n = dn_t * (1 - n_t^2)
    dz_t = dh_t * (h_{t-1} - n_t),  da_z = dz_t * z(1 - z)
    dm_t = da_n * r_t,              dr_t = da_n * m_t,   da_r = dr_t * r(1 - r)
    dW_xh = [da_r; da_z; da_n] x_t^T,       db_xh = [da_r; da_z; da_n]
    dW_hh = [da_r; da_z; dm_t] h_{t-1}^T,   db_hh = [da_r; da_z; dm_t]
    dx_t = W_xh^T [da_r; da_z; da_n],  dh_{t-1} = dh_t * z_t + W_hh^T [da_r; da_z; dm_t]

Shapes (batch of B rows): ``x_t (B, D)``, ``h (B, H)``; params ``W_xh (3H, D)``,
``W_hh (3H, H)``, ``b_xh (3H,)``, ``b_hh (3H,)``, gate blocks stacked r, z, n (the dict
of ``rnnlib.GRU``).  ``W x`` is written ``x @ W.T``, ``W^T d`` is ``d @ W``.
"""
import numpy as np

from ..activations import sigmoid
from .loop import Cell


def gru_step_forward(params, x_t, h_prev):
    """One step; return ``(h_t (B, H), cache)``."""
    H = h_prev.shape[1]
    ax = x_t @ params["W_xh"].T + params["b_xh"]      # W_xh x_t + b_xh     (r, z, n blocks)
    ah = h_prev @ params["W_hh"].T + params["b_hh"]   # W_hh h_{t-1} + b_hh (r, z, n blocks)
    ax_r, ax_z, ax_n = ax[:, :H], ax[:, H:2 * H], ax[:, 2 * H:]
    ah_r, ah_z, m = ah[:, :H], ah[:, H:2 * H], ah[:, 2 * H:]   # m_t = W_hn h_{t-1} + b_hn
    r = sigmoid(ax_r + ah_r)                      # r_t = sigma(W_xr x + b_xr + W_hr h + b_hr)
    z = sigmoid(ax_z + ah_z)                      # z_t = sigma(W_xz x + b_xz + W_hz h + b_hz)
    n = np.tanh(ax_n + r * m)                     # n_t = tanh(W_xn x + b_xn + r_t * m_t)
    h_t = (1.0 - z) * n + z * h_prev              # h_t = (1 - z_t) n_t + z_t h_{t-1}
    cache = (x_t, h_prev, r, z, n, m)
    return h_t, cache


def gru_step_backward(params, d_out, d_state, cache):
    """Backward of one step; return ``(dx_t (B, D), dh_{t-1} (B, H), dparams)``.

    ``d_out`` is dL/dh_t from the output at step t, ``d_state`` dL/dh_t from step t + 1.
    """
    x_t, h_prev, r, z, n, m = cache
    dh = d_out + d_state                          # dh_t, both paths
    dn = dh * (1.0 - z)                           # dn_t = dh_t * (1 - z_t)
    dz = dh * (h_prev - n)                        # dz_t = dh_t * (h_{t-1} - n_t)
    da_n = dn * (1.0 - n ** 2)                    # tanh'  = 1 - n^2
    da_z = dz * z * (1.0 - z)                     # sigma' = z (1 - z)
    dm = da_n * r                                 # dm_t = da_n * r_t
    dr = da_n * m                                 # dr_t = da_n * m_t
    da_r = dr * r * (1.0 - r)                     # sigma' = r (1 - r)
    dax = np.concatenate([da_r, da_z, da_n], axis=1)   # d(W_xh x_t + b_xh)
    dah = np.concatenate([da_r, da_z, dm], axis=1)     # d(W_hh h_{t-1} + b_hh)
    dparams = {"W_xh": dax.T @ x_t,               # dW_xh = dax x_t^T
               "W_hh": dah.T @ h_prev,            # dW_hh = dah h_{t-1}^T
               "b_xh": dax.sum(axis=0),           # db_xh = dax
               "b_hh": dah.sum(axis=0)}           # db_hh = dah
    dx_t = dax @ params["W_xh"]                   # dx_t = W_xh^T dax
    dh_prev = dh * z + dah @ params["W_hh"]       # dh_{t-1} = dh_t z_t + W_hh^T dah
    return dx_t, dh_prev, dparams


def gru_zero_state(params, B):
    """``h_0 = 0`` of shape ``(B, H)``."""
    return np.zeros((B, params["W_hh"].shape[1]), dtype=params["W_hh"].dtype)


GRU_CELL = Cell(gru_step_forward, gru_step_backward, gru_zero_state)
