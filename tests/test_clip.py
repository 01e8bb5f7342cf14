"""Tests for rnnlib.clip: global norm, norm clipping (in place) and value clipping."""
import numpy as np
import pytest

from rnnlib.clip import clip_grad_norm, clip_grad_value, global_norm


def _grads(dtype=np.float64):
    return {"a": np.array([3.0, 0.0], dtype=dtype), "b": np.array([[0.0], [4.0]], dtype=dtype)}


def test_global_norm():
    assert global_norm(_grads()) == pytest.approx(5.0)
    assert global_norm({}) == 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clip_grad_norm_scales_in_place(dtype):
    g = _grads(dtype)
    a = g["a"]
    norm = clip_grad_norm(g, 1.0)
    assert norm == pytest.approx(5.0)  # the norm before clipping
    assert g["a"] is a and a.dtype == dtype
    assert global_norm(g) == pytest.approx(1.0, rel=1e-6)
    assert np.allclose(g["a"], [0.6, 0.0]) and np.allclose(g["b"], [[0.0], [0.8]])


def test_clip_grad_norm_leaves_small_gradients():
    g = _grads()
    assert clip_grad_norm(g, 10.0) == pytest.approx(5.0)
    assert np.array_equal(g["a"], [3.0, 0.0])


def test_clip_grad_norm_nonfinite_is_reported_not_hidden():
    g = {"a": np.array([np.inf, 1.0])}
    assert clip_grad_norm(g, 1.0) == np.inf
    assert g["a"][1] == 1.0


def test_clip_grad_value():
    g = {"a": np.array([3.0, -0.5, -7.0])}
    a = g["a"]
    clip_grad_value(g, 1.0)
    assert g["a"] is a and np.array_equal(a, [1.0, -0.5, -1.0])


def test_errors():
    with pytest.raises(ValueError, match=r"max_norm: expected a finite number > 0, got -1"):
        clip_grad_norm(_grads(), -1)
    with pytest.raises(ValueError, match=r"value: expected a finite number > 0, got 0"):
        clip_grad_value(_grads(), 0)
    with pytest.raises(TypeError, match=r"grads: expected a dict"):
        global_norm([np.zeros(2)])
    with pytest.raises(TypeError, match=r"grads\['x'\]: expected a float numpy array"):
        global_norm({"x": [1.0]})
