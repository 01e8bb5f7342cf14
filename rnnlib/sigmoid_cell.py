"""One step of an RNN with logistic-sigmoid units, for the shared reference loop
(chapter label ``vg-activations``).

The cell of ``rnnlib.reference.rnn_cell`` with ``phi = sigma`` (course notation, column
vectors; ``sigma(a) = 1 / (1 + exp(-a))``)::

    a_t = W_hh h_{t-1} + W_xh x_t + b_h
    h_t = sigma(a_t)

Backward, given dh_t = dL/dh_t (from the output at step t plus from step t + 1)::

    da_t     = h_t (1 - h_t) * dh_t            sigma'(a) = sigma (1 - sigma) <= 1/4
    dW_xh    = da_t x_t^T,   dW_hh = da_t h_{t-1}^T,   db_h = da_t
    dx_t     = W_xh^T da_t,  dh_{t-1} = W_hh^T da_t

``SIGMOID_RNN_CELL`` runs over time with ``rnnlib.reference.run_forward`` /
``run_backward``, on the ``params`` dict of an ``rnnlib.RNN`` (``W_xh (H, D)``,
``W_hh (H, H)``, ``b_h (H,)``).  Shapes: ``x_t (B, D)``, ``h (B, H)``.
"""
from .activations import sigmoid
from .reference.loop import Cell
from .reference.rnn_cell import rnn_zero_state

__all__ = ["sigmoid_rnn_step_forward", "sigmoid_rnn_step_backward", "SIGMOID_RNN_CELL"]


def sigmoid_rnn_step_forward(params, x_t, h_prev):
    """One step, ``h_t = sigma(W_hh h_{t-1} + W_xh x_t + b_h)``.

    Returns ``(h_t, cache)``: ``h_t (B, H)`` and ``cache = (x_t, h_{t-1}, h_t)``.
    """
    a = h_prev @ params["W_hh"].T + x_t @ params["W_xh"].T + params["b_h"]
    h_t = sigmoid(a)                              # h_t = sigma(a_t)
    return h_t, (x_t, h_prev, h_t)


def sigmoid_rnn_step_backward(params, d_out, d_state, cache):
    """Backward of one step; return ``(dx_t (B, D), dh_{t-1} (B, H), dparams)``.

    ``d_out`` is dL/dh_t from the output at step t, ``d_state`` dL/dh_t from step t + 1.
    """
    x_t, h_prev, h_t = cache
    dh = d_out + d_state                          # dh_t = dL/dh_t, both paths
    da = h_t * (1.0 - h_t) * dh                   # da_t = sigma'(a_t) * dh_t
    dparams = {"W_xh": da.T @ x_t,                # dW_xh = da_t x_t^T
               "W_hh": da.T @ h_prev,             # dW_hh = da_t h_{t-1}^T
               "b_h": da.sum(axis=0)}             # db_h  = da_t
    dx_t = da @ params["W_xh"]                    # dx_t = W_xh^T da_t
    dh_prev = da @ params["W_hh"]                 # dh_{t-1} = W_hh^T da_t
    return dx_t, dh_prev, dparams


SIGMOID_RNN_CELL = Cell(sigmoid_rnn_step_forward, sigmoid_rnn_step_backward, rnn_zero_state)
