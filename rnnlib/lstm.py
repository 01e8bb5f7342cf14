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

Implementation (for speed, same maths): the input projections of all steps are
one matrix product; each step does one fused gate product ``h_{t-1} @ W_hh.T``;
the weight gradients and dx are single products over all T*B rows after the loop.
Internally the gates are kept in the order o, i, f, g (the three sigmoids
contiguous) and sigma(a) is computed as 0.5 + 0.5 tanh(a / 2), which never overflows.
"""
import numpy as np

from ._checks import as_rng, check_array, check_dtype, check_positive_int
from . import init as _init


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
    activations ``i, f, g, o`` ``(T, B, H)``; after ``backward``, ``dh_norms`` and
    ``dc_norms`` ``(T,)`` are the norms of dL/dh_t and dL/dc_t per step.
    """

    def __init__(self, input_size, hidden_size, *, forget_bias=1.0, rng=None, dtype=np.float64,
                 W_hh_init="xavier", spectral_radius=None):
        self.input_size = D = check_positive_int(input_size, "input_size")
        self.hidden_size = H = check_positive_int(hidden_size, "hidden_size")
        self.dtype = check_dtype(dtype)
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
        # internal gate order o, i, f, g: rows of the stacked (i, f, g, o) parameters
        self._order = np.r_[3 * H:4 * H, 0:3 * H]
        self._scale = np.r_[np.full(3 * H, 0.5), np.ones(H)].astype(self.dtype)  # a/2 for sigma
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
        H, G = self.hidden_size, self.cache["gates"]
        return {"i": G[..., H:2 * H], "f": G[..., 2 * H:3 * H],
                "g": G[..., 3 * H:], "o": G[..., :H]}

    def _check_state(self, state, B):
        H = self.hidden_size
        if state is None:
            return None, None
        if not isinstance(state, (tuple, list)) or len(state) != 2:
            raise TypeError(f"state: expected a tuple (h, c) of two ({B}, {H}) arrays, "
                            f"got {type(state).__name__}")
        return (check_array(state[0], "state[0] (h)", (B, H), self.dtype),
                check_array(state[1], "state[1] (c)", (B, H), self.dtype))

    def forward(self, x, state=None):
        """Run the LSTM over all T steps; return ``(h_1..h_T (T, B, H), (h_T, c_T))``."""
        check_array(x, "x", ("T", "B", self.input_size), self.dtype)
        T, B, D = x.shape
        H = self.hidden_size
        h0, c0 = self._check_state(state, B)
        p = self.params
        order, scale = self._order, self._scale[:, None]
        # gate rows in order o, i, f, g; sigmoid rows pre-scaled by 1/2 (sigma(a) = 0.5 + 0.5 tanh(a/2))
        Wx = p["W_xh"][order] * scale
        WhT = (p["W_hh"][order] * scale).T
        b = p["b_h"][order] * self._scale

        G = (x.reshape(T * B, D) @ Wx.T).reshape(T, B, 4 * H)    # inputs of all steps: one GEMM
        G += b
        h = np.empty((T + 1, B, H), dtype=self.dtype)
        c = np.empty((T + 1, B, H), dtype=self.dtype)
        h[0] = 0.0 if h0 is None else h0
        c[0] = 0.0 if c0 is None else c0
        tc = np.empty((T, B, H), dtype=self.dtype)                # tanh(c_t)
        hW = np.empty((B, 4 * H), dtype=self.dtype)
        ig = np.empty((B, H), dtype=self.dtype)
        sig = G[..., :3 * H]
        o, i, f, g = (G[..., k * H:(k + 1) * H] for k in range(4))
        for t in range(T):
            np.matmul(h[t], WhT, out=hW)                  # W_hh h_{t-1} (all gates, halved rows)
            G[t] += hW                                    # + W_xh x_t + b_h
            np.tanh(G[t], out=G[t])
            sig[t] *= 0.5                                 # o, i, f = 0.5 + 0.5 tanh(a / 2)
            sig[t] += 0.5
            np.multiply(f[t], c[t], out=c[t + 1])         # c_t = f_t * c_{t-1}
            np.multiply(i[t], g[t], out=ig)
            c[t + 1] += ig                                #       + i_t * g_t
            np.tanh(c[t + 1], out=tc[t])
            np.multiply(o[t], tc[t], out=h[t + 1])        # h_t = o_t * tanh(c_t)

        self.cache = {"x": x, "h": h, "c": c, "gates": G, "tanh_c": tc}
        return h[1:], (h[T], c[T])

    def backward(self, d_outputs, d_final_state=None):
        """Backpropagation through time; return ``(dx (T, B, D), (dh_0, dc_0))``."""
        if self.cache is None:
            raise RuntimeError("LSTM.backward: no forward pass to differentiate; "
                               "call forward first")
        cache = self.cache
        x, h, c, G, tc = cache["x"], cache["h"], cache["c"], cache["gates"], cache["tanh_c"]
        T, B, D = x.shape
        H = self.hidden_size
        if d_outputs is None:
            d_outputs = np.zeros((T, B, H), dtype=self.dtype)
        check_array(d_outputs, "d_outputs", (T, B, H), self.dtype)
        dh_next = np.zeros((B, H), dtype=self.dtype)
        dc_next = np.zeros((B, H), dtype=self.dtype)
        if d_final_state is not None:
            if not isinstance(d_final_state, (tuple, list)) or len(d_final_state) != 2:
                raise TypeError(f"d_final_state: expected None or a tuple (dh_T, dc_T), "
                                f"got {type(d_final_state).__name__}")
            if d_final_state[0] is not None:
                dh_next[...] = check_array(d_final_state[0], "d_final_state[0] (dh)", (B, H),
                                           self.dtype)
            if d_final_state[1] is not None:
                dc_next[...] = check_array(d_final_state[1], "d_final_state[1] (dc)", (B, H),
                                           self.dtype)

        # local derivatives for all t at once (internal gate order o, i, f, g)
        o, i, f, g = (G[..., k * H:(k + 1) * H] for k in range(4))
        P = np.empty((T, B, 4 * H), dtype=self.dtype)
        sig = G[..., :3 * H]
        np.multiply(sig, 1.0 - sig, out=P[..., :3 * H])      # sigma' = s (1 - s) for o, i, f
        P[..., :H] *= tc                                      # da_o = dh * tanh(c) * o'
        P[..., H:2 * H] *= g                                  # da_i = dc * g * i'
        P[..., 2 * H:3 * H] *= c[:-1]                         # da_f = dc * c_{t-1} * f'
        np.multiply(i, 1.0 - g * g, out=P[..., 3 * H:])       # da_g = dc * i * (1 - g^2)
        Q = o * (1.0 - tc * tc)                               # dc += dh * o * tanh'(c)
        P_ifg = P[..., H:].reshape((T, B, 3, H), copy=False)

        dA = np.empty((T, B, 4 * H), dtype=self.dtype)        # dL/d(pre-activations)
        dA_o = dA[..., :H]
        dA_ifg = dA[..., H:].reshape((T, B, 3, H), copy=False)
        dh = np.empty((T, B, H), dtype=self.dtype)
        dc = np.empty((T, B, H), dtype=self.dtype)
        dc_b = dc[:, :, None, :]
        Wh = self.params["W_hh"][self._order]                 # unscaled, internal order
        for t in reversed(range(T)):
            np.add(d_outputs[t], dh_next, out=dh[t])          # dh_t
            np.multiply(dh[t], Q[t], out=dc[t])
            dc[t] += dc_next                                  # dc_t
            np.multiply(dh[t], P[t, :, :H], out=dA_o[t])      # da_o
            np.multiply(P_ifg[t], dc_b[t], out=dA_ifg[t])     # da_i, da_f, da_g
            np.multiply(dc[t], f[t], out=dc_next)             # dc_{t-1} via the cell path
            np.matmul(dA[t], Wh, out=dh_next)                 # W_hh^T da_t

        # sums over t as single products over all T*B rows, written back in i, f, g, o order
        dA2 = dA.reshape(T * B, 4 * H)
        order = self._order
        self.grads["W_hh"][order] = dA2.T @ h[:-1].reshape(T * B, H)
        self.grads["W_xh"][order] = dA2.T @ x.reshape(T * B, D)
        self.grads["b_h"][order] = dA2.sum(axis=0)
        dx = (dA2 @ self.params["W_xh"][order]).reshape(T, B, D)

        self.dh_norms = np.sqrt(np.einsum("tbh,tbh->t", dh, dh))
        self.dc_norms = np.sqrt(np.einsum("tbh,tbh->t", dc, dc))
        return dx, (dh_next, dc_next)
