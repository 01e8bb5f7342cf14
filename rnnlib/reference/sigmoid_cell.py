"""One step of an RNN of logistic-sigmoid units, forward and backward (chapter label
``vg-activations``).

The cell of ``rnn_cell`` with ``phi = sigma``, ``sigma(a) = 1 / (1 + exp(-a))``
(course notation, column vectors)::

    a_t = W_hh h_{t-1} + W_xh x_t + b_h
    h_t = sigma(a_t)

Backward, given dh_t = dL/dh_t (from the output at step t plus from step t + 1)::

    da_t     = h_t (1 - h_t) * dh_t            sigma'(a) = sigma (1 - sigma) <= 1/4
    dW_xh    = da_t x_t^T,   dW_hh = da_t h_{t-1}^T,   db_h = da_t
    dx_t     = W_xh^T da_t,  dh_{t-1} = W_hh^T da_t

``SIGMOID_RNN_CELL`` runs over time with ``run_forward`` / ``run_backward`` of
``rnnlib.reference.loop``, on the ``params`` dict of an ``rnnlib.RNN``.  There is no
fast sigmoid layer: chapter 3 needs the cell only to measure gradients.

Shapes: a batch of B row vectors, ``x_t (B, D)``, ``h (B, H)``; params
``W_xh (H, D)``, ``W_hh (H, H)``, ``b_h (H,)``.
"""
from ..activations import sigmoid
from .loop import Cell
from .rnn_cell import rnn_zero_state

__all__ = ["sigmoid_rnn_step_forward", "sigmoid_rnn_step_backward",
           "sigmoid_rnn_zero_state", "SIGMOID_RNN_CELL"]

#: ``h_0 = 0`` of shape ``(B, H)``, as for the tanh RNN.
sigmoid_rnn_zero_state = rnn_zero_state


def sigmoid_rnn_step_forward(params, x_t, h_prev):
    """One step, ``h_t = sigma(W_hh h_{t-1} + W_xh x_t + b_h)``.

    Returns ``(h_t, cache)``: ``h_t (B, H)``, ``cache = (x_t, h_prev, h_t)``.
    """
    W_xh, W_hh, b_h = params["W_xh"], params["W_hh"], params["b_h"]
    a = h_prev @ W_hh.T + x_t @ W_xh.T + b_h     # a_t
    h_t = sigmoid(a)                             # h_t = sigma(a_t)
    return h_t, (x_t, h_prev, h_t)


def sigmoid_rnn_step_backward(params, d_out, d_state, cache):
    """Backward of one step; return ``(dx_t (B, D), dh_{t-1} (B, H), dparams)``.

    ``d_out``: dL/dh_t from the output at step t; ``d_state``: dL/dh_t from step
    t + 1.
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


SIGMOID_RNN_CELL = Cell(sigmoid_rnn_step_forward, sigmoid_rnn_step_backward,
                        sigmoid_rnn_zero_state)
