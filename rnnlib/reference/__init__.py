"""Reference cells: the maths of one time step, written to be read next to the equations.

The fast layers (``rnnlib.RNN``, ``LSTM``, ``GRU``, ``JordanRNN``) compute the same
functions with fused gates, column layouts and reused buffers; ``tests/test_reference.py``
checks that they agree with these cells to float64 rounding.  Each cell module holds
``*_step_forward(params, x_t, state_prev) -> (state_t, cache)``,
``*_step_backward(params, d_out, d_state, cache) -> (dx_t, d_state_prev, dparams)`` and
``*_zero_state(params, B)``, on a batch of row vectors ``x_t (B, D)`` and with the
``params`` dict of the matching fast layer.

Contents
--------
* ``loop``: ``Cell(forward, backward, zero_state)``;
  ``run_forward(cell, params, x, state0=None) -> (outputs, final_state, caches)``;
  ``run_backward(cell, params, d_outputs, d_final_state, caches) -> (dx, d_state0, grads)``
  (full BPTT, gradients summed over time).
* ``rnn_cell``: ``rnn_step_forward(params, x_t, h_prev, nonlinearity="tanh")``,
  ``rnn_step_backward``, ``rnn_zero_state``; cells ``RNN_CELL``, ``RELU_RNN_CELL``.
* ``jordan_cell``: ``jordan_step_forward(params, x_t, y_prev)``, ``jordan_step_backward``,
  ``jordan_zero_state``; cell ``JORDAN_CELL``.
* ``lstm_cell``: ``lstm_step_forward(params, x_t, (h_prev, c_prev))``, ``lstm_step_backward``,
  ``lstm_zero_state``; cell ``LSTM_CELL``.
* ``gru_cell``: ``gru_step_forward(params, x_t, h_prev)``, ``gru_step_backward``,
  ``gru_zero_state``; cell ``GRU_CELL``.
* ``gru_cho_cell``: ``gru_cho_step_forward(params, x_t, h_prev)``, ``gru_cho_step_backward``,
  ``gru_cho_zero_state``; cell ``GRU_CHO_CELL`` (Cho et al. 2014's GRU, reset before the
  recurrent product, on an ``rnnlib.GRU``'s params; no fast layer, chapter 4).
* ``sigmoid_cell``: ``sigmoid_rnn_step_forward(params, x_t, h_prev)``,
  ``sigmoid_rnn_step_backward``, ``sigmoid_rnn_zero_state``; cell ``SIGMOID_RNN_CELL``
  (logistic-sigmoid units on an ``rnnlib.RNN``'s params; no fast layer, chapter 3).

Example::

    outputs, (h_T, c_T), caches = run_forward(LSTM_CELL, layer.params, x, (h0, c0))
    dx, (dh0, dc0), grads = run_backward(LSTM_CELL, layer.params, d_outputs, None, caches)
"""
from .loop import Cell, Caches, run_forward, run_backward
from .rnn_cell import rnn_step_forward, rnn_step_backward, rnn_zero_state, RNN_CELL, RELU_RNN_CELL
from .jordan_cell import (jordan_step_forward, jordan_step_backward, jordan_zero_state,
                          JORDAN_CELL)
from .lstm_cell import lstm_step_forward, lstm_step_backward, lstm_zero_state, LSTM_CELL
from .gru_cell import gru_step_forward, gru_step_backward, gru_zero_state, GRU_CELL
from .gru_cho_cell import (gru_cho_step_forward, gru_cho_step_backward, gru_cho_zero_state,
                           GRU_CHO_CELL)
from .sigmoid_cell import (sigmoid_rnn_step_forward, sigmoid_rnn_step_backward,
                           sigmoid_rnn_zero_state, SIGMOID_RNN_CELL)

__all__ = ["Cell", "Caches", "run_forward", "run_backward",
           "rnn_step_forward", "rnn_step_backward", "rnn_zero_state", "RNN_CELL", "RELU_RNN_CELL",
           "jordan_step_forward", "jordan_step_backward", "jordan_zero_state", "JORDAN_CELL",
           "lstm_step_forward", "lstm_step_backward", "lstm_zero_state", "LSTM_CELL",
           "gru_step_forward", "gru_step_backward", "gru_zero_state", "GRU_CELL",
           "gru_cho_step_forward", "gru_cho_step_backward", "gru_cho_zero_state", "GRU_CHO_CELL",
           "sigmoid_rnn_step_forward", "sigmoid_rnn_step_backward", "sigmoid_rnn_zero_state",
           "SIGMOID_RNN_CELL"]
