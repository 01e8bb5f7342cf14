"""Tests of rnnlib.LSTM against a naive step loop written from the equations."""
import numpy as np
import pytest

from rnnlib import LSTM, gradcheck, gradcheck_report


def sigma(a):
    return 1.0 / (1.0 + np.exp(-a))


def naive_lstm(layer, x, h0, c0):
    """Column-vector LSTM, one sequence and one step at a time."""
    H = layer.hidden_size
    W_xh, W_hh, b = layer.params["W_xh"], layer.params["W_hh"], layer.params["b_h"]
    blocks = [slice(k * H, (k + 1) * H) for k in range(4)]           # i, f, g, o
    T, B, _ = x.shape
    hs, cs, gates = np.zeros((T, B, H)), np.zeros((T, B, H)), np.zeros((4, T, B, H))
    for s in range(B):
        h, c = h0[s], c0[s]
        for t in range(T):
            a = W_xh @ x[t, s] + W_hh @ h + b
            i, f, g, o = (sigma(a[blocks[0]]), sigma(a[blocks[1]]),
                          np.tanh(a[blocks[2]]), sigma(a[blocks[3]]))
            c = f * c + i * g
            h = o * np.tanh(c)
            hs[t, s], cs[t, s], gates[:, t, s] = h, c, (i, f, g, o)
    return hs, cs, gates


SHAPES = [(1, 1, 3, 4), (1, 3, 1, 1), (6, 1, 2, 5), (4, 3, 5, 2), (5, 2, 3, 3)]


@pytest.mark.parametrize("T,B,D,H", SHAPES)
def test_forward_matches_naive(T, B, D, H):
    rng = np.random.default_rng(T + 10 * B + 100 * D + 1000 * H)
    layer = LSTM(D, H, rng=rng)
    layer.params["b_h"][:] = rng.standard_normal(4 * H)
    x = rng.standard_normal((T, B, D))
    h0, c0 = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    out, (hT, cT) = layer.forward(x, (h0, c0))
    hs, cs, gates = naive_lstm(layer, x, h0, c0)
    np.testing.assert_allclose(out, hs, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(hT, hs[-1], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(cT, cs[-1], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(layer.cache["c"][1:], cs, rtol=1e-12, atol=1e-13)
    for k, name in enumerate("ifgo"):
        np.testing.assert_allclose(layer.gates[name], gates[k], rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("T,B,D,H", SHAPES)
def test_gradcheck(T, B, D, H):
    rng = np.random.default_rng(7 * T + B + D + H)
    layer = LSTM(D, H, rng=rng)
    layer.params["b_h"][:] = rng.standard_normal(4 * H)
    x = rng.standard_normal((T, B, D))
    state = (rng.standard_normal((B, H)), rng.standard_normal((B, H)))
    rep = gradcheck_report(layer, x, state)
    assert set(rep) == {"W_xh", "W_hh", "b_h", "x", "state[0]", "state[1]"}
    assert max(rep.values()) < 1e-8
    assert gradcheck(layer, x) < 1e-8


def test_final_cell_gradient_only():
    """d_outputs=None and only dc_T given: the loss depends on c_T alone."""
    rng = np.random.default_rng(1)
    layer = LSTM(2, 3, rng=rng)
    x = rng.standard_normal((4, 2, 2))
    R = rng.standard_normal((2, 3))
    layer.forward(x)
    dx, (dh0, dc0) = layer.backward(None, (None, R))
    eps = 1e-5
    num = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += eps
        xm[idx] -= eps
        num[idx] = (np.sum(R * layer.forward(xp)[1][1]) - np.sum(R * layer.forward(xm)[1][1])) / (2 * eps)
    np.testing.assert_allclose(dx, num, atol=1e-9)
    assert dh0.shape == dc0.shape == (2, 3)


@pytest.mark.parametrize("fb", [0.0, 1.0, 3.0])
def test_forget_bias(fb):
    H = 5
    layer = LSTM(3, H, forget_bias=fb, rng=0)
    b = layer.params["b_h"]
    np.testing.assert_array_equal(b[H:2 * H], fb)
    np.testing.assert_array_equal(np.r_[b[:H], b[2 * H:]], 0.0)
    layer.forward(np.zeros((2, 1, 3)))                       # zero input, zero state at t = 1
    np.testing.assert_allclose(layer.gates["f"][0], sigma(fb), rtol=1e-12)


def test_default_forget_bias_and_shapes():
    layer = LSTM(3, 4, rng=0)
    assert layer.forget_bias == 1.0
    assert {k: v.shape for k, v in layer.params.items()} == {
        "W_xh": (16, 3), "W_hh": (16, 4), "b_h": (16,)}


def test_cell_path_norms():
    """dc_{t-1} = f_t * dc_t when nothing else feeds the cell: the norms follow the forget gate."""
    layer = LSTM(1, 3, forget_bias=3.0, rng=0)
    layer.params["W_xh"][:] = 0.0
    layer.params["W_hh"][:] = 0.0
    T = 6
    layer.forward(np.zeros((T, 1, 1)))
    dc_T = np.ones((1, 3))
    _, (dh0, dc0) = layer.backward(None, (None, dc_T))
    np.testing.assert_allclose(dc0, sigma(3.0) ** T * dc_T, rtol=1e-12)
    np.testing.assert_allclose(layer.dc_norms, np.sqrt(3) * sigma(3.0) ** np.arange(T - 1, -1, -1),
                               rtol=1e-12)


def test_state_errors():
    layer = LSTM(3, 4, rng=0)
    x = np.zeros((2, 5, 3))
    with pytest.raises(TypeError, match=r"state: expected a tuple \(h, c\)"):
        layer.forward(x, np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"state\[1\] \(c\): expected shape \(5, 4\), got \(5, 3\)"):
        layer.forward(x, (np.zeros((5, 4)), np.zeros((5, 3))))
    layer.forward(x)
    with pytest.raises(TypeError, match="d_final_state: expected None or a tuple"):
        layer.backward(None, np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"d_final_state\[0\] \(dh\)"):
        layer.backward(None, (np.zeros((4, 4)), None))
    with pytest.raises(ValueError, match="forget_bias"):
        LSTM(3, 4, forget_bias=np.nan)


@pytest.mark.parametrize("bad", ["a", None, [1.0], True])
def test_forget_bias_type_checked(bad):
    with pytest.raises(TypeError, match="forget_bias: expected a finite number"):
        LSTM(2, 3, forget_bias=bad)
    LSTM(2, 3, forget_bias=np.float32(0.5))
    LSTM(2, 3, forget_bias=2)
