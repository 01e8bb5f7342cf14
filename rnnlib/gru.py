"""Gated recurrent unit (Cho et al. 2014), in the form used by cuDNN and PyTorch.

Forward, for t = 1..T (course notation, column vectors; sigma = logistic sigmoid)::

    r_t = sigma(W_xr x_t + b_xr + W_hr h_{t-1} + b_hr)              reset gate
    z_t = sigma(W_xz x_t + b_xz + W_hz h_{t-1} + b_hz)              update gate
    n_t = tanh (W_xn x_t + b_xn + r_t * (W_hn h_{t-1} + b_hn))      candidate state
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

Gates are stacked r, z, n: ``W_xh (3H, D)``, ``W_hh (3H, H)``, ``b_xh (3H,)``, ``b_hh (3H,)``.

Difference to Cho et al. (2014): there the reset gate multiplies the state
*before* the matrix product, ``n_t = tanh(W_xn x_t + W_hn (r_t * h_{t-1}))``.  Here
it multiplies the result *after* it, ``r_t * (W_hn h_{t-1} + b_hn)``.  The two are
different functions (not a reparametrisation) with the same number of
parameters and similar accuracy in practice; the "after" form lets
``W_hh h_{t-1}`` of all three gates be one matrix product per step, which is why
cuDNN and PyTorch use it (ONNX calls it ``linear_before_reset=1``).  The update
rule is Cho's: z_t close to 1 keeps the old state.

Backward, with dh_t = dL/dh_t (total derivative)::

    dn = dh_t * (1 - z_t),       da_n = dn * (1 - n_t^2)           (a = pre-activation)
    dz = dh_t * (h_{t-1} - n_t), da_z = dz * z(1 - z)
    dm = da_n * r_t              (m = W_hn h_{t-1} + b_hn),  da_r = da_n * m * r(1 - r)
    dh_{t-1} = dh_t * z_t + W_hh^T [da_r; da_z; dm] + (upstream at t-1)
"""
import numpy as np

from ._checks import as_rng, check_array, check_dtype, check_positive_int
from . import init as _init
from ._columns import input_projection


class GRU:
    """GRU layer (reset applied after the recurrent product; see the module docstring).

    Parameters (gates stacked r, z, n): ``W_xh (3H, D)``, ``W_hh (3H, H)``,
    ``b_xh (3H,)``, ``b_hh (3H,)`` (both biases, as in PyTorch: ``b_hn`` sits inside
    the reset product, so it is not redundant).  State ``h`` of shape ``(B, H)``.

    ``forward(x (T, B, D), state=None) -> (h_all (T, B, H), h_T (B, H))``;
    ``backward(d_outputs (T, B, H) or None, d_final_state (B, H) or None) -> (dx, dh_0)``.

    Internals: after ``forward``, ``cache["h"]`` ``(T + 1, B, H)`` (``h[0] = h_0``) and
    ``gates``: dict ``r, z, n`` of ``(T, B, H)``; after ``backward``, ``dh_norms`` ``(T,)``.
    Inside, states are stored as columns ``(H, B)`` as in the maths, so that each
    gate is a contiguous block (faster elementwise calls); see ``rnnlib.lstm``.
    """

    def __init__(self, input_size, hidden_size, *, rng=None, dtype=np.float64,
                 W_hh_init="xavier", spectral_radius=None):
        self.input_size = D = check_positive_int(input_size, "input_size")
        self.hidden_size = H = check_positive_int(hidden_size, "hidden_size")
        self.dtype = check_dtype(dtype)
        rng = as_rng(rng)
        W_xh = np.concatenate([_init.xavier_uniform((H, D), rng) for _ in range(3)])
        W_hh = np.concatenate([_init.recurrent_matrix(H, W_hh_init, rng,
                                                      spectral_radius=spectral_radius)
                               for _ in range(3)])
        self.params = {"W_xh": W_xh.astype(self.dtype), "W_hh": W_hh.astype(self.dtype),
                       "b_xh": np.zeros(3 * H, self.dtype), "b_hh": np.zeros(3 * H, self.dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._scale = np.r_[np.full(2 * H, 0.5), np.ones(H)].astype(self.dtype)  # a/2 for sigma
        self.cache = None
        self.dh_norms = None

    def __repr__(self):
        return (f"GRU(input_size={self.input_size}, hidden_size={self.hidden_size}, "
                f"dtype={self.dtype.name})")

    @property
    def gates(self):
        """Gate activations of the last forward: dict ``r, z, n`` of ``(T, B, H)`` arrays."""
        if self.cache is None:
            raise RuntimeError("GRU.gates: no forward pass yet; call forward first")
        H, S = self.hidden_size, self.cache["S"].transpose(0, 2, 1)     # (T, B, 4H)
        return {"r": S[..., :H], "z": S[..., H:2 * H], "n": S[..., 3 * H:]}

    def forward(self, x, state=None):
        """Run the GRU over all T steps; return ``(h_1..h_T (T, B, H), h_T (B, H))``."""
        check_array(x, "x", ("T", "B", self.input_size), self.dtype)
        T, B, D = x.shape
        H, dt = self.hidden_size, self.dtype
        p = self.params
        # column layout inside (as in the maths): h_t is an (H, B) block, each gate a
        # contiguous (H, B) block; the API stays time-major (T, B, H)
        h = np.empty((T + 1, H, B), dtype=dt)
        h[0] = 0.0 if state is None else check_array(state, "state", (B, H), dt).T

        scale = self._scale[:, None]                          # r, z rows halved: sigma via tanh
        Wh = p["W_hh"] * scale
        b_hn = p["b_hh"][2 * H:, None]
        b = p["b_xh"].copy()
        b[:2 * H] += p["b_hh"][:2 * H]                        # b_hr, b_hz join the input side
        X = input_projection(p["W_xh"] * scale, b * self._scale, x)   # (T, 3H, B), all steps
        X_rz, X_n = X[:, :2 * H], X[:, 2 * H:]

        # S[t] = [r_t; z_t; m_t; n_t] with m_t = W_hn h_{t-1} + b_hn  (4H, B)
        S = np.empty((T, 4 * H, B), dtype=dt)
        RZ, M, N = S[:, :2 * H], S[:, 2 * H:3 * H], S[:, 3 * H:]
        r, z = S[:, :H], S[:, H:2 * H]
        hW = np.empty((3 * H, B), dtype=dt)
        hW_rz, hW_n = hW[:2 * H], hW[2 * H:]
        tmp = np.empty((H, B), dtype=dt)
        for t in range(T):
            np.matmul(Wh, h[t], out=hW)                       # W_hh h_{t-1}, all gates
            np.add(hW_rz, X_rz[t], out=RZ[t])
            np.tanh(RZ[t], out=RZ[t])
            RZ[t] *= 0.5                                      # r, z = 0.5 + 0.5 tanh(a / 2)
            RZ[t] += 0.5
            np.add(hW_n, b_hn, out=M[t])                      # m_t = W_hn h_{t-1} + b_hn
            np.multiply(r[t], M[t], out=N[t])                 # r_t * m_t
            N[t] += X_n[t]                                    # + W_xn x_t + b_xn
            np.tanh(N[t], out=N[t])                           # n_t
            np.subtract(h[t], N[t], out=tmp)
            tmp *= z[t]
            np.add(N[t], tmp, out=h[t + 1])                   # h_t = n_t + z_t (h_{t-1} - n_t)

        h_rows = np.ascontiguousarray(h.transpose(0, 2, 1))  # (T + 1, B, H)
        self.cache = {"x": x, "h": h_rows, "h_col": h, "S": S}
        return h_rows[1:], h_rows[T]

    def backward(self, d_outputs, d_final_state=None):
        """Backpropagation through time; return ``(dx (T, B, D), dh_0 (B, H))``."""
        if self.cache is None:
            raise RuntimeError("GRU.backward: no forward pass to differentiate; "
                               "call forward first")
        cache = self.cache
        x, h_rows, h, S = cache["x"], cache["h"], cache["h_col"], cache["S"]
        T, B, D = x.shape
        H, dt = self.hidden_size, self.dtype
        if d_outputs is None:
            dy = np.zeros((T, H, B), dtype=dt)
        else:
            check_array(d_outputs, "d_outputs", (T, B, H), dt)
            dy = np.ascontiguousarray(d_outputs.transpose(0, 2, 1))   # columns (T, H, B)
        dh_next = np.zeros((H, B), dtype=dt)
        if d_final_state is not None:
            dh_next[...] = check_array(d_final_state, "d_final_state", (B, H), dt).T

        # local derivatives for all t at once: [da_r; da_z; dm; dh_t z_t] = K_t * dh_t
        r, z, M, N = (S[:, k * H:(k + 1) * H] for k in range(4))
        Kn = (1.0 - z) * (1.0 - N * N)                        # da_n = dh * (1 - z) * (1 - n^2)
        K = np.empty((T, 4 * H, B), dtype=dt)
        np.multiply(Kn * M, r * (1.0 - r), out=K[:, :H])      # da_r = da_n * m * r(1 - r)
        np.multiply(h[:-1] - N, z * (1.0 - z), out=K[:, H:2 * H])  # da_z = dh (h_{t-1} - n) z'
        np.multiply(Kn, r, out=K[:, 2 * H:3 * H])             # dm = da_n * r
        K[:, 3 * H:] = z                                      # direct path h_{t-1} -> h_t
        K4 = K.reshape(T, 4, H, B)

        dK = np.empty((T, 4 * H, B), dtype=dt)                # [da_r; da_z; dm; dh_t z_t]
        dK4 = dK.reshape(T, 4, H, B)
        dGh, dz_direct = dK[:, :3 * H], dK[:, 3 * H:]         # dGh: grads of W_hh h_{t-1} + b_hh
        dh = np.empty((T, H, B), dtype=dt)
        WhT = self.params["W_hh"].T
        for t in reversed(range(T)):
            np.add(dy[t], dh_next, out=dh[t])                 # dh_t
            np.multiply(K4[t], dh[t], out=dK4[t])             # [da_r; da_z; dm; dh_t z_t]
            np.matmul(WhT, dGh[t], out=dh_next)               # W_hh^T [da_r; da_z; dm]
            dh_next += dz_direct[t]                           # + dh_t * z_t (direct path)

        # sums over t: single products over all T*B rows (rows: time-major again)
        dGx = np.empty((T, B, 3 * H), dtype=dt)               # input side: da_r, da_z, da_n
        dGx[..., :2 * H] = dGh[:, :2 * H].transpose(0, 2, 1)
        dGx[..., 2 * H:] = (dh * Kn).transpose(0, 2, 1)       # da_n = dh * (1 - z) * (1 - n^2)
        dGh2 = np.ascontiguousarray(dGh.transpose(0, 2, 1)).reshape(T * B, 3 * H)
        dGx2 = dGx.reshape(T * B, 3 * H)
        np.matmul(dGh2.T, h_rows[:-1].reshape(T * B, H), out=self.grads["W_hh"])
        np.sum(dGh2, axis=0, out=self.grads["b_hh"])
        np.matmul(dGx2.T, x.reshape(T * B, D), out=self.grads["W_xh"])
        np.sum(dGx2, axis=0, out=self.grads["b_xh"])
        dx = (dGx2 @ self.params["W_xh"]).reshape(T, B, D)

        self.dh_norms = np.sqrt(np.einsum("thb,thb->t", dh, dh))
        return dx, dh_next.T.copy()
