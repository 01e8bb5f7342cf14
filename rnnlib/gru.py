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


class GRU:
    """GRU layer (reset applied after the recurrent product; see the module docstring).

    Parameters (gates stacked r, z, n): ``W_xh (3H, D)``, ``W_hh (3H, H)``,
    ``b_xh (3H,)``, ``b_hh (3H,)`` (both biases, as in PyTorch: ``b_hn`` sits inside
    the reset product, so it is not redundant).  State ``h`` of shape ``(B, H)``.

    ``forward(x (T, B, D), state=None) -> (h_all (T, B, H), h_T (B, H))``;
    ``backward(d_outputs (T, B, H) or None, d_final_state (B, H) or None) -> (dx, dh_0)``.

    Internals: after ``forward``, ``cache["h"]`` ``(T + 1, B, H)`` (``h[0] = h_0``) and
    ``gates``: dict ``r, z, n`` of ``(T, B, H)``; after ``backward``, ``dh_norms`` ``(T,)``.
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
        H, RZ = self.hidden_size, self.cache["rz"]
        return {"r": RZ[..., :H], "z": RZ[..., H:], "n": self.cache["n"]}

    def forward(self, x, state=None):
        """Run the GRU over all T steps; return ``(h_1..h_T (T, B, H), h_T (B, H))``."""
        check_array(x, "x", ("T", "B", self.input_size), self.dtype)
        T, B, D = x.shape
        H = self.hidden_size
        p = self.params
        h = np.empty((T + 1, B, H), dtype=self.dtype)
        h[0] = 0.0 if state is None else check_array(state, "state", (B, H), self.dtype)

        scale = self._scale
        WhT = (p["W_hh"] * scale[:, None]).T                  # r, z rows halved: sigma via tanh
        b_hn = p["b_hh"][2 * H:]
        b = p["b_xh"].copy()
        b[:2 * H] += p["b_hh"][:2 * H]                        # b_hr, b_hz join the input side
        X = (x.reshape(T * B, D) @ (p["W_xh"] * scale[:, None]).T).reshape(T, B, 3 * H)
        X += b * scale                                        # inputs of all steps: one GEMM
        X_rz, X_n = X[..., :2 * H], X[..., 2 * H:]

        RZ = np.empty((T, B, 2 * H), dtype=self.dtype)        # r, z
        M = np.empty((T, B, H), dtype=self.dtype)             # m_t = W_hn h_{t-1} + b_hn
        N = np.empty((T, B, H), dtype=self.dtype)             # n_t
        hW = np.empty((B, 3 * H), dtype=self.dtype)
        hW_rz, hW_n = hW[:, :2 * H], hW[:, 2 * H:]
        tmp = np.empty((B, H), dtype=self.dtype)
        r, z = RZ[..., :H], RZ[..., H:]
        for t in range(T):
            np.matmul(h[t], WhT, out=hW)                      # W_hh h_{t-1}, all gates
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

        self.cache = {"x": x, "h": h, "rz": RZ, "m": M, "n": N}
        return h[1:], h[T]

    def backward(self, d_outputs, d_final_state=None):
        """Backpropagation through time; return ``(dx (T, B, D), dh_0 (B, H))``."""
        if self.cache is None:
            raise RuntimeError("GRU.backward: no forward pass to differentiate; "
                               "call forward first")
        cache = self.cache
        x, h, RZ, M, N = cache["x"], cache["h"], cache["rz"], cache["m"], cache["n"]
        T, B, D = x.shape
        H = self.hidden_size
        if d_outputs is None:
            d_outputs = np.zeros((T, B, H), dtype=self.dtype)
        check_array(d_outputs, "d_outputs", (T, B, H), self.dtype)
        dh_next = np.zeros((B, H), dtype=self.dtype)
        if d_final_state is not None:
            dh_next[...] = check_array(d_final_state, "d_final_state", (B, H), self.dtype)

        # local derivatives for all t at once: d(pre-activation) = dh_t * K_t
        r, z = RZ[..., :H], RZ[..., H:]
        Kn = (1.0 - z) * (1.0 - N * N)                        # da_n = dh * (1 - z) * (1 - n^2)
        K = np.empty((T, B, 3 * H), dtype=self.dtype)
        np.multiply(Kn * M, r * (1.0 - r), out=K[..., :H])    # da_r
        np.multiply(h[:-1] - N, z * (1.0 - z), out=K[..., H:2 * H])  # da_z
        np.multiply(Kn, r, out=K[..., 2 * H:])                # dm = da_n * r
        K3 = K.reshape(T, B, 3, H)

        dGh = np.empty((T, B, 3 * H), dtype=self.dtype)       # grads of W_hh h_{t-1} + b_hh
        dGh3 = dGh.reshape(T, B, 3, H)
        dh = np.empty((T, B, H), dtype=self.dtype)
        dh_b = dh[:, :, None, :]
        tmp = np.empty((B, H), dtype=self.dtype)
        W_hh = self.params["W_hh"]
        for t in reversed(range(T)):
            np.add(d_outputs[t], dh_next, out=dh[t])          # dh_t
            np.multiply(K3[t], dh_b[t], out=dGh3[t])          # [da_r, da_z, dm]
            np.matmul(dGh[t], W_hh, out=dh_next)              # W_hh^T [da_r; da_z; dm]
            np.multiply(dh[t], z[t], out=tmp)
            dh_next += tmp                                    # + dh_t * z_t (direct path)

        # sums over t: single products over all T*B rows
        dGh2 = dGh.reshape(T * B, 3 * H)
        np.matmul(dGh2.T, h[:-1].reshape(T * B, H), out=self.grads["W_hh"])
        np.sum(dGh2, axis=0, out=self.grads["b_hh"])
        dGx = dGh.copy()                                      # input side: da_r, da_z, da_n
        np.multiply(dh, Kn, out=dGx[..., 2 * H:])
        dGx2 = dGx.reshape(T * B, 3 * H)
        np.matmul(dGx2.T, x.reshape(T * B, D), out=self.grads["W_xh"])
        np.sum(dGx2, axis=0, out=self.grads["b_xh"])
        dx = (dGx2 @ self.params["W_xh"]).reshape(T, B, D)

        self.dh_norms = np.sqrt(np.einsum("tbh,tbh->t", dh, dh))
        return dx, dh_next
