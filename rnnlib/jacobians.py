"""The product of Jacobians behind vanishing and exploding gradients (chapter ``vg-jacobians``).

For the simple RNN ``h_k = phi(a_k)``, ``a_k = W_hh h_{k-1} + W_xh x_k + b_h``, one step back
in time multiplies by the Jacobian of one step (course notation, column vectors)::

    J_k = dh_k/dh_{k-1} = diag(phi'(a_k)) W_hh                                  (vg-eq-step)
    dh_T/dh_t = J_T J_{T-1} ... J_{t+1}                 (T - t factors)          (vg-eq-product)
    dL/dh_t = (dh_T/dh_t)^T dL/dh_T                     (a loss at step T only)  (vg-eq-backprop)

Its size is bounded by the sizes of the factors (``||.||_2`` = largest singular value)::

    ||dh_T/dh_t||_2 <= prod_k ||diag(phi'(a_k))||_2 ||W_hh||_2 <= (gamma ||W_hh||_2)^(T - t)
                                                                                (vg-eq-bound)

with ``gamma = max |phi'|``: 1/4 for the logistic sigmoid, 1 for tanh and relu
(:data:`SLOPE_MAX`).  A gradient spread evenly over the units shrinks or grows, per step,
by about ``kappa = (||W_hh||_F / sqrt(H)) sqrt(mean(phi'^2))`` (:func:`rms_step_factor`,
vg-eq-rms; ``rho sqrt(mean(phi'^2))`` for ``W_hh = rho Q``, Q orthogonal).  The weight
gradient is a sum of one term per step, ``dL/dW = sum_t delta_t u_t^T`` with
``delta_t = phi'(a_t) * dL/dh_t`` and ``u_t`` the vector the weight multiplies at step t
(``h_{t-1}`` for ``W_hh``, ``x_t`` for ``W_xh``): :func:`weight_gradient_terms` returns the
terms (vg-eq-terms), and :func:`gradient_share` the share of ``sum ||delta_t||`` that
reaches the steps that matter (vg-eq-share).  Along the LSTM's cell path the Jacobian is
``dc_k/dc_{k-1} = diag(f_k)`` (:func:`forget_gate_product`, vg-eq-cell).

Array conventions are rnnlib's: time-major, a batch of row vectors, ``slopes[k - 1]`` holds
``phi'(a_k)`` of step k (shape ``(T, B, H)`` or ``(T, H)`` for one sequence).
"""
import math

import numpy as np

from ._checks import check_array, check_positive_int
from .init import orthogonal

__all__ = ["SLOPE_MAX", "activation_slope", "spectral_norm", "step_jacobian",
           "jacobian_product", "backpropagate", "norm_bound", "fit_per_step_factor",
           "rms_step_factor", "weight_gradient_terms", "gradient_share",
           "nonnormal_matrix", "nonnormal_power", "forget_gate_product"]

#: max |phi'(a)| over all a: sigma' = sigma (1 - sigma) <= 1/4, tanh' = 1 - tanh^2 <= 1, relu' <= 1.
SLOPE_MAX = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}


def _float_array(a, name):
    if not isinstance(a, np.ndarray) or a.dtype.kind != "f":
        got = a.dtype if isinstance(a, np.ndarray) else type(a).__name__
        raise TypeError(f"{name}: expected a float numpy array, got {got}")
    if not np.isfinite(a).all():
        raise ValueError(f"{name}: expected finite values, got NaN or Inf")
    return a


def _square(W, name="W_hh"):
    _float_array(W, name)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"{name}: expected a square matrix of shape (H, H), got shape {W.shape}")
    return W


def _nonnegative(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a real number, got {type(value).__name__}")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name}: expected a finite number >= 0, got {value!r}")
    return float(value)


def activation_slope(h, nonlinearity):
    """``phi'(a)`` computed from the output ``h = phi(a)`` (any shape, a new array).

    ``"tanh"``: ``1 - h^2``; ``"sigmoid"``: ``h (1 - h)``; ``"relu"``: ``[h > 0]``.
    """
    _float_array(h, "h")
    if nonlinearity == "tanh":
        return 1.0 - h ** 2
    if nonlinearity == "sigmoid":
        return h * (1.0 - h)
    if nonlinearity == "relu":
        return (h > 0).astype(h.dtype)
    raise ValueError(f"nonlinearity: expected one of {sorted(SLOPE_MAX)}, got {nonlinearity!r}")


def spectral_norm(W):
    """``||W||_2``: the largest singular value of the matrix ``W`` (a float)."""
    _float_array(W, "W")
    if W.ndim != 2:
        raise ValueError(f"W: expected a 2-D matrix, got shape {W.shape}")
    return float(np.linalg.norm(W.astype(np.float64), 2))


def step_jacobian(W_hh, slope):
    """``J_k = diag(phi'(a_k)) W_hh`` (vg-eq-step).

    ``W_hh (H, H)``; ``slope = phi'(a_k)`` of shape ``(H,)`` (one sequence) or ``(B, H)``
    (a batch).  Returns ``(H, H)`` or ``(B, H, H)``: row i of ``W_hh`` times ``slope[i]``.
    """
    H = _square(W_hh).shape[0]
    _float_array(slope, "slope")
    if slope.ndim not in (1, 2) or slope.shape[-1] != H:
        raise ValueError(f"slope: expected shape ({H},) or (B, {H}), got {slope.shape}")
    return slope[..., :, None] * W_hh


def _slopes(slopes, H):
    _float_array(slopes, "slopes")
    if slopes.ndim not in (2, 3) or slopes.shape[-1] != H:
        raise ValueError(f"slopes: expected shape (n, {H}) or (n, B, {H}), got {slopes.shape}")
    return slopes


def jacobian_product(W_hh, slopes):
    """``dh_T/dh_t = J_T J_{T-1} ... J_{t+1}`` (vg-eq-product).

    ``slopes``: ``phi'(a_k)`` for the steps ``k = t+1, ..., T`` in time order, shape
    ``(n, H)`` or ``(n, B, H)`` with ``n = T - t`` (``n = 0``: the identity).  Returns
    ``(H, H)`` or ``(B, H, H)``.
    """
    H = _square(W_hh).shape[0]
    slopes = _slopes(slopes, H)
    batch = slopes.shape[1:-1]
    P = np.broadcast_to(np.eye(H, dtype=W_hh.dtype), batch + (H, H)).copy()
    for k in range(slopes.shape[0]):               # P <- J_k P, k = t+1 .. T
        P = step_jacobian(W_hh, slopes[k]) @ P
    return P


def backpropagate(W_hh, slopes, g_T):
    """``dL/dh_t = (dh_T/dh_t)^T dL/dh_T`` for every t, a loss at step T only (vg-eq-backprop).

    Computed backwards, one transposed Jacobian at a time,
    ``dL/dh_{t-1} = W_hh^T (phi'(a_t) * dL/dh_t)``.  ``slopes (T, B, H)`` holds
    ``phi'(a_k)`` for ``k = 1..T``; ``g_T (B, H)`` is ``dL/dh_T``.  Returns ``(T, B, H)``
    with ``[t - 1] = dL/dh_t`` for ``t = 1..T``, the array ``RNN.backward(None, g_T)``
    stores in ``cache["dh"]``.
    """
    H = _square(W_hh).shape[0]
    slopes = _slopes(slopes, H)
    if slopes.ndim != 3:
        raise ValueError(f"slopes: expected shape (T, B, {H}), got {slopes.shape}")
    T, B, _ = slopes.shape
    check_array(g_T, "g_T", (B, H))
    g = np.empty((T, B, H), dtype=np.result_type(W_hh, g_T))
    g[T - 1] = g_T
    for t in range(T - 1, 0, -1):                  # g_{t-1} = W_hh^T (phi'(a_t) * g_t)
        g[t - 1] = (slopes[t] * g[t]) @ W_hh
    return g


def norm_bound(W_hh, gamma, distances):
    """``(gamma ||W_hh||_2)^(T - t)`` for each distance ``T - t`` (vg-eq-bound).

    ``gamma = max |phi'|`` (see :data:`SLOPE_MAX`); ``distances``: non-negative ints, any
    shape.  Returns a float64 array of the shape of ``distances``.
    """
    gamma = _nonnegative(gamma, "gamma")
    d = np.asarray(distances)
    if d.dtype.kind not in "iu" or (d < 0).any():
        raise ValueError(f"distances: expected non-negative integers, got {d!r}")
    return (gamma * spectral_norm(_square(W_hh))) ** d.astype(np.float64)


def fit_per_step_factor(norms, distances=None):
    """The factor ``kappa`` of the line ``log norm = const + (T - t) log kappa`` (vg-eq-fit).

    Least squares.  ``norms``: positive numbers, one per distance (1-D); ``distances``:
    the distances ``T - t`` (default ``0, 1, ...``).  ``kappa < 1``: the norm shrinks by
    ``kappa`` per step back on average; ``kappa > 1``: it grows.  Returns a float.
    """
    n = np.asarray(norms, dtype=np.float64)
    if n.ndim != 1 or n.size < 2:
        raise ValueError(f"norms: expected a 1-D array of at least 2 numbers, got shape {n.shape}")
    if not (np.isfinite(n).all() and (n > 0).all()):
        raise ValueError("norms: expected finite positive numbers (a log is taken)")
    d = np.arange(n.size, dtype=np.float64) if distances is None else \
        np.asarray(distances, dtype=np.float64)
    if d.shape != n.shape:
        raise ValueError(f"distances: expected shape {n.shape} (one per norm), got {d.shape}")
    slope = np.polyfit(d, np.log(n), 1)[0]
    return float(np.exp(slope))


def rms_step_factor(W_hh, slopes):
    """``kappa = (||W_hh||_F / sqrt(H)) sqrt(mean(phi'^2))``, the per-step factor (vg-eq-rms).

    One step back, ``g <- W_hh^T (phi' * g)``.  For a gradient ``g`` spread evenly over
    the H units, ``||phi' * g||^2 = sum_i phi'_i^2 g_i^2 ~ mean(phi'^2) ||g||^2``; then
    ``W_hh^T`` scales the squared length of a direction it does not single out by
    the mean squared singular value ``||W_hh||_F^2 / H``.  For ``W_hh = rho Q`` (Q
    orthogonal) the first factor is ``rho``.  ``W_hh (H, H)``; ``slopes``: the values
    ``phi'(a)`` seen (any shape, mean over all).  Returns a float.
    """
    H = _square(W_hh).shape[0]
    s = _float_array(np.asarray(slopes), "slopes")
    if s.size == 0:
        raise ValueError("slopes: expected at least one value, got none")
    rms_singular = float(np.linalg.norm(W_hh.astype(np.float64))) / math.sqrt(H)
    return rms_singular * float(np.sqrt(np.mean(s.astype(np.float64) ** 2)))


def weight_gradient_terms(delta, inputs):
    """The terms of ``dL/dW = sum_t delta_t u_t^T``, one per step, batch summed (vg-eq-terms).

    ``delta (T, B, H)``: ``delta_t = dL/da_t = phi'(a_t) * dL/dh_t``; ``inputs (T, B, K)``:
    the vector the weight multiplies at step t (``h_{t-1}`` for ``W_hh``, ``x_t`` for
    ``W_xh``).  Returns ``(T, H, K)``; the sum over axis 0 is the weight's gradient.
    """
    _float_array(delta, "delta")
    if delta.ndim != 3:
        raise ValueError(f"delta: expected shape (T, B, H), got {delta.shape}")
    T, B, _ = delta.shape
    _float_array(inputs, "inputs")
    if inputs.ndim != 3 or inputs.shape[:2] != (T, B):
        raise ValueError(f"inputs: expected shape ({T}, {B}, K), got {inputs.shape}")
    return np.einsum("tbh,tbk->thk", delta, inputs)


def gradient_share(delta, steps):
    """The share of the error signal that reaches the marked steps (vg-eq-share)::

        share = sum_{(t, b) marked} ||delta_{t,b}|| / sum_{t, b} ||delta_{t,b}||

    ``delta (T, B, H)``: ``delta_{t,b} = dL/da_t`` of sequence b of the batch; ``steps
    (T, B)`` bool: the steps that matter (e.g. the first marked step of each sequence of
    the adding problem).  Step t's term in every weight gradient is ``delta_t`` times the
    vector the weight multiplies there, so this is the share of the gradient signal that
    those steps receive.  Returns a float; spread evenly, it would be the fraction of
    marked steps.
    """
    _float_array(delta, "delta")
    if delta.ndim != 3:
        raise ValueError(f"delta: expected shape (T, B, H), got {delta.shape}")
    if not isinstance(steps, np.ndarray) or steps.dtype != bool or steps.shape != delta.shape[:2]:
        got = (steps.dtype, steps.shape) if isinstance(steps, np.ndarray) else type(steps).__name__
        raise ValueError(f"steps: expected a bool array of shape {delta.shape[:2]} (T, B), "
                         f"got {got}")
    norms = np.sqrt(np.einsum("tbh,tbh->tb", delta, delta))
    total = float(norms.sum())
    if total == 0.0:
        raise ValueError("delta: expected a non-zero gradient (the share of nothing is undefined)")
    return float(norms[steps].sum()) / total


def nonnormal_matrix(H, rho, coupling, rng=None):
    """``W = Q (rho I + mu N) Q^T``: every eigenvalue is ``rho``, yet ``||W||_2 > rho``.

    ``N`` is the shift matrix (ones just above the diagonal, ``N^H = 0``), ``mu =
    coupling`` and ``Q`` a random orthogonal matrix drawn from ``rng`` (``None``: ``Q = I``,
    so ``W`` is upper triangular).  Unit i + 1 feeds unit i with weight mu: a chain that
    amplifies a signal for a while although the spectral radius is ``rho``.  ``(H, H)``.
    """
    H = check_positive_int(H, "H")
    rho = _nonnegative(rho, "rho")
    coupling = _nonnegative(coupling, "coupling")
    W = rho * np.eye(H) + coupling * np.eye(H, k=1)
    if rng is None:
        return W
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng: expected None or a numpy.random.Generator, "
                        f"got {type(rng).__name__}")
    q = orthogonal(H, rng)
    return q @ W @ q.T


def nonnormal_power(H, rho, coupling, n):
    """``(rho I + mu N)^n = sum_k binom(n, k) rho^(n-k) mu^k N^k``, ``k = 0 .. min(n, H-1)``.

    The n-th power of :func:`nonnormal_matrix` with ``Q = I`` in closed form (``I`` and
    ``N`` commute, so the binomial theorem applies; ``N^k`` has ones k places above the
    diagonal and is 0 for ``k >= H``).  Its entry ``(0, k)`` is ``binom(n, k) rho^(n-k)
    mu^k``: a polynomial in n times ``rho^n``, which grows before ``rho^n`` wins.
    """
    H = check_positive_int(H, "H")
    rho = _nonnegative(rho, "rho")
    coupling = _nonnegative(coupling, "coupling")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n: expected an int >= 0, got {n!r}")
    P = np.zeros((H, H))
    for k in range(min(int(n), H - 1) + 1):
        P += math.comb(int(n), k) * rho ** (n - k) * coupling ** k * np.eye(H, k=k)
    return P


def forget_gate_product(f):
    """``dc_T/dc_t`` along the LSTM's cell path alone: ``prod_{k=t+1..T} f_k`` (vg-eq-cell).

    ``c_k = f_k * c_{k-1} + i_k * g_k``, so the direct path from ``c_{k-1}`` to ``c_k`` has
    the diagonal Jacobian ``diag(f_k)``, with no weight matrix and no ``phi'``.  ``f (T, B, H)``:
    the forget gates of steps 1..T (``LSTM.gates["f"]``).  Returns ``(T, B, H)`` with
    ``[t - 1] = prod_{k=t+1..T} f_k`` for ``t = 1..T`` (1 at ``t = T``).
    """
    _float_array(f, "f")
    if f.ndim != 3:
        raise ValueError(f"f: expected shape (T, B, H), got {f.shape}")
    P = np.ones_like(f)
    for t in range(f.shape[0] - 1, 0, -1):         # P_{t-1} = f_t * P_t
        P[t - 1] = f[t] * P[t]
    return P
