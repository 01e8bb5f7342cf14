"""The equations stated in chapter 4 (LSTM and GRU), checked against rnnlib.

Each test names the equation label of chapters/04_lstm_gru.ipynb that it checks.
Derivatives are checked against centred finite differences, so that the library is not only
compared with itself.
"""
import numpy as np
import pytest

import rnnlib
from rnnlib import reference as ref
from rnnlib.gradcheck import numerical_gradient, rel_error


def _lstm_params(rng, D, H):
    return {"W_xh": rng.normal(0, 0.5, (4 * H, D)), "W_hh": rng.normal(0, 0.5, (4 * H, H)),
            "b_h": rng.normal(0, 0.5, 4 * H)}


def _gru_params(rng, D, H):
    return {"W_xh": rng.normal(0, 0.5, (3 * H, D)), "W_hh": rng.normal(0, 0.5, (3 * H, H)),
            "b_xh": rng.normal(0, 0.5, 3 * H), "b_hh": rng.normal(0, 0.5, 3 * H)}


def _sigma(a):
    return 1.0 / (1.0 + np.exp(-a))


def test_constant_error_carousel():
    """lstm-eq-cec: a linear unit with self-weight w passes the error back times w per step;
    w = 1 keeps it constant (a one-unit ReLU RNN with a positive state is linear)."""
    T = 50
    x = np.zeros((T, 1, 1))
    x[0] = 1.0
    for w in (0.9, 1.0, 1.1):
        layer = rnnlib.RNN(1, 1, nonlinearity="relu", rng=0)
        layer.params["W_hh"][...] = w
        layer.params["W_xh"][...] = 1.0
        layer.forward(x)
        layer.backward(None, np.ones((1, 1)))
        dist = np.arange(T)
        assert np.allclose(layer.dh_norms[::-1], w ** dist, rtol=1e-12)


def test_lstm_cell_equations_by_hand():
    """lstm-eq-gates and lstm-eq-cell: the reference step and rnnlib.LSTM compute
    i, f, g, o, c_t = f c_{t-1} + i g and h_t = o tanh(c_t), written out here."""
    rng = np.random.default_rng(0)
    D, H, B = 3, 4, 2
    p = _lstm_params(rng, D, H)
    x = rng.normal(size=(B, D))
    h0, c0 = rng.normal(size=(B, H)), rng.normal(size=(B, H))
    a = x @ p["W_xh"].T + h0 @ p["W_hh"].T + p["b_h"]
    i, f = _sigma(a[:, :H]), _sigma(a[:, H:2 * H])
    g, o = np.tanh(a[:, 2 * H:3 * H]), _sigma(a[:, 3 * H:])
    c = f * c0 + i * g
    h = o * np.tanh(c)
    (h_ref, c_ref), _ = ref.lstm_step_forward(p, x, (h0, c0))
    assert rel_error(h_ref, h) < 1e-14 and rel_error(c_ref, c) < 1e-14
    layer = rnnlib.LSTM(D, H, rng=1)
    for k in p:
        layer.params[k][...] = p[k]
    out, (h_T, c_T) = layer.forward(x[None], (h0, c0))
    assert rel_error(h_T, h) < 1e-13 and rel_error(c_T, c) < 1e-13
    gates = layer.gates
    for name, v in (("i", i), ("f", f), ("g", g), ("o", o)):
        assert rel_error(gates[name][0], v) < 1e-13


@pytest.mark.parametrize("D, H", [(2, 16), (7, 5), (1, 1)])
def test_parameter_counts(D, H):
    """lstm-eq-params and lstm-eq-gru-params: 4H(D + H + 1) for the LSTM, 3H(D + H + 2) for
    the GRU (two biases, as in PyTorch) and H(D + H + 1) for the RNN."""
    count = lambda layer: sum(v.size for v in layer.params.values())
    assert count(rnnlib.LSTM(D, H, rng=0)) == 4 * H * (D + H + 1)
    assert count(rnnlib.GRU(D, H, rng=0)) == 3 * H * (D + H + 2)
    assert count(rnnlib.RNN(D, H, rng=0)) == H * (D + H + 1)


def test_lstm_step_backward_against_finite_differences():
    """lstm-eq-backward: every gradient of one reference step, against finite differences of
    L = sum(R_h * h_t) + sum(R_c * c_t)."""
    rng = np.random.default_rng(2)
    D, H, B = 3, 4, 2
    p = _lstm_params(rng, D, H)
    x = rng.normal(size=(B, D))
    h0, c0 = rng.normal(size=(B, H)), rng.normal(size=(B, H))
    R_h, R_c = rng.normal(size=(B, H)), rng.normal(size=(B, H))

    def loss():
        (h, c), _ = ref.lstm_step_forward(p, x, (h0, c0))
        return float(np.sum(R_h * h) + np.sum(R_c * c))

    _, cache = ref.lstm_step_forward(p, x, (h0, c0))
    dx, (dh0, dc0), dparams = ref.lstm_step_backward(p, R_h, (np.zeros((B, H)), R_c), cache)
    for k in p:
        assert rel_error(dparams[k], numerical_gradient(loss, p[k])) < 1e-8, k
    for got, arr in ((dx, x), (dh0, h0), (dc0, c0)):
        assert rel_error(got, numerical_gradient(loss, arr)) < 1e-8


def test_lstm_layer_gradcheck_and_reference_agree():
    """lstm-eq-backward over time: rnnlib.LSTM's BPTT passes gradcheck and equals the
    reference loop's."""
    rng = np.random.default_rng(3)
    D, H, T, B = 2, 3, 6, 2
    layer = rnnlib.LSTM(D, H, rng=rng)
    x = rng.normal(size=(T, B, D))
    state = (rng.normal(size=(B, H)), rng.normal(size=(B, H)))
    assert rnnlib.gradcheck(layer, x, state) < 1e-7
    out, fin = layer.forward(x, state)
    d_out = rng.normal(size=out.shape)
    layer.backward(d_out)
    out_r, _, caches = ref.run_forward(ref.LSTM_CELL, layer.params, x, state)
    _, _, grads = ref.run_backward(ref.LSTM_CELL, layer.params, d_out, None, caches)
    assert rel_error(out, out_r) < 1e-13
    for k in grads:
        assert rel_error(layer.grads[k], grads[k]) < 1e-12


def test_cell_path_jacobian_is_the_forget_gate():
    """lstm-eq-carousel: with h_{t-1} held fixed, dc_t/dc_{t-1} = diag(f_t), against finite
    differences; so along the cell alone dc_{t-1} = f_t * dc_t."""
    rng = np.random.default_rng(4)
    D, H = 3, 5
    p = _lstm_params(rng, D, H)
    x = rng.normal(size=(1, D))
    h0, c0 = rng.normal(size=(1, H)), rng.normal(size=(1, H))
    eps = 1e-6
    J = np.zeros((H, H))
    for j in range(H):
        e = np.zeros((1, H))
        e[0, j] = eps
        up = ref.lstm_step_forward(p, x, (h0, c0 + e))[0][1]
        down = ref.lstm_step_forward(p, x, (h0, c0 - e))[0][1]
        J[:, j] = (up - down)[0] / (2 * eps)
    _, cache = ref.lstm_step_forward(p, x, (h0, c0))
    f = cache[4][0]
    assert rel_error(J, np.diag(f)) < 1e-9
    # the reference backward's memory path: dc_{t-1} = f_t * dc_t when nothing comes via h_t
    dc = rng.normal(size=(1, H))
    _, (_, dc_prev), _ = ref.lstm_step_backward(p, np.zeros((1, H)),
                                                (np.zeros((1, H)), dc), cache)
    assert rel_error(dc_prev, f * dc) < 1e-15


def test_no_forget_gate_cell_accumulates():
    """lstm-eq-cell-1997: with f_t = 1 (forget bias large, forget weights 0), the cell is
    c_t = c_{t-1} + i_t g_t: the sum of all updates."""
    rng = np.random.default_rng(5)
    D, H, T = 2, 3, 40
    layer = rnnlib.LSTM(D, H, forget_bias=40.0, rng=rng)
    layer.params["W_xh"][H:2 * H] = 0.0
    layer.params["W_hh"][H:2 * H] = 0.0
    x = rng.normal(size=(T, 1, D))
    layer.forward(x)
    gates, c = layer.gates, layer.cache["c"]
    assert np.allclose(c[1:], np.cumsum(gates["i"] * gates["g"], axis=0), atol=1e-12)


def test_gru_cell_equations_by_hand():
    """lstm-eq-gru and lstm-eq-gru-cho: rnnlib's GRU (reset after the product) and Cho et
    al.'s (reset before), written out here; on the same parameters they differ."""
    rng = np.random.default_rng(6)
    D, H, B = 3, 4, 2
    p = _gru_params(rng, D, H)
    x = rng.normal(size=(B, D))
    h0 = rng.normal(size=(B, H))
    Wx, Wh, bx, bh = p["W_xh"], p["W_hh"], p["b_xh"], p["b_hh"]
    blk = lambda k: slice(k * H, (k + 1) * H)
    r = _sigma(x @ Wx[blk(0)].T + bx[blk(0)] + h0 @ Wh[blk(0)].T + bh[blk(0)])
    z = _sigma(x @ Wx[blk(1)].T + bx[blk(1)] + h0 @ Wh[blk(1)].T + bh[blk(1)])
    n_after = np.tanh(x @ Wx[blk(2)].T + bx[blk(2)] + r * (h0 @ Wh[blk(2)].T + bh[blk(2)]))
    n_before = np.tanh(x @ Wx[blk(2)].T + bx[blk(2)] + (r * h0) @ Wh[blk(2)].T + bh[blk(2)])
    h_after = (1 - z) * n_after + z * h0
    h_before = (1 - z) * n_before + z * h0
    assert rel_error(ref.gru_step_forward(p, x, h0)[0], h_after) < 1e-14
    assert rel_error(ref.gru_cho_step_forward(p, x, h0)[0], h_before) < 1e-14
    layer = rnnlib.GRU(D, H, rng=0)
    for k in p:
        layer.params[k][...] = p[k]
    assert rel_error(layer.forward(x[None], h0)[1], h_after) < 1e-13
    assert rel_error(h_after, h_before) > 1e-3


def test_gru_cho_backward_against_finite_differences():
    """lstm-eq-gru-cho: the backward of Cho et al.'s GRU, over time, against finite
    differences."""
    rng = np.random.default_rng(7)
    D, H, T, B = 2, 3, 5, 2
    p = _gru_params(rng, D, H)
    x = rng.normal(size=(T, B, D))
    h0 = rng.normal(size=(B, H))
    R = rng.normal(size=(T, B, H))

    def loss():
        out, _, _ = ref.run_forward(ref.GRU_CHO_CELL, p, x, h0)
        return float(np.sum(R * out))

    _, _, caches = ref.run_forward(ref.GRU_CHO_CELL, p, x, h0)
    dx, dh0, grads = ref.run_backward(ref.GRU_CHO_CELL, p, R, None, caches)
    for k in p:
        assert rel_error(grads[k], numerical_gradient(loss, p[k])) < 1e-8, k
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-8
    assert rel_error(dh0, numerical_gradient(loss, h0)) < 1e-8


def test_gru_direct_path_is_the_update_gate():
    """lstm-eq-gru-direct: dh_t/dh_{t-1} = diag(z_t) + (terms through the gates and n_t); with
    every recurrent weight 0 the other terms vanish and the Jacobian is diag(z_t)."""
    rng = np.random.default_rng(8)
    D, H = 2, 4
    p = _gru_params(rng, D, H)
    p["W_hh"][...] = 0.0
    x = rng.normal(size=(1, D))
    h0 = rng.normal(size=(1, H))
    eps = 1e-6
    for step in (ref.gru_step_forward, ref.gru_cho_step_forward):
        J = np.zeros((H, H))
        for j in range(H):
            e = np.zeros((1, H))
            e[0, j] = eps
            J[:, j] = (step(p, x, h0 + e)[0] - step(p, x, h0 - e)[0])[0] / (2 * eps)
        z = step(p, x, h0)[1][3][0]
        assert rel_error(J, np.diag(z)) < 1e-9


def test_gru_full_jacobian_three_terms():
    """lstm-eq-gru-direct, written out: dh_t/dh_{t-1} = diag(z_t) + diag(1 - z_t) dn_t/dh_{t-1}
    + diag(h_{t-1} - n_t) dz_t/dh_{t-1}, with m_t = W_hn h_{t-1} + b_hn, against finite
    differences of rnnlib's reference step (reset after the product)."""
    rng = np.random.default_rng(9)
    D, H = 3, 5
    p = _gru_params(rng, D, H)
    x = rng.normal(size=(1, D))
    h0 = rng.normal(size=(1, H))
    _, (_, _, r, z, n, m) = ref.gru_step_forward(p, x, h0)
    r, z, n, m, h = r[0], z[0], n[0], m[0], h0[0]
    W_hr, W_hz, W_hn = p["W_hh"][:H], p["W_hh"][H:2 * H], p["W_hh"][2 * H:]
    dr = (r * (1 - r))[:, None] * W_hr                       # dr_t/dh_{t-1}
    dz = (z * (1 - z))[:, None] * W_hz                       # dz_t/dh_{t-1}
    dn = (1 - n ** 2)[:, None] * (r[:, None] * W_hn + m[:, None] * dr)
    J_eq = np.diag(z) + (1 - z)[:, None] * dn + (h - n)[:, None] * dz
    eps = 1e-6
    J = np.zeros((H, H))
    for j in range(H):
        e = np.zeros((1, H))
        e[0, j] = eps
        up, _ = ref.gru_step_forward(p, x, h0 + e)
        down, _ = ref.gru_step_forward(p, x, h0 - e)
        J[:, j] = (up - down)[0] / (2 * eps)
    assert rel_error(J, J_eq) < 1e-8
    assert rel_error(J, np.diag(z)) > 1e-3          # the extra terms are not negligible
