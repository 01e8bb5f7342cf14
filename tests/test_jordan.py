"""Tests for rnnlib.jordan.JordanRNN: forward against a plain loop, gradient checks, dtypes, errors."""
import warnings

import numpy as np
import pytest

from rnnlib.gradcheck import gradcheck, gradcheck_report
from rnnlib.jordan import JordanRNN


def naive_forward(layer, x, y0):
    p = layer.params
    y, ys = y0, []
    for t in range(x.shape[0]):
        h = np.tanh(p["W_xh"] @ x[t].T + p["W_yh"] @ y.T + p["b_h"][:, None]).T
        y = (p["W_hy"] @ h.T + p["b_y"][:, None]).T
        ys.append(y)
    return np.stack(ys), y


def test_forward_matches_naive_loop():
    rng = np.random.default_rng(0)
    layer = JordanRNN(3, 5, 2, rng=1)
    layer.params["b_h"][:] = rng.normal(size=5)
    layer.params["b_y"][:] = rng.normal(size=2)
    x = rng.normal(size=(6, 4, 3))
    y0 = rng.normal(size=(4, 2))
    ys, yT = layer.forward(x, y0)
    ref, ref_T = naive_forward(layer, x, y0)
    assert ys.shape == (6, 4, 2) and yT.shape == (4, 2)
    assert np.allclose(ys, ref) and np.allclose(yT, ref_T)
    assert np.array_equal(layer.forward(x)[0], layer.forward(x, np.zeros((4, 2)))[0])


@pytest.mark.parametrize("T,B,D,H,O", [(1, 1, 3, 4, 2), (1, 2, 2, 3, 5), (5, 1, 4, 2, 3),
                                       (6, 3, 2, 5, 3)])
def test_gradcheck(T, B, D, H, O):
    rng = np.random.default_rng(T * 100 + B)
    layer = JordanRNN(D, H, O, rng=rng)
    for k in ("b_h", "b_y"):
        layer.params[k][:] = rng.normal(size=layer.params[k].shape) * 0.5
    x = rng.normal(size=(T, B, D))
    assert gradcheck(layer, x) < 1e-6
    report = gradcheck_report(layer, x, rng.normal(size=(B, O)))
    assert set(report) == {"W_xh", "W_yh", "b_h", "W_hy", "b_y", "x", "state"}
    assert max(report.values()) < 1e-6, report


def test_backward_with_only_final_state_gradient():
    rng = np.random.default_rng(3)
    layer = JordanRNN(2, 3, 2, rng=0)
    x = rng.normal(size=(4, 2, 2))
    layer.forward(x)
    dx, dy0 = layer.backward(None, np.ones((2, 2)))
    assert dx.shape == (4, 2, 2) and dy0.shape == (2, 2)
    assert np.abs(dx[0]).sum() > 0  # the output feedback carries the gradient back to step 1


def test_float32_and_long_extreme_sequences():
    rng = np.random.default_rng(0)
    l64 = JordanRNN(3, 4, 2, rng=5)
    l32 = JordanRNN(3, 4, 2, rng=5, dtype=np.float32)
    assert all(v.dtype == np.float32 for v in l32.params.values())
    x = rng.normal(size=(7, 2, 3))
    y64, _ = l64.forward(x)
    y32, _ = l32.forward(x.astype(np.float32))
    assert y32.dtype == np.float32 and np.allclose(y32, y64, atol=1e-5)
    dx, dy0 = l32.backward(np.ones_like(y32))
    assert dx.dtype == np.float32 and all(g.dtype == np.float32 for g in l32.grads.values())
    big = np.where(rng.random((1000, 2, 3)) < 0.5, -1000.0, 1000.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, _ = l64.forward(big)
        dx, _ = l64.backward(np.ones_like(y))
    assert np.isfinite(y).all() and np.isfinite(dx).all()


def test_errors():
    layer = JordanRNN(3, 4, 2, rng=0)
    with pytest.raises(RuntimeError, match="call forward first"):
        layer.backward(np.zeros((1, 1, 2)))
    with pytest.raises(TypeError, match=r"x: expected dtype float64, got float32"):
        layer.forward(np.zeros((2, 1, 3), np.float32))
    with pytest.raises(ValueError, match=r"x: expected shape \(T, B, 3\), got \(2, 1, 4\)"):
        layer.forward(np.zeros((2, 1, 4)))
    with pytest.raises(ValueError, match=r"x: expected shape .*T >= 1"):
        layer.forward(np.zeros((0, 1, 3)))
    with pytest.raises(ValueError, match=r"state: expected shape \(1, 2\), got \(1, 4\)"):
        layer.forward(np.zeros((2, 1, 3)), np.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"output_size: expected a positive int, got 0"):
        JordanRNN(3, 4, 0)
    layer.forward(np.zeros((2, 1, 3)))
    with pytest.raises(ValueError, match=r"d_outputs: expected shape \(2, 1, 2\)"):
        layer.backward(np.zeros((2, 1, 4)))
