"""One step of the GRU as Cho et al. (2014) wrote it: reset *before* the recurrent product
(chapter label ``lstm-gru``).

Forward (course notation, column vectors; sigma = logistic sigmoid)::

    r_t = sigma(W_xr x_t + b_xr + W_hr h_{t-1} + b_hr)              reset gate
    z_t = sigma(W_xz x_t + b_xz + W_hz h_{t-1} + b_hz)              update gate
    n_t = tanh (W_xn x_t + b_xn + W_hn (r_t * h_{t-1}) + b_hn)      candidate state
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

The only difference to ``gru_cell`` (the form of ``rnnlib.GRU``, cuDNN and PyTorch) is the
candidate: here the reset gate scales the state *before* ``W_hn`` multiplies it, there it
scales the product ``W_hn h_{t-1} + b_hn`` after.  Same parameters, a different function
(ONNX: ``linear_before_reset=0`` here).  ``b_hn`` is kept so that both cells read the same
``params``; here it only adds to ``b_xn``.

Backward, given dh_t (from the output at step t plus from step t + 1), s_t = r_t * h_{t-1}::

    dn_t = dh_t * (1 - z_t),        da_n = dn_t * (1 - n_t^2)
    dz_t = dh_t * (h_{t-1} - n_t),  da_z = dz_t * z(1 - z)
    ds_t = W_hn^T da_n,             dr_t = ds_t * h_{t-1},   da_r = dr_t * r(1 - r)
    dW_xh = [da_r; da_z; da_n] x_t^T,   dW_hh = [[da_r; da_z] h_{t-1}^T; da_n s_t^T]
    db_xh = db_hh = [da_r; da_z; da_n]
    dx_t = W_xh^T [da_r; da_z; da_n]
    dh_{t-1} = dh_t * z_t + [W_hr; W_hz]^T [da_r; da_z] + ds_t * r_t

Shapes (batch of B rows): ``x_t (B, D)``, ``h (B, H)``; params ``W_xh (3H, D)``,
``W_hh (3H, H)``, ``b_xh (3H,)``, ``b_hh (3H,)``, gate blocks stacked r, z, n (the dict
of ``rnnlib.GRU``).  ``W x`` is written ``x @ W.T``, ``W^T d`` is ``d @ W``.
"""
import numpy as np

from ..activations import sigmoid
from .gru_cell import gru_zero_state
from .loop import Cell

__all__ = ["gru_cho_step_forward", "gru_cho_step_backward", "gru_cho_zero_state",
           "GRU_CHO_CELL"]

#: ``h_0 = 0`` of shape ``(B, H)``, as for the other GRU cell.
gru_cho_zero_state = gru_zero_state


def gru_cho_step_forward(params, x_t, h_prev):
    """One step of Cho et al.'s GRU; return ``(h_t (B, H), cache)``."""
    H = h_prev.shape[1]
    W_hh, b_hh = params["W_hh"], params["b_hh"]
    ax = x_t @ params["W_xh"].T + params["b_xh"]      # W_xh x_t + b_xh     (r, z, n blocks)
    ah = h_prev @ W_hh[:2 * H].T + b_hh[:2 * H]       # W_hr h + b_hr, W_hz h + b_hz
    r = sigmoid(ax[:, :H] + ah[:, :H])            # r_t = sigma(W_xr x + b_xr + W_hr h + b_hr)
    z = sigmoid(ax[:, H:2 * H] + ah[:, H:])       # z_t = sigma(W_xz x + b_xz + W_hz h + b_hz)
    s = r * h_prev                                # s_t = r_t * h_{t-1}: reset before W_hn
    n = np.tanh(ax[:, 2 * H:] + s @ W_hh[2 * H:].T + b_hh[2 * H:])
    #                                               n_t = tanh(W_xn x + b_xn + W_hn s_t + b_hn)
    h_t = (1.0 - z) * n + z * h_prev              # h_t = (1 - z_t) n_t + z_t h_{t-1}
    cache = (x_t, h_prev, r, z, n, s)
    return h_t, cache


def gru_cho_step_backward(params, d_out, d_state, cache):
    """Backward of one step; return ``(dx_t (B, D), dh_{t-1} (B, H), dparams)``.

    ``d_out`` is dL/dh_t from the output at step t, ``d_state`` dL/dh_t from step t + 1.
    """
    x_t, h_prev, r, z, n, s = cache
    H = h_prev.shape[1]
    W_hh = params["W_hh"]
    dh = d_out + d_state                          # dh_t, both paths
    da_n = dh * (1.0 - z) * (1.0 - n ** 2)        # dn_t = dh_t (1 - z_t); tanh' = 1 - n^2
    da_z = dh * (h_prev - n) * z * (1.0 - z)      # dz_t = dh_t (h_{t-1} - n_t); sigma'
    ds = da_n @ W_hh[2 * H:]                      # ds_t = W_hn^T da_n
    da_r = ds * h_prev * r * (1.0 - r)            # dr_t = ds_t * h_{t-1}; sigma'
    dax = np.concatenate([da_r, da_z, da_n], axis=1)   # d(pre-activations), r, z, n
    dparams = {"W_xh": dax.T @ x_t,               # dW_xh = dax x_t^T
               "W_hh": np.concatenate([dax[:, :2 * H].T @ h_prev,    # [da_r; da_z] h^T
                                       da_n.T @ s]),                 # da_n s_t^T
               "b_xh": dax.sum(axis=0),           # db_xh = dax
               "b_hh": dax.sum(axis=0)}           # db_hh = dax (every bias adds directly)
    dx_t = dax @ params["W_xh"]                   # dx_t = W_xh^T dax
    dh_prev = dh * z + dax[:, :2 * H] @ W_hh[:2 * H] + ds * r
    #                                   dh_{t-1} = dh_t z_t + [W_hr; W_hz]^T [da_r; da_z] + ds_t r_t
    return dx_t, dh_prev, dparams


GRU_CHO_CELL = Cell(gru_cho_step_forward, gru_cho_step_backward, gru_cho_zero_state)
