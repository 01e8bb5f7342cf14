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

The reference cell is ``rnnlib.reference.gru_step_forward`` / ``gru_step_backward``
(one step, explicit cache, the equations above as written), run over time by
``rnnlib.reference.run_forward`` / ``run_backward``.  This layer computes the same
function, equal to the reference up to float rounding (tests: rel. error < 1e-12),
with these speed tricks (as in ``rnnlib.lstm``):

* columns: states are stored ``(H, B)`` per step as in the maths, so each gate is a
  contiguous block (faster elementwise calls); same numbers, different memory order.
* the inputs of all steps projected before the loop in one batched matmul call:
  ``W_xh x_t + b_xh`` (plus ``b_hr``, ``b_hz``, which add the same way) does not depend on
  the state (bias folded into the product when B > 1, see ``rnnlib._columns``).
* one fused gate GEMM per step: ``[W_hh b] [h_{t-1}; 1]`` gives ``W_hr h``, ``W_hz h`` and
  ``W_hn h + b_hn`` at once; ``b_hn`` rides along as a column, the same sums.
* sigma(a) = 0.5 + 0.5 tanh(a/2): an identity, computed on rows pre-halved (the r, z
  rows of the weights and biases are halved once per call); no overflow.
* h_t = n_t + z_t (h_{t-1} - n_t): ``(1 - z) n + z h`` rearranged, one product fewer.
* workspaces kept per (T, B): buffers and their per-step views are reused; every buffer
  is written before it is read, so no numbers are carried between calls.
* local derivatives for all steps before the backward loop, so each step is
  ``dK_t = K_t * dh_t`` and one GEMM; the same products, computed earlier.
* weight gradients and dx after the loop, one GEMM each over all T*B rows: they are
  sums over t of per-step products, and a sum of products is one product.
* padding (``lengths``): one precomputed mask; forward holds h with
  ``np.copyto(..., where=mask)``; backward sets the local derivatives at padded steps to
  0, and to 1 on the direct path ``dh_t z_t``, so dh passes through at no cost per step.
"""
import numpy as np

from ._checks import as_rng, check_array, check_dtype, check_positive_int
from . import init as _init
from ._columns import input_projection, view_as
from .layer import SequenceLayer, check_lengths


class GRU(SequenceLayer):
    """GRU layer (reset applied after the recurrent product; see the module docstring).

    Parameters (gates stacked r, z, n): ``W_xh (3H, D)``, ``W_hh (3H, H)``,
    ``b_xh (3H,)``, ``b_hh (3H,)`` (both biases, as in PyTorch: ``b_hn`` sits inside
    the reset product, so it is not redundant).  State ``h`` of shape ``(B, H)``.

    ``forward(x (T, B, D), state=None, lengths=None) -> (h_all (T, B, H), h_T (B, H))``
    (``lengths`` (B,) marks padding, see ``forward``);
    ``backward(d_outputs (T, B, H) or None, d_final_state (B, H) or None) -> (dx, dh_0)``.

    Internals: after ``forward``, ``cache["h"]`` ``(T + 1, B, H)`` (``h[0] = h_0``) and
    ``gates``: dict ``r, z, n`` of ``(T, B, H)``; after ``backward``, ``dh_norms`` ``(T,)``.
    With ``lengths``, the gates at padded steps are computed but not used (not meaningful).
    The speed tricks and the reference cell are listed in the module docstring.
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
        # [W_hh, b] with r, z rows halved and b = [0; 0; b_hn]: the recurrent product of a
        # state column with a 1 appended, [h; 1], gives W_hr h, W_hz h and W_hn h + b_hn at once
        self._Wh1 = np.zeros((3 * H, H + 1), dtype=self.dtype)
        self._fws = self._bws = None  # workspaces (buffers and per-step views) for one (T, B)
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
        H, S = self.hidden_size, self._fws["S"].transpose(0, 2, 1)      # (T, B, 4H)
        return {"r": S[..., :H].copy(), "z": S[..., H:2 * H].copy(), "n": S[..., 3 * H:].copy()}

    def _forward_workspace(self, T, B):
        ws = self._fws
        if ws is not None and ws["TB"] == (T, B):
            return ws
        H, dt = self.hidden_size, self.dtype
        h1 = np.empty((T + 1, H + 1, B), dtype=dt)             # [h_t; 1] as columns
        h1[:, H] = 1.0
        # S[t] = [r_t; z_t; m_t; n_t] (4H, B), with m_t = W_hn h_{t-1} + b_hn
        S = np.empty((T, 4 * H, B), dtype=dt)
        X = np.empty((T, 3 * H, B), dtype=dt)                   # input projections
        tmp = np.empty((H, B), dtype=dt)
        steps = list(zip(range(T), h1[:-1], S[:, :3 * H], S[:, :2 * H], X[:, :2 * H], S[:, :H],
                         S[:, H:2 * H], S[:, 2 * H:3 * H], S[:, 3 * H:], X[:, 2 * H:],
                         h1[:-1, :H], h1[1:, :H]))
        self._fws = ws = {"TB": (T, B), "h1": h1, "S": S, "X": X, "tmp": tmp, "steps": steps}
        return ws

    def forward(self, x, state=None, lengths=None):
        """Run the GRU over all T steps; return ``(h_1..h_T (T, B, H), h_T (B, H))``.

        ``lengths``: None (every sequence has T steps) or an int array (B,) with
        ``1 <= lengths[b] <= T``; steps after ``lengths[b]`` of sequence b are padding,
        as in PyTorch's packed sequences: the state is held there (``h_t = h_{t-1}``), so
        the final state is the one at each sequence's own last step, and the outputs
        there are 0.  ``backward`` then ignores ``d_outputs`` at padded steps.
        """
        check_array(x, "x", ("T", "B", self.input_size), self.dtype)
        T, B, D = x.shape
        H, dt = self.hidden_size, self.dtype
        lengths = check_lengths(lengths, T, B)
        # pad[t, b] = True where step t + 1 is padding of sequence b; hold: as columns (1, B)
        pad = None if lengths is None else np.arange(T)[:, None] >= lengths
        hold = None if pad is None else pad[:, None, :]
        if state is not None:
            check_array(state, "state", (B, H), dt)
        p = self.params
        ws = self._forward_workspace(T, B)
        h1, S, X, tmp = ws["h1"], ws["S"], ws["X"], ws["tmp"]
        h1[0, :H] = 0.0 if state is None else state.T

        scale = self._scale                                   # r, z rows halved: sigma via tanh
        Wh1 = self._Wh1
        np.multiply(p["W_hh"], scale[:, None], out=Wh1[:, :H])
        Wh1[2 * H:, H] = p["b_hh"][2 * H:]                    # b_hn (inside the reset product)
        b = p["b_xh"].copy()
        b[:2 * H] += p["b_hh"][:2 * H]                        # b_hr, b_hz join the input side
        input_projection(p["W_xh"] * scale[:, None], b * scale, x, out=X)   # all steps at once

        for t, h_prev, hW, rz, x_rz, r, z, m, n, x_n, hp, h_t in ws["steps"]:
            np.matmul(Wh1, h_prev, out=hW)                    # [W_hr h; W_hz h; W_hn h + b_hn]
            rz += x_rz                                        # + W_xr x + b_r, W_xz x + b_z
            np.tanh(rz, out=rz)
            rz *= 0.5                                         # r, z = 0.5 + 0.5 tanh(a / 2)
            rz += 0.5
            np.multiply(r, m, out=n)                          # r_t * (W_hn h_{t-1} + b_hn)
            n += x_n                                          # + W_xn x_t + b_xn
            np.tanh(n, out=n)                                 # n_t
            np.subtract(hp, n, out=tmp)
            tmp *= z
            np.add(n, tmp, out=h_t)                           # h_t = n_t + z_t (h_{t-1} - n_t)
            if hold is not None:
                np.copyto(h_t, hp, where=hold[t])             # padding: h_t = h_{t-1}

        h_rows = h1[:, :H].transpose(0, 2, 1).copy()   # (T + 1, B, H), a new array
        self.cache = {"x": x, "h": h_rows}
        if hold is not None:                                    # padded batch
            self.cache.update(lengths=lengths, hold=hold)
        if pad is None:
            return h_rows[1:], h_rows[T]
        out = np.where(pad[..., None], 0.0, h_rows[1:])    # outputs at padded steps are 0
        return out, h_rows[T]

    def _backward_workspace(self, T, B):
        ws = self._bws
        if ws is not None and ws["TB"] == (T, B):
            return ws
        H, dt = self.hidden_size, self.dtype
        dy = np.empty((T, H, B), dtype=dt)                      # d_outputs as columns
        dh = np.empty((T, H, B), dtype=dt)                      # dL/dh_t
        K = np.empty((T, 4 * H, B), dtype=dt)                   # local derivatives, see below
        dK = np.empty((T, 4 * H, B), dtype=dt)                  # [da_r; da_z; dm; dh_t z_t]
        steps = [(dy[t], dh[t], view_as(K[t], (4, H, B)),
                  view_as(dK[t], (4, H, B)), dK[t, :3 * H], dK[t, 3 * H:])
                 for t in reversed(range(T))]
        self._bws = ws = {"TB": (T, B), "dy": dy, "dh": dh, "K": K, "dK": dK, "steps": steps,
                          "dh_next": np.empty((H, B), dtype=dt)}
        return ws

    def backward(self, d_outputs, d_final_state=None):
        """Backpropagation through time; return ``(dx (T, B, D), dh_0 (B, H))``.

        After ``forward(..., lengths=...)``, ``d_outputs`` at padded steps is ignored, dx
        there is 0, and ``d_final_state`` reaches step ``lengths[b]`` unchanged.
        """
        if self.cache is None:
            raise RuntimeError("GRU.backward: no forward pass to differentiate; "
                               "call forward first")
        x, h_rows, hold = self.cache["x"], self.cache["h"], self.cache.get("hold")
        h1, S = self._fws["h1"], self._fws["S"]
        T, B, D = x.shape
        H, dt = self.hidden_size, self.dtype
        ws = self._backward_workspace(T, B)
        dy, dh, K, dK, dh_next = ws["dy"], ws["dh"], ws["K"], ws["dK"], ws["dh_next"]
        if d_outputs is None:
            dy[...] = 0.0
        else:
            check_array(d_outputs, "d_outputs", (T, B, H), dt)
            dy[...] = d_outputs.transpose(0, 2, 1)
        if hold is not None:                                    # 0/1 masks (T, 1, B): products
            pad_f = hold.astype(dt)                             # with them are exact and faster
            valid = 1.0 - pad_f                                 # than masked copies
            dy *= valid                                         # no gradient from padded outputs
        dh_next[...] = 0.0
        if d_final_state is not None:
            dh_next[...] = check_array(d_final_state, "d_final_state", (B, H), dt).T

        # local derivatives for all t at once: [da_r; da_z; dm; dh_t z_t] = K_t * dh_t
        r, z, M, N = (S[:, k * H:(k + 1) * H] for k in range(4))
        Kn = (1.0 - z) * (1.0 - N * N)                        # da_n = dh * (1 - z) * (1 - n^2)
        if hold is not None:
            Kn *= valid                                       # padded steps: no gate gradients
        np.multiply(Kn * M, r * (1.0 - r), out=K[:, :H])      # da_r = da_n * m * r(1 - r)
        np.multiply(h1[:-1, :H] - N, z * (1.0 - z), out=K[:, H:2 * H])  # da_z = dh (h - n) z'
        np.multiply(Kn, r, out=K[:, 2 * H:3 * H])             # dm = da_n * r
        K[:, 3 * H:] = z                                      # direct path h_{t-1} -> h_t
        if hold is not None:                                  # padding: h_t = h_{t-1}, so
            K *= valid                                        # the gates get nothing and
            K[:, 3 * H:] += pad_f                             # dh_{t-1} = 1 * dh_t

        WhT = self.params["W_hh"].T
        for dy_t, dh_t, K_t, dK_t, dGh_t, dz_direct in ws["steps"]:
            np.add(dy_t, dh_next, out=dh_t)                   # dh_t
            np.multiply(K_t, dh_t, out=dK_t)                  # [da_r; da_z; dm; dh_t z_t]
            np.matmul(WhT, dGh_t, out=dh_next)                # W_hh^T [da_r; da_z; dm]
            dh_next += dz_direct                              # + dh_t * z_t (direct path)

        # sums over t: single products over all T*B rows (rows: time-major again)
        dGh = np.ascontiguousarray(dK[:, :3 * H].transpose(0, 2, 1)).reshape(T * B, 3 * H)
        dGx = dGh.copy().reshape(T, B, 3 * H)                 # input side: da_r, da_z, da_n
        dGx[..., 2 * H:] = (dh * Kn).transpose(0, 2, 1)       # da_n = dh * (1 - z) * (1 - n^2)
        dGx = dGx.reshape(T * B, 3 * H)
        np.matmul(dGh.T, h_rows[:-1].reshape(T * B, H), out=self.grads["W_hh"])
        np.sum(dGh, axis=0, out=self.grads["b_hh"])
        np.matmul(dGx.T, x.reshape(T * B, D), out=self.grads["W_xh"])
        np.sum(dGx, axis=0, out=self.grads["b_xh"])
        dx = (dGx @ self.params["W_xh"]).reshape(T, B, D)

        self.dh_norms = np.sqrt(np.vecdot(dh.reshape(T, -1), dh.reshape(T, -1)))
        return dx, dh_next.T.copy()
