"""Long short-term memory layer (Hochreiter and Schmidhuber 1997, forget gate of Gers et al. 2000).

Forward, for t = 1..T (course notation, column vectors; sigma = logistic sigmoid)::

    i_t = sigma(W_xi x_t + W_hi h_{t-1} + b_i)      input gate
    f_t = sigma(W_xf x_t + W_hf h_{t-1} + b_f)      forget gate
    g_t = tanh (W_xg x_t + W_hg h_{t-1} + b_g)      candidate cell value
    o_t = sigma(W_xo x_t + W_ho h_{t-1} + b_o)      output gate
    c_t = f_t * c_{t-1} + i_t * g_t                 cell (the additive memory path)
    h_t = o_t * tanh(c_t)

The four gates are stacked in the order i, f, g, o: ``W_xh = [W_xi; W_xf; W_xg; W_xo]``
has shape ``(4H, D)``, ``W_hh`` ``(4H, H)`` and ``b_h`` ``(4H,)`` (PyTorch's layout).

Backward, with dh_t = dL/dh_t and dc_t = dL/dc_t (total derivatives)::

    dh_t  = d_outputs_t + W_hh^T da_{t+1}   (d_outputs_t: from the output at step t;
                                            da: the stacked gate pre-activation grads)
    dc_t  = dh_t * o_t * (1 - tanh^2 c_t) + dc_{t+1} * f_{t+1}
    da_o = dh_t * tanh(c_t) * o(1-o),   da_i = dc_t * g_t * i(1-i),
    da_f = dc_t * c_{t-1} * f(1-f),     da_g = dc_t * i_t * (1-g^2)
    dW_hh = sum_t da_t h_{t-1}^T,  dW_xh = sum_t da_t x_t^T,  db_h = sum_t da_t,  dx_t = W_xh^T da_t

Along the cell path dc_{t-1} = f_t * dc_t: the gradient is multiplied by the forget
gate, not by a weight matrix and a tanh' (this is why ``forget_bias`` matters).

The reference cell is ``rnnlib.reference.lstm_step_forward`` / ``lstm_step_backward``
(one step, explicit cache, the equations above as written), run over time by
``rnnlib.reference.run_forward`` / ``run_backward``.  This layer computes the same
function, equal to the reference up to float rounding (tests: rel. error < 1e-12),
with these speed tricks:

* columns: states are stored ``(H, B)`` per step as in the maths, so each gate is a
  contiguous block (elementwise calls on contiguous memory are several times faster
  than on strided slices); same numbers, different memory order.
* the inputs of all steps projected before the loop in one batched matmul call:
  ``W_xh x_t + b_h`` does not depend on the state (bias folded into the product when
  B > 1, see ``rnnlib._columns``).
* one fused gate GEMM per step: ``W_hh h_{t-1}`` for the four gates at once; the stacked
  matrix gives the same rows as four separate products.
* sigma(a) = 0.5 + 0.5 tanh(a/2): an identity, computed on rows pre-halved (the sigmoid
  rows of the weights are halved once per call), so one tanh does all gates, no overflow.
* gate order i, f, o, g inside (o, i, f, g in backward): a permutation of rows, so that
  arrays multiplied together lie side by side; undone when gradients are written.
* workspaces kept per (T, B): buffers and their per-step views (a view costs as much as
  a small NumPy call) are reused; every buffer is written before it is read, so no
  numbers are carried between calls.
* local derivatives (s(1-s), 1 - tanh^2, ...) for blocks of steps before the backward
  loop: the same products, computed earlier, so the loop does five calls per step.
* weight gradients and dx after the loop, one GEMM each over all T*B rows: they are
  sums over t of per-step products, and a sum of products is one product.
* padding (``lengths``): one precomputed mask; forward holds (h, c) with
  ``np.copyto(..., where=mask)``; backward zeroes the local derivatives at padded steps
  before the loop (the forget gate's set to 1: dc passes through) and copies dh through.
"""
import numpy as np

from ._checks import as_rng, check_array, check_dtype, check_positive_int
from . import init as _init
from ._columns import input_projection
from ._lstm_buffers import backward_workspace, forward_workspace
from .layer import SequenceLayer, check_lengths


class LSTM(SequenceLayer):
    """LSTM layer; state ``(h, c)``, each ``(B, H)``.

    Parameters (gates stacked i, f, g, o): ``W_xh (4H, D)``, ``W_hh (4H, H)``, ``b_h (4H,)``.
    ``forget_bias`` (default 1.0) initialises ``b_f = b_h[H:2H]`` so that f starts near
    sigma(1) = 0.73 and the memory is kept (Gers et al. 2000; Jozefowicz et al. 2015).

    ``forward(x (T, B, D), state=None, lengths=None) -> (h_all (T, B, H), (h_T, c_T))``;
    ``state=None`` means ``h_0 = c_0 = 0``; ``lengths`` (B,) marks padding (see ``forward``).
    ``backward(d_outputs (T, B, H) or None, d_final_state=None) -> (dx, (dh_0, dc_0))``;
    ``d_final_state`` is ``None`` or ``(dh_T, dc_T)`` (either may be ``None``), ``None`` = zeros.

    Weights: each gate block of ``W_xh`` is Xavier-uniform, each ``(H, H)`` block of
    ``W_hh`` follows ``W_hh_init`` (see ``rnnlib.init.recurrent_matrix``).

    Internals: after ``forward``, ``cache["h"]`` and ``cache["c"]`` hold the states
    ``(T + 1, B, H)`` (index 0 = initial state) and ``gates`` is a dict of the gate
    activations ``i, f, g, o`` ``(T, B, H)`` (new arrays); after ``backward``,
    ``dh_norms`` and ``dc_norms`` ``(T,)`` are the norms of dL/dh_t and dL/dc_t per step.
    With ``lengths``, the gates at padded steps are computed but not used (not meaningful).
    """

    def __init__(self, input_size, hidden_size, *, forget_bias=1.0, rng=None, dtype=np.float64,
                 W_hh_init="xavier", spectral_radius=None):
        self.input_size = D = check_positive_int(input_size, "input_size")
        self.hidden_size = H = check_positive_int(hidden_size, "hidden_size")
        self.dtype = check_dtype(dtype)
        if isinstance(forget_bias, (bool, np.bool_)) \
                or not isinstance(forget_bias, (int, float, np.integer, np.floating)):
            raise TypeError(f"forget_bias: expected a finite number, "
                            f"got {type(forget_bias).__name__}")
        if not np.isfinite(forget_bias):
            raise ValueError(f"forget_bias: expected a finite number, got {forget_bias!r}")
        self.forget_bias = float(forget_bias)
        rng = as_rng(rng)
        W_xh = np.concatenate([_init.xavier_uniform((H, D), rng) for _ in range(4)])
        W_hh = np.concatenate([_init.recurrent_matrix(H, W_hh_init, rng,
                                                      spectral_radius=spectral_radius)
                               for _ in range(4)])
        b_h = np.zeros(4 * H)
        b_h[H:2 * H] = self.forget_bias
        self.params = {"W_xh": W_xh.astype(self.dtype), "W_hh": W_hh.astype(self.dtype),
                       "b_h": b_h.astype(self.dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        # the weights in the gate orders used inside: forward i, f, o, g, backward o, i, f, g
        self._Wx = np.empty((4 * H, D), dtype=self.dtype)
        self._Wh = np.empty((4 * H, H), dtype=self.dtype)
        self._b = np.empty(4 * H, dtype=self.dtype)
        self._Wh_bwd = np.empty((4 * H, H), dtype=self.dtype)
        self._block = 1 << 16       # elements of the backward's local-derivative buffer
        self._fws = self._bws = None  # workspaces (buffers and per-step views) for one (T, B)
        self.cache = None
        self.dh_norms = self.dc_norms = None

    def __repr__(self):
        return (f"LSTM(input_size={self.input_size}, hidden_size={self.hidden_size}, "
                f"forget_bias={self.forget_bias}, dtype={self.dtype.name})")

    @property
    def gates(self):
        """Gate activations of the last forward: dict ``i, f, g, o`` of ``(T, B, H)`` arrays."""
        if self.cache is None:
            raise RuntimeError("LSTM.gates: no forward pass yet; call forward first")
        H, G = self.hidden_size, self._fws["G"][:-1].transpose(0, 2, 1)    # (T, B, 5H)
        return {"i": G[..., :H].copy(), "f": G[..., H:2 * H].copy(),
                "g": G[..., 3 * H:4 * H].copy(), "o": G[..., 2 * H:3 * H].copy()}

    def zero_state(self, batch_size):
        """The initial state ``(h_0, c_0) = (0, 0)``: a tuple of two ``(B, H)`` zero arrays."""
        shape = (batch_size, self.hidden_size)
        return np.zeros(shape, dtype=self.dtype), np.zeros(shape, dtype=self.dtype)

    def _check_state(self, state, B):
        H = self.hidden_size
        if state is None:
            return None, None
        if not isinstance(state, (tuple, list)) or len(state) != 2:
            raise TypeError(f"state: expected a tuple (h, c) of two ({B}, {H}) arrays, "
                            f"got {type(state).__name__}")
        return (check_array(state[0], "state[0] (h)", (B, H), self.dtype),
                check_array(state[1], "state[1] (c)", (B, H), self.dtype))

    def _forward_workspace(self, T, B):
        if self._fws is None or self._fws["TB"] != (T, B):
            self._fws = forward_workspace(T, B, self.hidden_size, self.dtype)
        return self._fws

    def forward(self, x, state=None, lengths=None):
        """Run the LSTM over all T steps; return ``(h_1..h_T (T, B, H), (h_T, c_T))``.

        ``lengths``: None (every sequence has T steps) or an int array (B,) with
        ``1 <= lengths[b] <= T``; steps after ``lengths[b]`` of sequence b are padding,
        as in PyTorch's packed sequences: the state is held there (``h_t = h_{t-1}``,
        ``c_t = c_{t-1}``), so the final state is the one at each sequence's own last
        step, and the outputs there are 0.  ``backward`` then ignores ``d_outputs`` at
        padded steps.
        """
        check_array(x, "x", ("T", "B", self.input_size), self.dtype)
        T, B, D = x.shape
        h0, c0 = self._check_state(state, B)
        lengths = check_lengths(lengths, T, B)
        # pad[t, b] = True where step t + 1 is padding of sequence b; hold: as columns (1, B)
        pad = None if lengths is None else np.arange(T)[:, None] >= lengths
        hold = None if pad is None else pad[:, None, :]
        # gate rows reordered to i, f, o, g (the three sigmoids side by side); the sigmoid
        # rows are halved because sigma(a) = 0.5 + 0.5 tanh(a / 2)
        H = self.hidden_size
        Wx, Wh, b = self._Wx, self._Wh, self._b
        for name, W in (("W_xh", Wx), ("W_hh", Wh), ("b_h", b)):
            P = self.params[name]
            np.multiply(P[:2 * H], 0.5, out=W[:2 * H])           # i, f
            np.multiply(P[3 * H:], 0.5, out=W[2 * H:3 * H])      # o
            W[3 * H:] = P[2 * H:3 * H]                           # g

        ws = self._forward_workspace(T, B)
        h, c, hW, ig_fc, ig, fc = (ws[k] for k in ("h", "c", "hW", "ig_fc", "ig", "fc"))
        input_projection(Wx, b, x, out=ws["gates"][:T])    # W_xh x_t + b_h for all t
        h[0] = 0.0 if h0 is None else h0.T
        c[0] = 0.0 if c0 is None else c0.T
        for t, h_prev, a, sig, i_f, g_c, c_prev, c_t, tc_t, o, h_t in ws["steps"]:
            np.matmul(Wh, h_prev, out=hW)                 # W_hh h_{t-1}, all gates at once
            a += hW                                       # + W_xh x_t + b_h
            np.tanh(a, out=a)                             # g_t = tanh(a_g)
            sig *= 0.5                                    # i, f, o = 0.5 + 0.5 tanh(a / 2)
            sig += 0.5
            np.multiply(i_f, g_c, out=ig_fc)              # [i_t * g_t; f_t * c_{t-1}]
            np.add(ig, fc, out=c_t)                       # c_t = f_t * c_{t-1} + i_t * g_t
            np.tanh(c_t, out=tc_t)
            np.multiply(o, tc_t, out=h_t)                 # h_t = o_t * tanh(c_t)
            if hold is not None:                          # padding: (h_t, c_t) = (h_{t-1}, c_{t-1})
                np.copyto(c_t, c_prev, where=hold[t])
                np.copyto(h_t, h_prev, where=hold[t])

        # (T + 1, B, H), time-major API; always new arrays (np.ascontiguousarray would return a
        # view of the workspace when B = 1, which the next forward overwrites)
        h_rows = h.transpose(0, 2, 1).copy()
        c_rows = c.transpose(0, 2, 1).copy()
        self.cache = {"x": x, "h": h_rows, "c": c_rows}
        if hold is not None:                                    # padded batch
            self.cache.update(lengths=lengths, hold=hold)
        if pad is None:
            return h_rows[1:], (h_rows[T], c_rows[T])
        out = np.where(pad[..., None], 0.0, h_rows[1:])    # outputs at padded steps are 0
        return out, (h_rows[T], c_rows[T])

    def _backward_workspace(self, T, B):
        if self._bws is None or self._bws["TB"] != (T, B):
            self._bws = backward_workspace(T, B, self.hidden_size, self.dtype, self._block)
        return self._bws

    def backward(self, d_outputs, d_final_state=None):
        """Backpropagation through time; return ``(dx (T, B, D), (dh_0, dc_0))``.

        After ``forward(..., lengths=...)``, ``d_outputs`` at padded steps is ignored, dx
        there is 0, and ``d_final_state`` reaches step ``lengths[b]`` unchanged.
        """
        if self.cache is None:
            raise RuntimeError("LSTM.backward: no forward pass to differentiate; "
                               "call forward first")
        x, h_rows, hold = self.cache["x"], self.cache["h"], self.cache.get("hold")
        G, tc = self._fws["G"], self._fws["tc"]
        T, B, D = x.shape
        H, dt = self.hidden_size, self.dtype
        ws = self._backward_workspace(T, B)
        dA, dy, dh, dc, dh_next = (ws[k] for k in ("dA", "dy", "dh", "dc", "dh_next"))
        if d_outputs is None:
            dy[...] = 0.0
        else:
            check_array(d_outputs, "d_outputs", (T, B, H), dt)
            dy[...] = d_outputs.transpose(0, 2, 1)
        if hold is not None:                                    # 0/1 masks (T, 1, B): products
            pad_f = hold.astype(dt)                             # with them are exact and faster
            valid = 1.0 - pad_f                                 # than masked copies
            dy *= valid                                         # no gradient from padded outputs
        dh_next[...] = 0.0                                      # W_hh^T da_{t+1}
        dA[T, 5 * H:] = 0.0                                     # dL/dc_T from beyond the sequence
        if d_final_state is not None:
            if not isinstance(d_final_state, (tuple, list)) or len(d_final_state) != 2:
                raise TypeError(f"d_final_state: expected None or a tuple (dh_T, dc_T), "
                                f"got {type(d_final_state).__name__}")
            if d_final_state[0] is not None:
                dh_next[...] = check_array(d_final_state[0], "d_final_state[0] (dh)", (B, H), dt).T
            if d_final_state[1] is not None:
                dA[T, 5 * H:] = check_array(d_final_state[1], "d_final_state[1] (dc)",
                                            (B, H), dt).T
        W_hh, Wb = self.params["W_hh"], self._Wh_bwd             # rows o, i, f, g
        Wb[:H], Wb[H:] = W_hh[3 * H:], W_hh[:3 * H]
        WhT = Wb.T
        i, f, o, g = (G[:, k * H:(k + 1) * H] for k in range(4))
        ds = ws["ds"]
        for b, Pb, steps in ws["blocks"]:
            dsb = ds[:b.stop - b.start]
            np.subtract(1.0, G[b, :3 * H], out=dsb)
            dsb *= G[b, :3 * H]                                  # s (1 - s) for i, f, o
            np.multiply(dsb[:, :2 * H], G[b, 3 * H:], out=Pb[:, 2 * H:4 * H])  # P_i, P_f
            np.multiply(dsb[:, 2 * H:], tc[b], out=Pb[:, H:2 * H])             # P_o
            np.multiply(g[b], g[b], out=Pb[:, 4 * H:5 * H])
            np.subtract(1.0, Pb[:, 4 * H:5 * H], out=Pb[:, 4 * H:5 * H])
            Pb[:, 4 * H:5 * H] *= i[b]                           # P_g = i (1 - g^2)
            Pb[:, 5 * H:] = f[b]
            np.multiply(tc[b], tc[b], out=Pb[:, :H])
            np.subtract(1.0, Pb[:, :H], out=Pb[:, :H])
            Pb[:, :H] *= o[b]                                    # Q = o (1 - tanh^2 c)
            if hold is not None:                                 # padded steps: no local paths
                Pb *= valid[b]                                   # but the cell's, f := 1, so
                Pb[:, 5 * H:] += pad_f[b]                        # that dc passes through
            for t, dy_t, dh_t, P_Q_o, dQ_o, dhQ, dc_prev, dc_t, P_ifg_f, d_ifg_c, d_a in steps:
                np.add(dy_t, dh_next, out=dh_t)                  # dh_t
                np.multiply(P_Q_o, dh_t, out=dQ_o)               # [dh_t Q_t; da_o]
                np.add(dhQ, dc_prev, out=dc_t)                   # dc_t = dh_t Q_t + dc_{t+1} f_{t+1}
                np.multiply(P_ifg_f, dc_t, out=d_ifg_c)          # [da_i; da_f; da_g; dc_t f_t]
                np.matmul(WhT, d_a, out=dh_next)                 # W_hh^T da_t
                if hold is not None:
                    np.copyto(dh_next, dh_t, where=hold[t])      # padding: dh_{t-1} = dh_t

        # sums over t as single products over all T*B rows, in the order i, f, g, o of the params
        dA2 = np.empty((T, B, 4 * H), dtype=dt)
        dA2[..., :3 * H] = dA[:T, 2 * H:5 * H].transpose(0, 2, 1)
        dA2[..., 3 * H:] = dA[:T, H:2 * H].transpose(0, 2, 1)
        dA2 = dA2.reshape(T * B, 4 * H)
        np.matmul(dA2.T, h_rows[:-1].reshape(T * B, H), out=self.grads["W_hh"])  # sum da h^T
        np.matmul(dA2.T, x.reshape(T * B, D), out=self.grads["W_xh"])          # sum da x^T
        np.sum(dA2, axis=0, out=self.grads["b_h"])
        dx = (dA2 @ self.params["W_xh"]).reshape(T, B, D)                       # W_xh^T da_t

        self.dh_norms = np.sqrt(np.vecdot(dh.reshape(T, -1), dh.reshape(T, -1)))
        self.dc_norms = np.sqrt(np.vecdot(dc.reshape(T, -1), dc.reshape(T, -1)))
        return dx, (dh_next.T.copy(), dA[0, 5 * H:].T.copy())
