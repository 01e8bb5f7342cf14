"""Tests for rnnlib.reference.sigmoid_cell: the sigmoid RNN step as a reference cell."""
import numpy as np

from rnnlib import reference as ref
from rnnlib.activations import sigmoid
from rnnlib.reference import SIGMOID_RNN_CELL, sigmoid_rnn_step_forward
from rnnlib.reference import sigmoid_cell


def test_forward_is_sigmoid_of_the_pre_activation():
    rng = np.random.default_rng(0)
    p = {"W_xh": rng.normal(size=(4, 2)), "W_hh": rng.normal(size=(4, 4)),
         "b_h": rng.normal(size=4)}
    x = rng.normal(size=(5, 3, 2))
    h, h_T, _ = ref.run_forward(SIGMOID_RNN_CELL, p, x)
    assert h.shape == (5, 3, 4)
    prev = np.zeros((3, 4))
    for t in range(5):
        prev = 1.0 / (1.0 + np.exp(-(prev @ p["W_hh"].T + x[t] @ p["W_xh"].T + p["b_h"])))
        np.testing.assert_allclose(h[t], prev, rtol=1e-13)
    np.testing.assert_array_equal(h_T, h[-1])
    assert ((h > 0) & (h < 1)).all()


def test_step_forward_matches_the_library_sigmoid():
    rng = np.random.default_rng(1)
    p = {"W_xh": rng.normal(size=(3, 2)), "W_hh": rng.normal(size=(3, 3)), "b_h": np.zeros(3)}
    x, h0 = rng.normal(size=(2, 2)), rng.normal(size=(2, 3))
    h1, cache = sigmoid_rnn_step_forward(p, x, h0)
    np.testing.assert_array_equal(h1, sigmoid(h0 @ p["W_hh"].T + x @ p["W_xh"].T))
    assert cache[2] is h1


def test_the_cell_lives_in_the_reference_package():
    assert ref.SIGMOID_RNN_CELL is sigmoid_cell.SIGMOID_RNN_CELL
    assert "sigmoid_cell" in ref.__doc__
    p = {"W_xh": np.ones((3, 2)), "W_hh": np.ones((3, 3)), "b_h": np.zeros(3)}
    h0 = SIGMOID_RNN_CELL.zero_state(p, 4)
    assert h0.shape == (4, 3) and not h0.any()
