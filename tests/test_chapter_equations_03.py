"""The equations stated in chapter 3 (vanishing and exploding gradients), checked against rnnlib.

Each test names the equation label of chapters/03_vanishing_gradients.ipynb that it checks.
Derivatives are checked against centred finite differences wherever they can be, so that
the library is not only compared with itself.
"""
import math

import numpy as np
import pytest

import rnnlib
from rnnlib import jacobians as jac
from rnnlib import reference as ref
from rnnlib.direction import angle_degrees, cosine
from rnnlib.gradcheck import numerical_gradient, rel_error
from rnnlib.landscape import loss_along_line, tanh_fixed_points
from rnnlib.reference import SIGMOID_RNN_CELL

CELLS = {"tanh": ref.RNN_CELL, "relu": ref.RELU_RNN_CELL, "sigmoid": SIGMOID_RNN_CELL}


def _params(rng, D, H, scale=1.0):
    return {"W_xh": rng.normal(0, 1, (H, D)), "W_hh": rng.normal(0, scale / np.sqrt(H), (H, H)),
            "b_h": rng.normal(0, 0.3, H)}


def _states(cell, params, x, h0):
    """h_1..h_T of one run of the reference loop, (T, B, H)."""
    h, _, _ = ref.run_forward(cell, params, x, h0)
    return h


def _fd_jacobian(fun, h, eps=1e-6):
    """Centred finite-difference Jacobian d fun(h) / d h of a vector function, (H_out, H_in)."""
    cols = []
    for i in range(h.size):
        e = np.zeros_like(h)
        e[i] = eps
        cols.append((fun(h + e) - fun(h - e)) / (2 * eps))
    return np.stack(cols, axis=1)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu", "sigmoid"])
def test_step_jacobian_is_diag_slope_times_W(nonlinearity):
    """vg-eq-step: dh_k/dh_{k-1} = diag(phi'(a_k)) W_hh, against finite differences."""
    rng = np.random.default_rng(0)
    D, H = 3, 5
    p = _params(rng, D, H, scale=1.5)
    x = rng.normal(size=(1, D))
    h_prev = rng.normal(size=(1, H))
    cell = CELLS[nonlinearity]
    h_k, _ = cell.forward(p, x, h_prev)
    J = jac.step_jacobian(p["W_hh"], jac.activation_slope(h_k[0], nonlinearity))
    fd = _fd_jacobian(lambda v: cell.forward(p, x, v[None])[0][0], h_prev[0])
    assert rel_error(J, fd) < 1e-8


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu", "sigmoid"])
def test_jacobian_product_over_many_steps(nonlinearity):
    """vg-eq-product: dh_T/dh_t = J_T ... J_{t+1}, against finite differences over T - t steps."""
    rng = np.random.default_rng(1)
    D, H, T, t = 2, 4, 9, 3
    # sigma' <= 1/4: a larger W_hh keeps the product far above finite-difference rounding;
    # with ReLU at 1.2 some step has no active unit and the product is exactly 0 (which would
    # check nothing), at 2.0 every step has one
    scale = {"tanh": 1.2, "relu": 2.0, "sigmoid": 4.0}[nonlinearity]
    p = _params(rng, D, H, scale=scale)
    x = rng.normal(size=(T, 1, D))
    cell = CELLS[nonlinearity]
    h = _states(cell, p, x, np.zeros((1, H)))                  # h_1..h_T
    slopes = jac.activation_slope(h[t:, 0], nonlinearity)      # phi'(a_k), k = t+1..T
    P = jac.jacobian_product(p["W_hh"], slopes)
    assert np.abs(P).max() > 1e-5
    # The product over 6 steps is small (max entry ~3e-4 for tanh), so a step of 1e-6 leaves a
    # rounding error of ~1e-10 / 3e-4 relative; 1e-4 keeps it and the eps^2 truncation error
    # small (tanh: 3e-9 here, against 6e-8 with 1e-6, and 1.1e-7 in Pyodide's WebAssembly)
    fd = _fd_jacobian(lambda v: _states(cell, p, x[t:], v[None])[-1, 0], h[t - 1, 0],
                      eps=1e-4)
    assert rel_error(P, fd) < 1e-7
    assert np.array_equal(jac.jacobian_product(p["W_hh"], slopes[:0]), np.eye(H))


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_backpropagate_equals_rnn_backward(nonlinearity):
    """vg-eq-backprop: dL/dh_t = (dh_T/dh_t)^T dL/dh_T, equal to RNN.backward(None, g_T)."""
    rng = np.random.default_rng(2)
    D, H, T, B = 3, 6, 12, 4
    layer = rnnlib.RNN(D, H, nonlinearity=nonlinearity, rng=rng)
    x = rng.normal(size=(T, B, D))
    hs, _ = layer.forward(x)
    g_T = rng.normal(size=(B, H))
    layer.backward(None, g_T)
    slopes = jac.activation_slope(hs, nonlinearity)
    g = jac.backpropagate(layer.params["W_hh"], slopes, g_T)
    np.testing.assert_allclose(g, layer.cache["dh"], rtol=0, atol=1e-12)
    t = 4                                                       # one t through the product
    P = jac.jacobian_product(layer.params["W_hh"], slopes[t:])  # (B, H, H), steps t+1..T
    np.testing.assert_allclose(np.einsum("bij,bi->bj", P, g_T), g[t - 1], rtol=0, atol=1e-12)


def test_sigmoid_backpropagate_equals_reference_loop():
    """vg-eq-backprop for the sigmoid RNN: the same recursion as the reference loop's backward."""
    rng = np.random.default_rng(3)
    D, H, T, B = 2, 5, 10, 3
    p = _params(rng, D, H, scale=3.0)
    x = rng.normal(size=(T, B, D))
    h, _, caches = ref.run_forward(SIGMOID_RNN_CELL, p, x)
    g_T = rng.normal(size=(B, H))
    g = jac.backpropagate(p["W_hh"], jac.activation_slope(h, "sigmoid"), g_T)
    _, dh0, _ = ref.run_backward(SIGMOID_RNN_CELL, p, np.zeros_like(h), g_T, caches)
    # dL/dh_0 = W_hh^T (phi'(a_1) * dL/dh_1)
    dh0_ours = (jac.activation_slope(h[0], "sigmoid") * g[0]) @ p["W_hh"]
    np.testing.assert_allclose(dh0_ours, dh0, rtol=0, atol=1e-13)


def test_sigmoid_cell_passes_a_gradient_check():
    """vg-activations: the sigmoid cell's backward (reference loop) vs finite differences."""
    rng = np.random.default_rng(4)
    D, H, T, B = 3, 4, 6, 2
    p = _params(rng, D, H, scale=2.0)
    x = rng.normal(size=(T, B, D))
    R = rng.normal(size=(T, B, H))

    def loss():
        return float(np.sum(R * ref.run_forward(SIGMOID_RNN_CELL, p, x)[0]))

    h, _, caches = ref.run_forward(SIGMOID_RNN_CELL, p, x)
    dx, _, grads = ref.run_backward(SIGMOID_RNN_CELL, p, R, None, caches)
    for name in p:
        assert rel_error(grads[name], numerical_gradient(loss, p[name])) < 1e-8, name
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-8


def test_slope_maxima_and_slopes_from_outputs():
    """vg-eq-slopes: sigma' = sigma(1 - sigma) <= 1/4 (at 0), tanh' = 1 - tanh^2 <= 1,
    relu' <= 1."""
    a = np.linspace(-8, 8, 16001)
    eps = 1e-6
    funcs = {"sigmoid": rnnlib.sigmoid, "tanh": np.tanh, "relu": lambda v: np.maximum(v, 0.0)}
    for name, phi in funcs.items():
        slope = jac.activation_slope(phi(a), name)
        fd = (phi(a + eps) - phi(a - eps)) / (2 * eps)
        away = np.abs(a) > 1e-3                          # relu has a kink at 0
        np.testing.assert_allclose(slope[away], fd[away], rtol=0, atol=1e-8)
        assert slope.max() <= jac.SLOPE_MAX[name] + 1e-15
        assert slope.max() > jac.SLOPE_MAX[name] - 1e-6
    assert jac.activation_slope(np.array([0.5]), "sigmoid")[0] == 0.25


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu", "sigmoid"])
def test_bound_holds_with_the_spectral_norm(nonlinearity):
    """vg-eq-bound: ||dh_T/dh_t||_2 <= (gamma ||W_hh||_2)^(T - t) at every distance."""
    rng = np.random.default_rng(5)
    D, H, T = 4, 8, 30
    p = _params(rng, D, H, scale=1.3)
    x = rng.normal(size=(T, 1, D))
    h = _states(CELLS[nonlinearity], p, x, np.zeros((1, H)))[:, 0]
    slopes = jac.activation_slope(h, nonlinearity)
    d = np.arange(T)
    bound = jac.norm_bound(p["W_hh"], jac.SLOPE_MAX[nonlinearity], d)
    for n in d:
        P = jac.jacobian_product(p["W_hh"], slopes[T - n:])
        assert np.linalg.norm(P, 2) <= bound[n] * (1 + 1e-12)


def test_spectral_radius_and_spectral_norm():
    """vg-primer: ||A||_2 = max ||A v|| over unit v (the largest singular value),
    ||AB||_2 <= ||A||_2 ||B||_2, ||diag(v)||_2 = max |v_i|, ||A||_F^2 = sum of the squared
    singular values, rho(W) <= ||W||_2 with equality for a normal W, and
    ||W^n||_2^(1/n) -> rho (Gelfand)."""
    rng = np.random.default_rng(14)
    A, B = rng.normal(size=(6, 6)), rng.normal(size=(6, 6))
    v = rng.normal(size=(6, 2000))
    v /= np.linalg.norm(v, axis=0)
    assert np.linalg.norm(A @ v, axis=0).max() <= jac.spectral_norm(A) * (1 + 1e-12)
    u = np.linalg.svd(A)[2][0]                            # the top right singular vector
    assert abs(np.linalg.norm(A @ u) - jac.spectral_norm(A)) < 1e-12
    assert jac.spectral_norm(A @ B) <= jac.spectral_norm(A) * jac.spectral_norm(B)
    sv = np.linalg.svd(A, compute_uv=False)
    assert abs(jac.spectral_norm(A) - sv[0]) < 1e-12
    assert abs(np.sum(A ** 2) - np.sum(sv ** 2)) < 1e-10
    d = rng.normal(size=6)
    assert abs(jac.spectral_norm(np.diag(d)) - np.abs(d).max()) < 1e-12
    W = rng.normal(0, 1 / np.sqrt(32), (32, 32))
    rho = rnnlib.init.spectral_radius(W)
    assert rho <= jac.spectral_norm(W)
    Q = 0.9 * rnnlib.init.orthogonal(32, rng)             # normal: rho = ||Q||_2
    assert abs(rnnlib.init.spectral_radius(Q) - jac.spectral_norm(Q)) < 1e-12
    S = (W + W.T) / 2                                     # symmetric, also normal
    assert abs(rnnlib.init.spectral_radius(S) - jac.spectral_norm(S)) < 1e-12
    gelfand = np.linalg.norm(np.linalg.matrix_power(W / rho, 400), 2) ** (1 / 400)
    assert abs(gelfand - 1.0) < 0.02


def test_spectral_radius_is_not_a_bound_for_a_nonnormal_matrix():
    """vg-eq-nonnormal: W = rho I + c N has spectral radius rho, but ||W^n|| > rho^n for a while,
    and the closed form of W^n holds; ||W||_2^n still bounds it."""
    H, rho, c = 6, 0.9, 1.0
    W = jac.nonnormal_matrix(H, rho, c)
    assert abs(rnnlib.init.spectral_radius(W) - rho) < 1e-12
    rotated = jac.nonnormal_matrix(H, rho, c, np.random.default_rng(6))
    for n in range(0, 40):
        Wn = np.linalg.matrix_power(W, n)
        np.testing.assert_allclose(jac.nonnormal_power(H, rho, c, n), Wn, rtol=1e-12, atol=1e-300)
        rot_n = np.linalg.norm(np.linalg.matrix_power(rotated, n), 2)
        assert abs(rot_n - np.linalg.norm(Wn, 2)) < 1e-9 * max(1.0, rot_n)   # Q W^n Q^T
        assert np.linalg.norm(Wn, 2) <= jac.spectral_norm(W) ** n * (1 + 1e-12)
    peak = max(np.linalg.norm(np.linalg.matrix_power(W, n), 2) for n in range(40))
    assert peak > 10                                       # grows far above 1 = rho^0
    n = 5
    assert np.linalg.norm(np.linalg.matrix_power(W, n), 2) > 1 > rho ** n


def test_rms_factor_predicts_the_stretch_of_one_step():
    """vg-eq-rms: one step back, g <- W^T (s * g).  For an isotropic g,
    E ||W^T diag(s) g||^2 / ||g||^2 = sum_i s_i^2 ||W_i||^2 / H, which is
    (||W||_F^2 / H) mean(s^2) when the slopes do not single out rows of W; for
    W = rho Q (Q orthogonal) it is rho^2 mean(s^2)."""
    rng = np.random.default_rng(7)
    H, rho = 64, 0.8
    s = rng.uniform(0, 1, H)
    ratios = []
    for _ in range(400):
        W = rho * rnnlib.init.orthogonal(H, rng)
        g = rng.normal(size=H)
        ratios.append(np.sum(((s * g) @ W) ** 2) / np.sum(g ** 2))
    assert abs(np.mean(ratios) / (rho ** 2 * np.mean(s ** 2)) - 1) < 0.03
    assert jac.rms_step_factor(W, s) == pytest.approx(rho * np.sqrt(np.mean(s ** 2)))
    H = 256                                         # a general (Gaussian) W
    W = rng.normal(0, 1.3 / np.sqrt(H), (H, H))
    s = rng.uniform(0, 1, H)
    exact = np.sum(s ** 2 * np.sum(W ** 2, axis=1)) / H
    g = rng.normal(size=(2000, H))
    mc = np.mean(np.sum(((s * g) @ W) ** 2, axis=1) / np.sum(g ** 2, axis=1))
    assert abs(mc / exact - 1) < 0.03
    assert abs(jac.rms_step_factor(W, s) ** 2 / exact - 1) < 0.05


@pytest.mark.parametrize("init", ["orthogonal", "xavier"])
def test_rms_factor_matches_a_driven_tanh_rnn(init):
    """vg-eq-rms against a measurement: the fitted per-step factor of a driven tanh RNN
    is kappa = ||W||_F / sqrt(H) * rms(phi') within 3 %; for the non-orthogonal Xavier
    W_hh, rho * rms(phi') is further off than that."""
    rng = np.random.default_rng(0)
    H, T, B = 64, 100, 32
    layer = rnnlib.RNN(H, H, rng=rng, W_hh_init=init,
                       spectral_radius=1.0 if init == "orthogonal" else None)
    layer.params["W_xh"][...] = np.eye(H)
    hs, _ = layer.forward(rng.normal(size=(T, B, H)))
    layer.backward(None, rng.normal(size=(B, H)))
    fitted = jac.fit_per_step_factor(layer.dh_norms[::-1])
    slopes = jac.activation_slope(hs, "tanh")
    W = layer.params["W_hh"]
    assert abs(fitted / jac.rms_step_factor(W, slopes) - 1) < 0.03
    if init == "xavier":
        by_rho = rnnlib.init.spectral_radius(W) * np.sqrt(np.mean(slopes ** 2))
        assert abs(fitted / by_rho - 1) > 0.05


def test_fit_per_step_factor_recovers_a_geometric_sequence():
    """vg-eq-fit: norms c kappa^(T - t) give back kappa (a noisy line its mean slope)."""
    d = np.arange(50)
    for kappa in (0.5, 0.97, 1.0, 1.08):
        assert abs(jac.fit_per_step_factor(3.0 * kappa ** d, d) - kappa) < 1e-12
    noisy = 0.9 ** d * np.exp(np.random.default_rng(8).normal(0, 0.1, d.size))
    assert abs(jac.fit_per_step_factor(noisy) - 0.9) < 0.01


def test_weight_gradient_is_a_sum_of_one_term_per_distance():
    """vg-eq-terms: dL/dW_hh = sum_t delta_t h_{t-1}^T and dL/dW_xh = sum_t delta_t x_t^T with
    delta_t = phi'(a_t) * (dh_T/dh_t)^T dL/dh_T (a loss at step T only)."""
    rng = np.random.default_rng(9)
    D, H, T, B = 3, 5, 15, 4
    layer = rnnlib.RNN(D, H, rng=rng)
    x = rng.normal(size=(T, B, D))
    hs, _ = layer.forward(x)
    g_T = rng.normal(size=(B, H))
    layer.backward(None, g_T)
    slopes = jac.activation_slope(hs, "tanh")
    delta = slopes * jac.backpropagate(layer.params["W_hh"], slopes, g_T)
    h_prev = layer.cache["h"][:-1]
    terms_hh = jac.weight_gradient_terms(delta, h_prev)
    terms_xh = jac.weight_gradient_terms(delta, x)
    assert terms_hh.shape == (T, H, H) and terms_xh.shape == (T, H, D)
    np.testing.assert_allclose(terms_hh.sum(axis=0), layer.grads["W_hh"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(terms_xh.sum(axis=0), layer.grads["W_xh"], rtol=0, atol=1e-12)
    t = 6                                          # one term written out with the product
    P = jac.jacobian_product(layer.params["W_hh"], slopes[t:])
    delta_t = slopes[t - 1] * np.einsum("bij,bi->bj", P, g_T)
    np.testing.assert_allclose(terms_xh[t - 1], delta_t.T @ x[t - 1], rtol=0, atol=1e-12)


def test_clipping_by_norm_and_by_value():
    """vg-eq-clip: g <- g min(1, c/||g||) keeps the direction (angle 0, vg-eq-angle);
    g_i <- max(-c, min(c, g_i)) changes it."""
    rng = np.random.default_rng(10)
    g = {"W": rng.normal(size=(4, 5)) * np.array([10.0, 1, 1, 0.1, 0.1]), "b": rng.normal(size=4)}
    norm = rnnlib.global_norm(g)
    by_norm = {k: v.copy() for k, v in g.items()}
    returned = rnnlib.clip_grad_norm(by_norm, 1.0)
    assert returned == norm
    for k in g:
        np.testing.assert_allclose(by_norm[k], g[k] * min(1.0, 1.0 / norm), rtol=1e-15, atol=0)
    assert abs(rnnlib.global_norm(by_norm) - 1.0) < 1e-12
    assert angle_degrees(g, by_norm) < 1e-5
    small = {k: v * 0.01 / norm for k, v in g.items()}          # below the threshold: unchanged
    kept = {k: v.copy() for k, v in small.items()}
    rnnlib.clip_grad_norm(kept, 1.0)
    assert all(np.array_equal(kept[k], small[k]) for k in g)
    by_value = {k: v.copy() for k, v in g.items()}
    rnnlib.clip_grad_value(by_value, 0.5)
    for k in g:
        np.testing.assert_array_equal(by_value[k], np.maximum(-0.5, np.minimum(0.5, g[k])))
    flat = np.concatenate([g[k].ravel() for k in sorted(g)])
    flat_v = np.concatenate([by_value[k].ravel() for k in sorted(g)])
    cos = flat @ flat_v / (np.linalg.norm(flat) * np.linalg.norm(flat_v))
    assert abs(cosine(g, by_value) - cos) < 1e-14
    assert angle_degrees(g, by_value) > 5


def test_slice_slope_is_the_directional_derivative():
    """vg-eq-slice: ell(alpha) = L(theta_0 + alpha v), ell'(alpha) = grad L . v (finite diff.)."""
    rng = np.random.default_rng(11)
    model = rnnlib.SequenceModel(rnnlib.RNN(2, 3, rng=rng), 1, head="many-to-one", rng=rng)
    x, y = rnnlib.adding_problem(12, 5, rng)
    v = {"rnn.W_hh": rng.normal(size=(3, 3)), "head.b_y": rng.normal(size=1)}
    before = {k: a.copy() for k, a in model.params.items()}
    alphas = np.linspace(-1, 1, 7)
    s = loss_along_line(model, rnnlib.mse, x, y, v, alphas)
    assert all(np.array_equal(before[k], model.params[k]) for k in before)
    eps = 1e-6
    for i, a in enumerate(alphas):
        up = loss_along_line(model, rnnlib.mse, x, y, v, [a + eps]).loss[0]
        down = loss_along_line(model, rnnlib.mse, x, y, v, [a - eps]).loss[0]
        assert abs((up - down) / (2 * eps) - s.slope[i]) < 1e-7 * max(1.0, abs(s.slope[i]))
        params = model.params
        for k in v:
            params[k][...] = before[k] + a * v[k]
        loss_direct = rnnlib.mse(model.forward(x)[0], y)[0]
        for k in v:
            params[k][...] = before[k]
        assert abs(loss_direct - s.loss[i]) < 1e-14


def test_cell_path_jacobian_is_the_product_of_forget_gates():
    """vg-eq-cell: along the cell path alone, dc_T/dc_t = diag(prod_{k=t+1..T} f_k); with W_hh = 0
    and a loss on c_T only, LSTM.backward's dc_t is exactly dc_T times that product, and with
    no input f_k = sigma(b_f) at every step."""
    rng = np.random.default_rng(12)
    D, H, T, B = 3, 4, 20, 5
    lstm = rnnlib.LSTM(D, H, forget_bias=1.5, rng=rng)
    lstm.params["W_hh"][...] = 0.0                  # only the cell path connects the steps
    x = rng.normal(size=(T, B, D))
    lstm.forward(x)
    f = lstm.gates["f"]
    dc_T = rng.normal(size=(B, H))
    lstm.backward(None, (None, dc_T))
    P = jac.forget_gate_product(f)
    expected = np.sqrt(np.einsum("tbh,tbh->t", P * dc_T, P * dc_T))
    np.testing.assert_allclose(lstm.dc_norms, expected, rtol=1e-12, atol=0)
    lstm.params["W_xh"][...] = 0.0                  # no input either: f = sigma(b_f) throughout
    lstm.forward(x)
    P = jac.forget_gate_product(lstm.gates["f"])
    sig = 1.0 / (1.0 + math.exp(-1.5))
    np.testing.assert_allclose(P[:, 0, 0], sig ** np.arange(T - 1, -1, -1), rtol=1e-12)
    assert abs(jac.fit_per_step_factor(P[::-1, 0, 0]) - sig) < 1e-12
    assert math.isclose(float(P[-1].min()), 1.0)
    # an additive path c_t = c_{t-1} + u_t (every f_k = 1): the Jacobian is the identity
    assert np.array_equal(jac.forget_gate_product(np.ones((T, B, H))), np.ones((T, B, H)))


def test_gradient_share_of_the_marked_steps():
    """vg-eq-share: sum over marked (t, b) of ||delta_{t,b}|| / sum over all of ||delta_{t,b}||."""
    rng = np.random.default_rng(13)
    T, B, H = 7, 3, 4
    delta = rng.normal(size=(T, B, H))
    steps = np.zeros((T, B), dtype=bool)
    steps[0, :] = True
    steps[4, 1] = True
    norms = [[np.linalg.norm(delta[t, b]) for b in range(B)] for t in range(T)]
    marked = sum(norms[t][b] for t in range(T) for b in range(B) if steps[t, b])
    assert abs(jac.gradient_share(delta, steps) - marked / np.sum(norms)) < 1e-14
    same = np.ones((T, B, H))
    assert abs(jac.gradient_share(same, steps) - steps.mean()) < 1e-14


def test_fixed_points_of_one_tanh_unit():
    """vg-eq-fixed: h* = tanh(w h* + b), stable iff |w (1 - h*^2)| < 1; for b = -0.1 a
    second stable fixed point appears between w = 1.29 and 1.30, and a state started
    near a stable fixed point converges to it."""
    b = -0.1
    for w, n in ((0.5, 1), (1.25, 1), (1.29, 1), (1.30, 3), (1.35, 3), (2.0, 3)):
        h, stable = tanh_fixed_points(w, b)
        assert h.size == n, (w, h)
        np.testing.assert_allclose(np.tanh(w * h + b), h, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(stable, np.abs(w * (1 - h ** 2)) < 1)
        if n == 3:
            assert stable.tolist() == [True, False, True]
        for h0, s0 in zip(h, stable):
            state = h0 + 0.01
            for _ in range(2000):
                state = np.tanh(w * state + b)
            assert (abs(state - h0) < 1e-6) == bool(s0)
    unit = rnnlib.RNN(1, 1, rng=np.random.default_rng(0))       # the layer agrees
    unit.params["W_hh"][...] = 1.35
    unit.params["b_h"][...] = b
    _, h_T = unit.forward(np.zeros((400, 1, 1)), state=np.array([[0.5]]))
    assert abs(h_T[0, 0] - tanh_fixed_points(1.35, b)[0][2]) < 1e-9


def test_adam_update_as_written_in_the_chapter():
    """vg-eq-adam: m <- b1 m + (1 - b1) g, v <- b2 v + (1 - b2) g^2,
    theta <- theta - eta (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)."""
    rng = np.random.default_rng(15)
    for beta2 in (0.999, 0.9):
        opt = rnnlib.Adam(0.01, beta2=beta2)
        theta = {"w": rng.normal(size=5)}
        ours, m, v = theta["w"].copy(), np.zeros(5), np.zeros(5)
        for t in range(1, 8):
            g = rng.normal(size=5) * 10.0 ** rng.integers(-2, 3)
            opt.step(theta, {"w": g.copy()})
            m = 0.9 * m + 0.1 * g
            v = beta2 * v + (1 - beta2) * g ** 2
            ours -= 0.01 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + 1e-8)
            np.testing.assert_allclose(theta["w"], ours, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(opt.state["w"]["v"], v, rtol=1e-12)


def test_lstm_equations_of_the_box():
    """vg-eq-lstm: i, f, o = sigma(.), g = tanh(.) of W_x. x_t + W_h. h_{t-1} + b_.,
    c_t = f * c_{t-1} + i * g, h_t = o * tanh(c_t), the gate blocks stacked i, f, g, o;
    the reference cell and rnnlib.LSTM compute them."""
    rng = np.random.default_rng(16)
    D, H, B = 3, 4, 2
    lstm = rnnlib.LSTM(D, H, forget_bias=1.0, rng=rng)
    p = lstm.params
    x, h0, c0 = rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
    block = {k: slice(n * H, (n + 1) * H) for n, k in enumerate("ifgo")}

    def pre(k):
        return x @ p["W_xh"][block[k]].T + h0 @ p["W_hh"][block[k]].T + p["b_h"][block[k]]

    i, f, o = (rnnlib.sigmoid(pre(k)) for k in "ifo")
    g = np.tanh(pre("g"))
    c = f * c0 + i * g
    h = o * np.tanh(c)
    (h_ref, c_ref), _ = ref.lstm_step_forward(p, x, (h0, c0))
    np.testing.assert_allclose(c_ref, c, rtol=1e-13)
    np.testing.assert_allclose(h_ref, h, rtol=1e-13)
    _, (h_fast, c_fast) = lstm.forward(x[None], (h0, c0))
    np.testing.assert_allclose(h_fast, h, rtol=1e-12)
    np.testing.assert_allclose(c_fast, c, rtol=1e-12)
    np.testing.assert_allclose(p["b_h"][block["f"]], 1.0)        # forget_bias = b_f
