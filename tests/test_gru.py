"""Tests of rnnlib.GRU against a naive step loop written from the equations."""
import numpy as np
import pytest

from rnnlib import GRU, gradcheck, gradcheck_report


def sigma(a):
    return 1.0 / (1.0 + np.exp(-a))


def naive_gru(layer, x, h0, cho=False):
    """Column-vector GRU.  cho=True: Cho et al. (2014), reset applied before W_hn."""
    H = layer.hidden_size
    p = layer.params
    Wx, Wh, bx, bh = p["W_xh"], p["W_hh"], p["b_xh"], p["b_hh"]
    r_, z_, n_ = (slice(k * H, (k + 1) * H) for k in range(3))
    T, B, _ = x.shape
    hs = np.zeros((T, B, H))
    for s in range(B):
        h = h0[s]
        for t in range(T):
            xt = x[t, s]
            r = sigma(Wx[r_] @ xt + bx[r_] + Wh[r_] @ h + bh[r_])
            z = sigma(Wx[z_] @ xt + bx[z_] + Wh[z_] @ h + bh[z_])
            if cho:
                n = np.tanh(Wx[n_] @ xt + bx[n_] + Wh[n_] @ (r * h) + bh[n_])
            else:
                n = np.tanh(Wx[n_] @ xt + bx[n_] + r * (Wh[n_] @ h + bh[n_]))
            h = (1 - z) * n + z * h
            hs[t, s] = h
    return hs


SHAPES = [(1, 1, 3, 4), (1, 3, 1, 1), (6, 1, 2, 5), (4, 3, 5, 2), (5, 2, 3, 3)]


def random_gru(D, H, rng):
    layer = GRU(D, H, rng=rng)
    layer.params["b_xh"][:] = rng.standard_normal(3 * H)
    layer.params["b_hh"][:] = rng.standard_normal(3 * H)
    return layer


@pytest.mark.parametrize("T,B,D,H", SHAPES)
def test_forward_matches_naive(T, B, D, H):
    rng = np.random.default_rng(T + 10 * B + 100 * D + 1000 * H)
    layer = random_gru(D, H, rng)
    x = rng.standard_normal((T, B, D))
    h0 = rng.standard_normal((B, H))
    out, hT = layer.forward(x, h0)
    ref = naive_gru(layer, x, h0)
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(hT, ref[-1], rtol=1e-12, atol=1e-13)
    assert set(layer.gates) == {"r", "z", "n"} and layer.gates["n"].shape == (T, B, H)


def test_differs_from_cho_form():
    """The documented difference is real: with r != 1 and b_hn != 0 the two forms disagree."""
    rng = np.random.default_rng(0)
    layer = random_gru(3, 4, rng)
    x, h0 = rng.standard_normal((3, 2, 3)), rng.standard_normal((2, 4))
    out, _ = layer.forward(x, h0)
    assert np.abs(out - naive_gru(layer, x, h0, cho=True)).max() > 1e-2


@pytest.mark.parametrize("T,B,D,H", SHAPES)
def test_gradcheck(T, B, D, H):
    rng = np.random.default_rng(3 * T + B + D + H)
    layer = random_gru(D, H, rng)
    x = rng.standard_normal((T, B, D))
    rep = gradcheck_report(layer, x, rng.standard_normal((B, H)))
    assert set(rep) == {"W_xh", "W_hh", "b_xh", "b_hh", "x", "state"}
    assert max(rep.values()) < 1e-8
    assert gradcheck(layer, x) < 1e-8


def test_shapes():
    layer = GRU(3, 4, rng=0)
    assert {k: v.shape for k, v in layer.params.items()} == {
        "W_xh": (12, 3), "W_hh": (12, 4), "b_xh": (12,), "b_hh": (12,)}
