"""Tests for rnnlib.landscape: the loss along a line, parameters restored, clear errors."""
import numpy as np
import pytest

import rnnlib
from rnnlib.landscape import loss_along_line, tanh_fixed_points


def _model(rng):
    return rnnlib.SequenceModel(rnnlib.RNN(2, 3, rng=rng), 1, head="many-to-one", rng=rng)


def test_alpha_zero_is_the_current_loss_and_params_are_restored():
    rng = np.random.default_rng(0)
    model = _model(rng)
    x, y = rnnlib.adding_problem(8, 4, rng)
    v = {"rnn.W_hh": np.ones((3, 3))}
    before = model.params["rnn.W_hh"].copy()
    s = loss_along_line(model, rnnlib.mse, x, y, v, [0.0, 2.0])
    assert s.loss[0] == rnnlib.mse(model.forward(x)[0], y)[0]
    np.testing.assert_array_equal(model.params["rnn.W_hh"], before)
    assert s.grad_norm.shape == (2,) and np.isfinite(s.grad_norm).all()


def test_params_are_restored_when_the_loss_fails():
    rng = np.random.default_rng(1)
    model = _model(rng)
    x, y = rnnlib.adding_problem(8, 4, rng)
    before = model.params["rnn.W_hh"].copy()

    def broken(y_, d, mask=None, reduction="mean"):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        loss_along_line(model, broken, x, y, {"rnn.W_hh": np.ones((3, 3))}, [1.0])
    np.testing.assert_array_equal(model.params["rnn.W_hh"], before)


@pytest.mark.parametrize("direction, alphas, err, words", [
    ({"W_hh": np.ones((3, 3))}, [0.0], ValueError, "not a parameter"),
    ({"rnn.W_hh": np.ones((2, 2))}, [0.0], ValueError, "shape"),
    ({}, [0.0], TypeError, "direction"),
    ({"rnn.W_hh": np.ones((3, 3))}, [], ValueError, "alphas"),
    ({"rnn.W_hh": np.ones((3, 3))}, [np.inf], ValueError, "alphas"),
])
def test_bad_input_names_the_argument(direction, alphas, err, words):
    rng = np.random.default_rng(2)
    model = _model(rng)
    x, y = rnnlib.adding_problem(8, 4, rng)
    with pytest.raises(err, match=words):
        loss_along_line(model, rnnlib.mse, x, y, direction, alphas)


def test_model_and_loss_are_checked():
    rng = np.random.default_rng(3)
    x, y = rnnlib.adding_problem(8, 4, rng)
    with pytest.raises(TypeError, match="model"):
        loss_along_line(object(), rnnlib.mse, x, y, {"a": np.ones(1)}, [0.0])
    with pytest.raises(TypeError, match="loss_fn"):
        loss_along_line(_model(rng), None, x, y, {"rnn.b_h": np.ones(3)}, [0.0])


def test_tanh_fixed_points_shapes_and_bad_input():
    h, stable = tanh_fixed_points(0.0, 0.3)             # w = 0: h* = tanh(b)
    assert h.shape == stable.shape == (1,) and stable[0]
    assert abs(h[0] - np.tanh(0.3)) < 1e-12
    with pytest.raises(TypeError, match="w"):
        tanh_fixed_points("1", 0.0)
    with pytest.raises(TypeError, match="b"):
        tanh_fixed_points(1.0, np.nan)
    with pytest.raises(ValueError, match="grid"):
        tanh_fixed_points(1.0, 0.0, grid=2)
