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

    dh_t  = dL/dy-side_t + W_hh^T da_{t+1}           (da = the stacked gate pre-activation grads)
    dc_t  = dh_t * o_t * (1 - tanh^2 c_t) + dc_{t+1} * f_{t+1}
    da_o = dh_t * tanh(c_t) * o(1-o),   da_i = dc_t * g_t * i(1-i),
    da_f = dc_t * c_{t-1} * f(1-f),     da_g = dc_t * i_t * (1-g^2)
    dW_hh = sum_t da_t h_{t-1}^T,  dW_xh = sum_t da_t x_t^T,  db_h = sum_t da_t,  dx_t = W_xh^T da_t

Along the cell path dc_{t-1} = f_t * dc_t: the gradient is multiplied by the forget
gate, not by a weight matrix and a tanh' (this is why ``forget_bias`` matters).

Implementation (for speed, same maths; see STYLE section 4).  Inside, states
are stored as columns, exactly as in the maths: h_t is an ``(H, B)`` block and
the gate pre-activations ``W_hh h_{t-1}`` a ``(4H, B)`` block, so that each gate is
a contiguous piece of memory (elementwise NumPy calls on contiguous memory are
several times faster than on strided slices).  The input projections of all
steps are one batched product before the loop; each step does one fused gate
product and a handful of elementwise calls on preallocated buffers (kept from
one call to the next while T and B stay the same, together with the per-step
views into them: creating a view costs as much as a small NumPy call); the
weight gradients and dx are single products over all T*B rows after the loop.
sigma(a) is computed as 0.5 + 0.5 tanh(a / 2), which never overflows.  The
gates are reordered inside so that arrays multiplied together lie side by side
(see the comments in the code).
"""
import numpy as np

from ._checks import as_rng, check_array, check_dtype, check_positive_int
from . import init as _init
from ._columns import input_projection


class LSTM:
    """LSTM layer; state ``(h, c)``, each ``(B, H)``.

    Parameters (gates stacked i, f, g, o): ``W_xh (4H, D)``, ``W_hh (4H, H)``, ``b_h (4H,)``.
    ``forget_bias`` (default 1.0) initialises ``b_f = b_h[H:2H]`` so that f starts near
    sigma(1) = 0.73 and the memory is kept (Gers et al. 2000; Jozefowicz et al. 2015).

    ``forward(x (T, B, D), state=None) -> (h_all (T, B, H), (h_T, c_T))``;
    ``state=None`` means ``h_0 = c_0 = 0``.
    ``backward(d_outputs (T, B, H) or None, d_final_state=None) -> (dx, (dh_0, dc_0))``;
    ``d_final_state`` is ``None`` or ``(dh_T, dc_T)`` (either may be ``None``), ``None`` = zeros.

    Weights: each gate block of ``W_xh`` is Xavier-uniform, each ``(H, H)`` block of
    ``W_hh`` follows ``W_hh_init`` (see ``rnnlib.init.recurrent_matrix``).

    Internals: after ``forward``, ``cache["h"]`` and ``cache["c"]`` hold the states
    ``(T + 1, B, H)`` (index 0 = initial state) and ``gates`` is a dict of the gate
    activations ``i, f, g, o`` ``(T, B, H)`` (new arrays); after ``backward``,
    ``dh_norms`` and ``dc_norms`` ``(T,)`` are the norms of dL/dh_t and dL/dc_t per step.
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
        ws = self._fws
        if ws is not None and ws["TB"] == (T, B):
            return ws
        H, dt = self.hidden_size, self.dtype
        # column layout: G[t] = [i_t; f_t; o_t; g_t; c_{t-1}], shape (5H, B) (row T holds
        # only c_T), so that [i_t; f_t] * [g_t; c_{t-1}] is one multiplication
        G = np.empty((T + 1, 5 * H, B), dtype=dt)
        h = np.empty((T + 1, H, B), dtype=dt)                   # h[t] = h_t as columns
        tc = np.empty((T, H, B), dtype=dt)                      # tanh(c_t)
        ig_fc = np.empty((2 * H, B), dtype=dt)
        gates, c = G[:, :4 * H], G[:, 4 * H:]
        steps = list(zip(h[:-1], gates, G[:, :3 * H], G[:, :2 * H], G[:, 3 * H:],
                         c[1:], tc, G[:, 2 * H:3 * H], h[1:]))
        self._fws = ws = {"TB": (T, B), "G": G, "h": h, "tc": tc, "gates": gates, "c": c,
                          "hW": np.empty((4 * H, B), dtype=dt), "ig_fc": ig_fc,
                          "ig": ig_fc[:H], "fc": ig_fc[H:], "steps": steps}
        return ws

    def forward(self, x, state=None):
        """Run the LSTM over all T steps; return ``(h_1..h_T (T, B, H), (h_T, c_T))``."""
        check_array(x, "x", ("T", "B", self.input_size), self.dtype)
        T, B, D = x.shape
        h0, c0 = self._check_state(state, B)
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
        for h_prev, a, sig, i_f, g_c, c_t, tc_t, o, h_t in ws["steps"]:
            np.matmul(Wh, h_prev, out=hW)                 # W_hh h_{t-1}, all gates at once
            a += hW                                       # + W_xh x_t + b_h
            np.tanh(a, out=a)                             # g_t = tanh(a_g)
            sig *= 0.5                                    # i, f, o = 0.5 + 0.5 tanh(a / 2)
            sig += 0.5
            np.multiply(i_f, g_c, out=ig_fc)              # [i_t * g_t; f_t * c_{t-1}]
            np.add(ig, fc, out=c_t)                       # c_t = f_t * c_{t-1} + i_t * g_t
            np.tanh(c_t, out=tc_t)
            np.multiply(o, tc_t, out=h_t)                 # h_t = o_t * tanh(c_t)

        # (T + 1, B, H), time-major API; always new arrays (np.ascontiguousarray would return a
        # view of the workspace when B = 1, which the next forward overwrites)
        h_rows = h.transpose(0, 2, 1).copy()
        c_rows = c.transpose(0, 2, 1).copy()
        self.cache = {"x": x, "h": h_rows, "c": c_rows}
        return h_rows[1:], (h_rows[T], c_rows[T])

    def _backward_workspace(self, T, B):
        ws = self._bws
        if ws is not None and ws["TB"] == (T, B):
            return ws
        H, dt = self.hidden_size, self.dtype
        # dA[t] = [dh_t * Q_t; da_o; da_i; da_f; da_g; dc_t * f_t]  (6H, B), where
        # Q_t = o_t (1 - tanh^2 c_t) and dc_t * f_t = dL/dc_{t-1} along the cell path; the
        # gate gradients (o, i, f, g) lie side by side for the matrix products
        dA = np.empty((T + 1, 6 * H, B), dtype=dt)
        dy = np.empty((T, H, B), dtype=dt)                      # d_outputs as columns
        dh = np.empty((T, H, B), dtype=dt)                      # dL/dh_t
        dc = np.empty((T, H, B), dtype=dt)                      # dL/dc_t
        # local derivatives, computed for blocks of C steps that stay in the cache:
        # P[k] = [Q; P_o; P_i; P_f; P_g; f] with da_o = dh * P_o, da_i = dc * P_i, ...
        C = max(1, min(T, self._block // (6 * H * B)))
        P = np.empty((C, 6 * H, B), dtype=dt)
        P_Q_o = P[:, :2 * H].reshape((C, 2, H, B), copy=False)
        P_ifg_f = P[:, 2 * H:].reshape((C, 4, H, B), copy=False)
        dQ_o = dA[:, :2 * H].reshape((T + 1, 2, H, B), copy=False)
        d_ifg_c = dA[:, 2 * H:].reshape((T + 1, 4, H, B), copy=False)
        blocks = []
        for t1 in range(T, 0, -C):
            t0 = max(0, t1 - C)
            steps = [(dy[t], dh[t], P_Q_o[t - t0], dQ_o[t], dA[t, :H], dA[t + 1, 5 * H:],
                      dc[t], P_ifg_f[t - t0], d_ifg_c[t], dA[t, H:5 * H])
                     for t in range(t1 - 1, t0 - 1, -1)]
            blocks.append((slice(t0, t1), P[:t1 - t0], steps))
        self._bws = ws = {"TB": (T, B), "dA": dA, "dy": dy, "dh": dh, "dc": dc,
                          "ds": np.empty((C, 3 * H, B), dtype=dt), "blocks": blocks,
                          "dh_next": np.empty((H, B), dtype=dt)}
        return ws

    def backward(self, d_outputs, d_final_state=None):
        """Backpropagation through time; return ``(dx (T, B, D), (dh_0, dc_0))``."""
        if self.cache is None:
            raise RuntimeError("LSTM.backward: no forward pass to differentiate; "
                               "call forward first")
        x, h_rows = self.cache["x"], self.cache["h"]
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
            for dy_t, dh_t, P_Q_o, dQ_o, dhQ, dc_prev, dc_t, P_ifg_f, d_ifg_c, d_a in steps:
                np.add(dy_t, dh_next, out=dh_t)                  # dh_t
                np.multiply(P_Q_o, dh_t, out=dQ_o)               # [dh_t Q_t; da_o]
                np.add(dhQ, dc_prev, out=dc_t)                   # dc_t = dh_t Q_t + dc_{t+1} f_{t+1}
                np.multiply(P_ifg_f, dc_t, out=d_ifg_c)          # [da_i; da_f; da_g; dc_t f_t]
                np.matmul(WhT, d_a, out=dh_next)                 # W_hh^T da_t

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
