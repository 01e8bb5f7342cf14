"""Tests of rnnlib.RNN against a naive column-vector reference and finite differences."""
import warnings

import numpy as np
import pytest

import rnnlib
from rnnlib import RNN, gradcheck, gradcheck_report


def naive_rnn(layer, x, h0):
    """Step-by-step forward and BPTT in column-vector form, written from the equations."""
    W_xh, W_hh, b_h = (layer.params[k] for k in ("W_xh", "W_hh", "b_h"))
    phi = np.tanh if layer.nonlinearity == "tanh" else (lambda a: np.maximum(a, 0))
    T, B, _ = x.shape
    hs = []
    for b in range(B):
        h = h0[b].copy()
        seq = [h]
        for t in range(T):
            h = phi(W_hh @ h + W_xh @ x[t, b] + b_h)
            seq.append(h)
        hs.append(seq)
    return np.array(hs).transpose(1, 0, 2)                     # (T + 1, B, H)


def naive_bptt(layer, x, hs, dy, dhT):
    W_xh, W_hh = layer.params["W_xh"], layer.params["W_hh"]
    T, B, _ = x.shape
    g = {k: np.zeros_like(v) for k, v in layer.params.items()}
    dx = np.zeros_like(x)
    dh0 = np.zeros_like(dhT)
    gnorm2 = np.zeros(T)
    for b in range(B):
        dh = dhT[b].copy()
        for t in range(T, 0, -1):                               # maths time steps T..1
            dh = dh + dy[t - 1, b]                              # dL/dh_t
            gnorm2[t - 1] += dh @ dh
            h = hs[t, b]
            da = dh * (1 - h ** 2) if layer.nonlinearity == "tanh" else dh * (h > 0)
            g["W_hh"] += np.outer(da, hs[t - 1, b])
            g["W_xh"] += np.outer(da, x[t - 1, b])
            g["b_h"] += da
            dx[t - 1, b] = W_xh.T @ da
            dh = W_hh.T @ da
        dh0[b] = dh
    return g, dx, dh0, np.sqrt(gnorm2)


SHAPES = [(1, 1, 3, 4), (1, 2, 1, 1), (5, 1, 2, 6), (4, 3, 5, 2), (7, 2, 3, 3)]


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("T,B,D,H", SHAPES)
def test_matches_naive_reference(nonlinearity, T, B, D, H):
    rng = np.random.default_rng(T * 100 + B * 10 + D)
    layer = RNN(D, H, nonlinearity=nonlinearity, rng=rng)
    layer.params["b_h"][:] = rng.standard_normal(H)
    x = rng.standard_normal((T, B, D))
    h0 = rng.standard_normal((B, H))
    out, hT = layer.forward(x, h0)
    hs = naive_rnn(layer, x, h0)
    np.testing.assert_allclose(out, hs[1:], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(hT, hs[-1], rtol=1e-12, atol=1e-12)
    dy = rng.standard_normal((T, B, H))
    dhT = rng.standard_normal((B, H))
    dx, dh0 = layer.backward(dy, dhT)
    g, dx_ref, dh0_ref, norms = naive_bptt(layer, x, hs, dy, dhT)
    for k in g:
        np.testing.assert_allclose(layer.grads[k], g[k], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, dx_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dh0, dh0_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.dh_norms, norms, rtol=1e-10)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("T,B,D,H", SHAPES)
def test_gradcheck(nonlinearity, T, B, D, H):
    rng = np.random.default_rng(1 + T + B + D + H)
    layer = RNN(D, H, nonlinearity=nonlinearity, rng=rng)
    layer.params["b_h"][:] = 0.1 * rng.standard_normal(H)
    x = rng.standard_normal((T, B, D))
    assert gradcheck(layer, x, rng.standard_normal((B, H))) < 1e-8
    assert gradcheck(layer, x) < 1e-8                       # state=None: zero initial state


def test_gradcheck_report_names_every_array():
    layer = RNN(2, 3, rng=0)
    rep = gradcheck_report(layer, np.ones((2, 1, 2)), np.zeros((1, 3)))
    assert set(rep) == {"W_xh", "W_hh", "b_h", "x", "state"}


def test_many_to_one_d_outputs_none():
    rng = np.random.default_rng(3)
    layer = RNN(3, 4, rng=rng)
    x = rng.standard_normal((6, 2, 3))
    layer.forward(x)
    dhT = rng.standard_normal((2, 4))
    dx1, dh01 = layer.backward(None, dhT)
    g1 = {k: v.copy() for k, v in layer.grads.items()}
    dx2, dh02 = layer.backward(np.zeros((6, 2, 4)), dhT)
    np.testing.assert_array_equal(dx1, dx2)
    np.testing.assert_array_equal(dh01, dh02)
    for k in g1:
        np.testing.assert_array_equal(g1[k], layer.grads[k])
    # the gradient of sum(R * h_T) alone, by finite differences
    def loss():
        return np.sum(dhT * layer.forward(x)[1])
    num = rnnlib.numerical_gradient(loss, layer.params["W_hh"])
    assert rnnlib.rel_error(g1["W_hh"], num) < 1e-8


def test_backward_overwrites_grads_and_params_keep_identity():
    rng = np.random.default_rng(4)
    layer = RNN(2, 3, rng=rng)
    ids = {k: id(v) for k, v in layer.params.items()}
    x = rng.standard_normal((3, 2, 2))
    dy = rng.standard_normal((3, 2, 3))
    layer.forward(x)
    layer.backward(dy)
    first = {k: v.copy() for k, v in layer.grads.items()}
    layer.forward(x)
    layer.backward(dy)
    for k in first:
        np.testing.assert_array_equal(first[k], layer.grads[k])   # not accumulated
        assert layer.grads[k].shape == layer.params[k].shape
    assert ids == {k: id(v) for k, v in layer.params.items()}


def test_float32():
    rng = np.random.default_rng(5)
    l64 = RNN(3, 5, rng=7)
    l32 = RNN(3, 5, rng=7, dtype=np.float32)
    for k in l64.params:
        assert l32.params[k].dtype == np.float32
        np.testing.assert_allclose(l32.params[k], l64.params[k], rtol=1e-6)
    x = rng.standard_normal((4, 2, 3))
    out32, h32 = l32.forward(x.astype(np.float32))
    out64, _ = l64.forward(x)
    assert out32.dtype == h32.dtype == np.float32
    np.testing.assert_allclose(out32, out64, atol=1e-5)
    dx, dh0 = l32.backward(np.ones((4, 2, 5), np.float32))
    assert dx.dtype == dh0.dtype == np.float32
    assert all(g.dtype == np.float32 for g in l32.grads.values())


def test_relu_and_init_options():
    layer = RNN(2, 6, rng=0, W_hh_init="orthogonal")
    W = layer.params["W_hh"]
    np.testing.assert_allclose(W @ W.T, np.eye(6), atol=1e-12)
    layer = RNN(2, 6, nonlinearity="relu", W_hh_init="identity")
    np.testing.assert_array_equal(layer.params["W_hh"], np.eye(6))
    layer = RNN(2, 6, rng=0, spectral_radius=0.9)
    assert rnnlib.init.spectral_radius(layer.params["W_hh"]) == pytest.approx(0.9)
    assert RNN(2, 3, rng=0).params["W_xh"].shape == (3, 2)
    a, b = RNN(2, 3, rng=11), RNN(2, 3, rng=np.random.default_rng(11))
    np.testing.assert_array_equal(a.params["W_hh"], b.params["W_hh"])


@pytest.mark.parametrize("bad,exc,words", [
    (np.zeros((2, 3)), ValueError, ["x", "3-D", "(T, B, 3)", "(2, 3)"]),
    (np.zeros((2, 1, 4)), ValueError, ["x", "(T, B, 3)", "(2, 1, 4)"]),
    (np.zeros((0, 1, 3)), ValueError, ["x", "T >= 1", "(0, 1, 3)"]),
    (np.zeros((2, 1, 3), np.float32), TypeError, ["x", "float64", "float32"]),
    (np.zeros((2, 1, 3), int), TypeError, ["x", "float64", "int"]),
    (np.full((2, 1, 3), np.nan), ValueError, ["x", "finite"]),
    ([[[0.0, 0.0, 0.0]]], TypeError, ["x", "numpy array", "list"]),
])
def test_bad_x(bad, exc, words):
    with pytest.raises(exc) as info:
        RNN(3, 4, rng=0).forward(bad)
    for w in words:
        assert w in str(info.value)


def test_bad_state_and_gradients():
    layer = RNN(3, 4, rng=0)
    with pytest.raises(RuntimeError, match="forward first"):
        layer.backward(np.zeros((2, 1, 4)))
    x = np.zeros((2, 5, 3))
    with pytest.raises(ValueError, match=r"state: expected shape \(5, 4\), got \(3, 4\)"):
        layer.forward(x, np.zeros((3, 4)))
    with pytest.raises(TypeError, match="state: expected dtype float64, got float32"):
        layer.forward(x, np.zeros((5, 4), np.float32))
    with pytest.raises(ValueError, match="state: expected finite"):
        layer.forward(x, np.full((5, 4), np.inf))
    layer.forward(x)
    with pytest.raises(ValueError, match=r"d_outputs: expected shape \(2, 5, 4\), got \(2, 5, 3\)"):
        layer.backward(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match=r"d_final_state: expected 2-D array of shape \(5, 4\)"):
        layer.backward(None, np.zeros((4,)))
    with pytest.raises(ValueError, match="nonlinearity"):
        RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="hidden_size"):
        RNN(3, 0)
    with pytest.raises(TypeError, match="dtype"):
        RNN(3, 4, dtype=np.int32)
    with pytest.raises(TypeError, match="rng"):
        RNN(3, 4, rng="seed")
    with pytest.raises(ValueError, match="W_hh_init"):
        RNN(3, 4, W_hh_init="zeros")


@pytest.mark.parametrize("nonlinearity,T", [("tanh", 1000), ("relu", 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_no_warnings(nonlinearity, T, dtype):
    rng = np.random.default_rng(6)
    layer = RNN(4, 8, nonlinearity=nonlinearity, rng=rng, dtype=dtype)
    x = (rng.choice([-1000.0, 1000.0], size=(T, 2, 4))).astype(dtype)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        out, hT = layer.forward(x)
        dx, dh0 = layer.backward(np.ones_like(out), np.ones_like(hT))
    assert np.isfinite(out).all() and np.isfinite(dx).all() and np.isfinite(dh0).all()
    assert all(np.isfinite(g).all() for g in layer.grads.values())
    assert layer.dh_norms.shape == (T,)
