"""The Jordan network: an output-recurrent layer (Jordan 1986; chapter label ``rnn-jordan``).

Where the Elman RNN feeds back its hidden state, the Jordan network feeds back
its previous *output*::

    a_t = W_yh y_{t-1} + W_xh x_t + b_h        pre-activation
    h_t = tanh(a_t)
    y_t = W_hy h_t + b_y                       linear output, fed back at t + 1

The state carried from step to step is ``y`` (size O), not ``h``; ``y_0 = 0``
unless given.  (Jordan's original "state units" also had a self-connection,
``s_t = mu s_{t-1} + y_{t-1}``; this is the common simplified form, mu = 0.)

Backward through time, with ``g_t = dL/dy_t`` (total derivative)::

    g_t    = d_outputs_t + W_yh^T da_{t+1},     plus d_final_state at t = T
    da_t   = (1 - h_t^2) * (W_hy^T g_t)
    dW_hy  = sum_t g_t h_t^T,      db_y = sum_t g_t
    dW_xh  = sum_t da_t x_t^T,     dW_yh = sum_t da_t y_{t-1}^T,   db_h = sum_t da_t
    dx_t   = W_xh^T da_t,          dy_0 = W_yh^T da_1

The reference cell is ``rnnlib.reference.jordan_step_forward`` / ``jordan_step_backward``
(one step, explicit cache), run over time by ``rnnlib.reference.run_forward`` /
``run_backward``; this layer computes the same numbers up to float rounding (tests:
rel. error < 1e-12), faster:

* one input GEMM over all T*B rows: ``W_xh x_t + b_h`` does not depend on the state,
  so all steps are projected before the loop; the same products, batched.
* ``out=`` buffers: each step writes into preallocated arrays; no new arrays per step.
* weight gradients and dx after the loop, one GEMM each over all T*B rows: they are
  sums over t of per-step products, and a sum of products is one product.
* padding (``lengths``): one precomputed mask; one ``np.copyto(..., where=mask)`` per step
  holds y (forward) and passes dL/dy through (backward); the local derivatives at padded
  steps are zeroed before the backward loop.
"""
import numpy as np

from . import init as _init
from ._checks import as_rng, check_array, check_dtype, check_positive_int
from .layer import SequenceLayer, check_lengths

__all__ = ["JordanRNN"]


class JordanRNN(SequenceLayer):
    """Output-recurrent layer ``h_t = tanh(W_yh y_{t-1} + W_xh x_t + b_h)``, ``y_t = W_hy h_t + b_y``.

    Parameters ``W_xh (H, D)``, ``W_yh (H, O)``, ``b_h (H,)``, ``W_hy (O, H)``, ``b_y (O,)``
    (weights Xavier-uniform, biases zero).  State ``y`` of shape ``(B, O)``.

    ``forward(x (T, B, D), state=None, lengths=None) -> (y_1..y_T (T, B, O), y_T (B, O))``
    (``lengths`` (B,) marks padding, see ``forward``);
    ``backward(d_outputs (T, B, O) or None, d_final_state (B, O) or None) -> (dx, dy_0)``.
    After ``forward``, ``cache["h"]`` is ``(T, B, H)`` and ``cache["y"]`` is
    ``(T + 1, B, O)`` with ``cache["y"][0] = y_0``.
    With ``lengths``, ``cache["h"]`` at padded steps is computed but not used.
    """

    def __init__(self, input_size, hidden_size, output_size, *, rng=None, dtype=np.float64):
        self.input_size = D = check_positive_int(input_size, "input_size")
        self.hidden_size = H = check_positive_int(hidden_size, "hidden_size")
        self._output_size = O = check_positive_int(output_size, "output_size")
        self.dtype = check_dtype(dtype)
        rng = as_rng(rng)
        self.params = {
            "W_xh": _init.xavier_uniform((H, D), rng, dtype=self.dtype),
            "W_yh": _init.xavier_uniform((H, O), rng, dtype=self.dtype),
            "b_h": np.zeros(H, dtype=self.dtype),
            "W_hy": _init.xavier_uniform((O, H), rng, dtype=self.dtype),
            "b_y": np.zeros(O, dtype=self.dtype),
        }
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.cache = None

    def __repr__(self):
        return (f"JordanRNN(input_size={self.input_size}, hidden_size={self.hidden_size}, "
                f"output_size={self.output_size}, dtype={self.dtype.name})")

    @property
    def output_size(self):
        """Width of the outputs and of the state: O (the outputs ``y_t`` are fed back)."""
        return self._output_size

    def zero_state(self, batch_size):
        """The initial state ``y_0 = 0``: ``(B, O)`` zeros."""
        return np.zeros((batch_size, self._output_size), dtype=self.dtype)

    def forward(self, x, state=None, lengths=None):
        """Run T steps; return ``(y_1..y_T (T, B, O), y_T (B, O))``; ``state`` is ``y_0``.

        ``lengths``: None (every sequence has T steps) or an int array (B,) with
        ``1 <= lengths[b] <= T``; steps after ``lengths[b]`` of sequence b are padding,
        as in PyTorch's packed sequences: the state is held there (``y_t = y_{t-1}``), so
        the final state is the one at each sequence's own last step, and the outputs
        there are 0.  ``backward`` then ignores ``d_outputs`` at padded steps.
        """
        check_array(x, "x", ("T", "B", self.input_size), self.dtype)
        T, B, D = x.shape
        H, O = self.hidden_size, self.output_size
        lengths = check_lengths(lengths, T, B)
        # hold[t, b] = True where step t + 1 is padding of sequence b
        hold = None if lengths is None else (np.arange(T)[:, None] >= lengths)[..., None]
        p = self.params
        y = np.empty((T + 1, B, O), dtype=self.dtype)          # y[t] = y_t, y[0] = y_0
        if state is None:
            y[0] = 0.0
        else:
            y[0] = check_array(state, "state", (B, O), self.dtype)
        h = np.empty((T, B, H), dtype=self.dtype)              # h[t] = h_{t+1}
        xw = (x.reshape(T * B, D) @ p["W_xh"].T).reshape(T, B, H)
        xw += p["b_h"]                                          # W_xh x_t + b_h, all t at once
        W_yh_T, W_hy_T = p["W_yh"].T, p["W_hy"].T
        for t in range(T):
            np.matmul(y[t], W_yh_T, out=h[t])                   # W_yh y_{t-1}
            h[t] += xw[t]                                       # a_t
            np.tanh(h[t], out=h[t])                             # h_t
            np.matmul(h[t], W_hy_T, out=y[t + 1])               # W_hy h_t
            y[t + 1] += p["b_y"]                                # y_t
            if hold is not None:
                np.copyto(y[t + 1], y[t], where=hold[t])        # padding: y_t = y_{t-1}
        self.cache = {"x": x, "h": h, "y": y}
        if hold is not None:                                    # padded batch
            self.cache.update(lengths=lengths, hold=hold)
        if hold is None:
            return y[1:], y[T]
        return np.where(hold, 0.0, y[1:]), y[T]                 # outputs at padded steps are 0

    def backward(self, d_outputs, d_final_state=None):
        """BPTT; return ``(dx (T, B, D), dy_0 (B, O))`` and fill ``grads``.

        After ``forward(..., lengths=...)``, ``d_outputs`` at padded steps is ignored, dx
        there is 0, and ``d_final_state`` reaches step ``lengths[b]`` unchanged.
        """
        if self.cache is None:
            raise RuntimeError("JordanRNN.backward: no forward pass to differentiate; "
                               "call forward first")
        x, h, y = (self.cache[k] for k in ("x", "h", "y"))
        hold = self.cache.get("hold")
        T, B, D = x.shape
        H, O = self.hidden_size, self.output_size
        p = self.params
        if d_outputs is None:
            d_outputs = np.zeros((T, B, O), dtype=self.dtype)
        check_array(d_outputs, "d_outputs", (T, B, O), self.dtype)
        g_next = np.zeros((B, O), dtype=self.dtype)            # W_yh^T da_{t+1}
        if d_final_state is not None:
            g_next[...] = check_array(d_final_state, "d_final_state", (B, O), self.dtype)
        dphi = 1.0 - h ** 2                                     # tanh'(a_t)
        if hold is not None:                                    # padded steps: no local path,
            valid = (~hold).astype(self.dtype)                  # no gradient from the outputs
            dphi *= valid                                       # (a 0/1 product is exact and
            d_outputs = d_outputs * valid                       # faster than a masked copy)
        g = np.empty((T, B, O), dtype=self.dtype)              # g[t] = dL/dy_t
        da = np.empty((T, B, H), dtype=self.dtype)
        W_hy, W_yh = p["W_hy"], p["W_yh"]
        for t in reversed(range(T)):
            np.add(d_outputs[t], g_next, out=g[t])              # g_t
            np.matmul(g[t], W_hy, out=da[t])                    # W_hy^T g_t
            da[t] *= dphi[t]                                    # da_t
            np.matmul(da[t], W_yh, out=g_next)                  # W_yh^T da_t -> step t - 1
            if hold is not None:
                np.copyto(g_next, g[t], where=hold[t])          # padding: dy_{t-1} = dy_t
        if hold is not None:                                    # the output layer W_hy, b_y
            g *= valid                                          # was not used at padded steps
        g2, da2 = g.reshape(T * B, O), da.reshape(T * B, H)
        np.matmul(g2.T, h.reshape(T * B, H), out=self.grads["W_hy"])
        np.sum(g2, axis=0, out=self.grads["b_y"])
        np.matmul(da2.T, x.reshape(T * B, D), out=self.grads["W_xh"])
        np.matmul(da2.T, y[:-1].reshape(T * B, O), out=self.grads["W_yh"])
        np.sum(da2, axis=0, out=self.grads["b_h"])
        dx = (da2 @ p["W_xh"]).reshape(T, B, D)
        return dx, g_next
