"""Tests of rnnlib.Linear."""
import numpy as np
import pytest

from rnnlib import Linear, OutputLayer, gradcheck


@pytest.mark.parametrize("shape", [(4,), (1, 4), (3, 2, 4)])
def test_forward_backward_reference(shape):
    rng = np.random.default_rng(len(shape))
    layer = Linear(4, 3, rng=rng)
    layer.params["b"][:] = rng.standard_normal(3)
    x = rng.standard_normal(shape)
    y = layer.forward(x)
    W, b = layer.params["W"], layer.params["b"]
    ref = np.array([W @ v + b for v in x.reshape(-1, 4)]).reshape(shape[:-1] + (3,))
    np.testing.assert_allclose(y, ref, rtol=1e-12)
    dy = rng.standard_normal(y.shape)
    dx = layer.backward(dy)
    d2, x2 = dy.reshape(-1, 3), x.reshape(-1, 4)
    np.testing.assert_allclose(layer.grads["W"], sum(np.outer(d, v) for d, v in zip(d2, x2)))
    np.testing.assert_allclose(layer.grads["b"], d2.sum(0))
    np.testing.assert_allclose(dx.reshape(-1, 4), np.array([W.T @ d for d in d2]))


@pytest.mark.parametrize("shape", [(1, 1, 5), (4, 2, 5)])
def test_gradcheck(shape):
    rng = np.random.default_rng(0)
    layer = Linear(5, 2, rng=rng)
    layer.params["b"][:] = rng.standard_normal(2)
    assert gradcheck(layer, rng.standard_normal(shape)) < 1e-7


def test_float32_and_errors():
    layer = Linear(3, 2, rng=0, dtype=np.float32)
    y = layer.forward(np.ones((2, 3), np.float32))
    assert y.dtype == np.float32 and layer.params["W"].shape == (2, 3)
    assert layer.backward(np.ones((2, 2), np.float32)).dtype == np.float32
    with pytest.raises(TypeError, match="x: expected dtype float32, got float64"):
        layer.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"x: expected shape \(2, 3\), got \(2, 4\)"):
        layer.forward(np.ones((2, 4), np.float32))
    with pytest.raises(ValueError, match="x: expected finite"):
        layer.forward(np.full((2, 3), np.nan, np.float32))
    with pytest.raises(ValueError, match="dy"):
        layer.backward(np.ones((2, 3), np.float32))
    with pytest.raises(RuntimeError, match="forward first"):
        Linear(3, 2).backward(np.ones((1, 2)))
    with pytest.raises(ValueError, match="out_features"):
        Linear(3, 0)


def test_output_layer_uses_the_course_names():
    """The head y_t = W_hy h_t + b_y: same map as Linear, parameters named W_hy and b_y."""
    rng = np.random.default_rng(4)
    head, plain = OutputLayer(4, 3, rng=5), Linear(4, 3, rng=5)
    assert list(head.params) == list(head.grads) == ["W_hy", "b_y"]
    assert head.params["W_hy"].shape == (3, 4) and head.params["b_y"].shape == (3,)
    np.testing.assert_array_equal(head.params["W_hy"], plain.params["W"])
    h = rng.normal(size=(5, 2, 4))
    np.testing.assert_array_equal(head.forward(h), plain.forward(h))
    dy = rng.normal(size=(5, 2, 3))
    np.testing.assert_array_equal(head.backward(dy), plain.backward(dy))
    np.testing.assert_array_equal(head.grads["W_hy"], plain.grads["W"])
    assert repr(head).startswith("OutputLayer(")
