"""The simple (Elman) recurrent layer and its backward pass, BPTT (chapter label ``rnn-intro``).

Forward, for t = 1..T (course notation, column vectors)::

    a_t = W_hh h_{t-1} + W_xh x_t + b_h        pre-activation
    h_t = phi(a_t)                             phi = tanh (default) or relu

Backward through time, with g_t = dL/dh_t (the *total* derivative, through
every later step)::

    g_t   = d_outputs_t + W_hh^T (phi'(a_{t+1}) * g_{t+1}),    d_outputs_t from the output at t,
    g_T   = d_outputs_T + d_final_state
    da_t  = phi'(a_t) * g_t                    phi' = 1 - h_t^2 (tanh), [a_t > 0] (relu)
    dW_hh = sum_t da_t h_{t-1}^T,   dW_xh = sum_t da_t x_t^T,   db_h = sum_t da_t
    dx_t  = W_xh^T da_t,            dh_0  = W_hh^T da_1

Code works on a batch of row vectors, so ``W x`` is written ``x @ W.T`` and
``W^T d`` is written ``d @ W``.  Python index ``t = 0..T-1`` holds time step
t + 1 of the maths; the state buffer ``h`` has ``h[0] = h_0``.

The reference cell is ``rnnlib.reference.rnn_step_forward`` / ``rnn_step_backward``
(one step, explicit cache), run over time by ``rnnlib.reference.run_forward`` /
``run_backward``; this layer computes the same numbers up to float rounding (tests:
rel. error < 1e-12), faster:

* one input GEMM over all T*B rows: ``W_xh x_t + b_h`` does not depend on the state,
  so all steps are projected before the loop; the same products, batched.
* ``out=`` buffers: each step writes into preallocated arrays; no new arrays per step.
* weight gradients and dx after the loop, one GEMM each over all T*B rows: they are
  sums over t of per-step products, and a sum of products is one product.
* padding (``lengths``): one precomputed mask; one ``np.copyto(..., where=mask)`` per step
  holds h (forward) and passes dh through (backward); the local derivatives at padded
  steps are zeroed before the backward loop.
"""
import numpy as np

from ._checks import as_rng, check_array, check_dtype, check_positive_int
from . import init as _init
from .layer import SequenceLayer, check_lengths


class RNN(SequenceLayer):
    """Elman RNN layer: ``h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h)``.

    Parameters ``W_xh (H, D)``, ``W_hh (H, H)``, ``b_h (H,)``; state ``h`` of shape ``(B, H)``.

    ``forward(x (T, B, D), state=None, lengths=None) -> (h_all (T, B, H), h_T (B, H))``;
    ``state=None`` means ``h_0 = 0``; ``lengths`` (B,) marks padding (see ``forward``).
    ``backward(d_outputs (T, B, H) or None, d_final_state (B, H) or None) -> (dx, dh_0)``
    fills ``grads`` with the sums over time (BPTT).  ``None`` means zeros, e.g.
    ``d_outputs=None`` when only the final state feeds the loss (many-to-one).

    Options: ``nonlinearity="tanh"|"relu"``; ``W_hh_init="xavier"|"orthogonal"|
    "identity"|"uniform"`` or an ``(H, H)`` array, optionally rescaled to
    ``spectral_radius``.  ``W_xh`` is Xavier-uniform, ``b_h`` zero.

    Internals for the chapters: after ``forward``, ``cache["x"]`` is the input and
    ``cache["h"]`` the states ``(T + 1, B, H)`` with ``cache["h"][0] = h_0``;
    after ``backward``, ``cache["dh"]`` holds g_t = dL/dh_t ``(T, B, H)`` and
    ``dh_norms`` its norm per step ``(T,)`` (over batch and units).
    """

    def __init__(self, input_size, hidden_size, *, nonlinearity="tanh", rng=None,
                 dtype=np.float64, W_hh_init="xavier", spectral_radius=None):
        self.input_size = D = check_positive_int(input_size, "input_size")
        self.hidden_size = H = check_positive_int(hidden_size, "hidden_size")
        self.dtype = check_dtype(dtype)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity: expected 'tanh' or 'relu', got {nonlinearity!r}")
        self.nonlinearity = nonlinearity
        rng = as_rng(rng)
        self.params = {
            "W_xh": _init.xavier_uniform((H, D), rng, dtype=self.dtype),
            "W_hh": _init.recurrent_matrix(H, W_hh_init, rng, spectral_radius=spectral_radius,
                                           dtype=self.dtype),
            "b_h": np.zeros(H, dtype=self.dtype),
        }
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.cache = None
        self.dh_norms = None

    def __repr__(self):
        return (f"RNN(input_size={self.input_size}, hidden_size={self.hidden_size}, "
                f"nonlinearity={self.nonlinearity!r}, dtype={self.dtype.name})")

    def forward(self, x, state=None, lengths=None):
        """Run the recurrence over all T steps; return ``(h_1..h_T (T, B, H), h_T (B, H))``.

        ``lengths``: None (every sequence has T steps) or an int array (B,) with
        ``1 <= lengths[b] <= T``; steps after ``lengths[b]`` of sequence b are padding,
        as in PyTorch's packed sequences: the state is held there (``h_t = h_{t-1}``), so
        the final state is the one at each sequence's own last step, and the outputs
        there are 0.  ``backward`` then ignores ``d_outputs`` at padded steps.
        """
        check_array(x, "x", ("T", "B", self.input_size), self.dtype)
        T, B, D = x.shape
        H = self.hidden_size
        lengths = check_lengths(lengths, T, B)
        # hold[t, b] = True where step t + 1 is padding of sequence b
        hold = None if lengths is None else (np.arange(T)[:, None] >= lengths)[..., None]
        W_xh, W_hh, b_h = self.params["W_xh"], self.params["W_hh"], self.params["b_h"]

        h = np.empty((T + 1, B, H), dtype=self.dtype)          # h[t] = h_t, h[0] = h_0
        if state is None:
            h[0] = 0.0
        else:
            h[0] = check_array(state, "state", (B, H), self.dtype)

        # W_xh x_t + b_h for all t at once: one (T*B, D) x (D, H) matrix product
        xw = (x.reshape(T * B, D) @ W_xh.T).reshape(T, B, H)
        xw += b_h

        W_hh_T = W_hh.T
        for t in range(T):
            np.matmul(h[t], W_hh_T, out=h[t + 1])              # W_hh h_{t-1}
            h[t + 1] += xw[t]                                   # + W_xh x_t + b_h  = a_t
            if self.nonlinearity == "tanh":
                np.tanh(h[t + 1], out=h[t + 1])                 # h_t = tanh(a_t)
            else:
                np.maximum(h[t + 1], 0.0, out=h[t + 1])         # h_t = relu(a_t)
            if hold is not None:
                np.copyto(h[t + 1], h[t], where=hold[t])        # padding: h_t = h_{t-1}

        self.cache = {"x": x, "h": h}
        if hold is not None:                                    # padded batch
            self.cache.update(lengths=lengths, hold=hold)
        if hold is None:
            return h[1:], h[T]
        return np.where(hold, 0.0, h[1:]), h[T]                 # outputs at padded steps are 0

    def backward(self, d_outputs, d_final_state=None):
        """Backpropagation through time; return ``(dx (T, B, D), dh_0 (B, H))``.

        ``d_outputs[t]`` is the gradient reaching ``h_t`` from the output at step t
        (``None`` = zeros); ``d_final_state`` the one reaching ``h_T`` from beyond the
        sequence (``None`` = zeros).  After ``forward(..., lengths=...)``, ``d_outputs`` at
        padded steps is ignored, dx there is 0, and ``d_final_state`` reaches step
        ``lengths[b]`` unchanged.
        """
        if self.cache is None:
            raise RuntimeError("RNN.backward: no forward pass to differentiate; call forward first")
        x, h, hold = self.cache["x"], self.cache["h"], self.cache.get("hold")
        T, B, D = x.shape
        H = self.hidden_size
        W_xh, W_hh = self.params["W_xh"], self.params["W_hh"]

        if d_outputs is None:
            d_outputs = np.zeros((T, B, H), dtype=self.dtype)
        check_array(d_outputs, "d_outputs", (T, B, H), self.dtype)
        g_next = np.zeros((B, H), dtype=self.dtype)             # W_hh^T da_{t+1}; zero after T
        if d_final_state is not None:
            g_next[...] = check_array(d_final_state, "d_final_state", (B, H), self.dtype)

        # phi'(a_t) for all t at once, from the outputs h_t
        if self.nonlinearity == "tanh":
            dphi = 1.0 - h[1:] ** 2
        else:
            dphi = (h[1:] > 0).astype(self.dtype)
        if hold is not None:                                    # padded steps: no local path,
            valid = (~hold).astype(self.dtype)                  # no gradient from the outputs
            dphi *= valid                                       # (a 0/1 product is exact and
            d_outputs = d_outputs * valid                       # faster than a masked copy)

        g = np.empty((T, B, H), dtype=self.dtype)               # g[t]  = dL/dh_t
        da = np.empty((T, B, H), dtype=self.dtype)              # da[t] = dL/da_t
        for t in reversed(range(T)):
            np.add(d_outputs[t], g_next, out=g[t])              # g_t = d_outputs_t + W_hh^T da_{t+1}
            np.multiply(g[t], dphi[t], out=da[t])               # da_t = phi'(a_t) * g_t
            np.matmul(da[t], W_hh, out=g_next)                  # W_hh^T da_t, sent to step t - 1
            if hold is not None:
                np.copyto(g_next, g[t], where=hold[t])          # padding: dh_{t-1} = dh_t

        # the weight gradients are sums over t: one matrix product over all T*B rows
        da2 = da.reshape(T * B, H)
        np.matmul(da2.T, h[:-1].reshape(T * B, H), out=self.grads["W_hh"])   # sum_t da_t h_{t-1}^T
        np.matmul(da2.T, x.reshape(T * B, D), out=self.grads["W_xh"])        # sum_t da_t x_t^T
        np.sum(da2, axis=0, out=self.grads["b_h"])                            # sum_t da_t
        dx = (da2 @ W_xh).reshape(T, B, D)                                    # W_xh^T da_t

        self.cache["dh"] = g
        self.dh_norms = np.sqrt(np.einsum("tbh,tbh->t", g, g))
        return dx, g_next                                                     # g_next = dL/dh_0
