"""Tests of rnnlib.gradcheck: it must pass correct gradients and catch wrong ones."""
import numpy as np
import pytest

from rnnlib import RNN, Linear, gradcheck, gradcheck_report, numerical_gradient, rel_error


def test_rel_error():
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert rel_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError, match="b: expected shape"):
        rel_error(np.zeros(2), np.zeros(3))


def test_numerical_gradient_quadratic_and_restores():
    a = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = a.copy()
    g = numerical_gradient(lambda: np.sum(a ** 3), a)
    np.testing.assert_allclose(g, 3 * before ** 2, rtol=1e-9)
    np.testing.assert_array_equal(a, before)
    with pytest.raises(TypeError, match="a: expected a float numpy array"):
        numerical_gradient(lambda: 0.0, np.arange(3))


class BrokenRNN(RNN):
    """An RNN whose backward forgets the tanh derivative: gradcheck must notice."""

    def backward(self, d_outputs, d_final_state=None):
        h = self.cache["h"]
        saved = h.copy()
        h[:] = 0.0                      # makes 1 - h^2 = 1 and h_{t-1} = 0: wrong gradients
        try:
            return super().backward(d_outputs, d_final_state)
        finally:
            h[:] = saved


def test_catches_wrong_gradients():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 2, 3))
    assert gradcheck(RNN(3, 5, rng=1), x) < 1e-7
    rep = gradcheck_report(BrokenRNN(3, 5, rng=1), x)
    assert rep["W_hh"] > 1e-2 and rep["x"] > 1e-2


class Pair:
    """A toy recurrent layer with a nested (tuple) state: s_t = (a + x_t, b * x_t)."""

    def __init__(self):
        self.params = {"w": np.array([1.5, -0.5])}
        self.grads = {"w": np.zeros(2)}

    def forward(self, x, state=None):
        a, b = state if state is not None else (np.zeros(x.shape[1:]), np.ones(x.shape[1:]))
        self.x, self.a0, self.b0 = x, a, b
        out = self.params["w"] * x
        a, b = a + x.sum(0), b * np.prod(x, axis=0)
        return out, (a, b)

    def backward(self, d_out, d_final):
        da, db = d_final
        x = self.x
        self.grads["w"] = (d_out * x).sum(axis=(0, 1))
        prod = np.prod(x, axis=0)
        dx = d_out * self.params["w"] + da + db * self.b0 * prod / x
        return dx, (da, db * prod)


def test_nested_state_and_duck_typed_layer():
    rng = np.random.default_rng(2)
    x = rng.uniform(0.5, 1.5, size=(3, 2, 2))
    state = (rng.standard_normal((2, 2)), rng.standard_normal((2, 2)))
    rep = gradcheck_report(Pair(), x, state)
    assert set(rep) == {"w", "x", "state[0]", "state[1]"}
    assert max(rep.values()) < 1e-7


def test_linear_like_layer():
    rng = np.random.default_rng(3)
    rep = gradcheck_report(Linear(3, 2, rng=rng), rng.standard_normal((2, 3)))
    assert set(rep) == {"W", "b", "x"} and max(rep.values()) < 1e-7


def test_gradcheck_stacked_state_with_a_none_entry():
    """A Stacked state may leave a layer's initial state as None (zeros); only given arrays are checked."""
    import rnnlib
    rng = np.random.default_rng(4)
    s = rnnlib.Stacked([rnnlib.RNN(3, 4, rng=0), rnnlib.LSTM(4, 4, rng=1), rnnlib.RNN(4, 4, rng=2)])
    x = rng.normal(size=(3, 2, 3))
    state = [rng.normal(size=(2, 4)), None, rng.normal(size=(2, 4))]
    report = rnnlib.gradcheck_report(s, x, state)
    assert set(report) >= {"state[0]", "state[1]", "x"}
    assert max(report.values()) < 1e-8


def test_forward_kwargs_reach_every_forward_call():
    """``forward_kwargs={"lengths": ...}`` checks a padded Bidirectional layer (chapter 5)."""
    import rnnlib

    class NeedsLengths(rnnlib.Bidirectional):
        def forward(self, x, state=None, lengths=None):
            if lengths is None:
                raise AssertionError("forward called without lengths")
            return super().forward(x, state, lengths=lengths)

    rng = np.random.default_rng(5)
    layer = NeedsLengths(rnnlib.RNN(3, 4, rng=0), rnnlib.RNN(3, 4, rng=1))
    lengths = np.array([5, 3, 1])
    report = gradcheck_report(layer, rng.normal(size=(5, 3, 3)),
                              forward_kwargs={"lengths": lengths})
    assert set(report) >= {"x", "fwd.W_hh", "bwd.W_hh"}
    assert max(report.values()) < 1e-8
    with pytest.raises(TypeError, match="forward_kwargs"):
        gradcheck_report(layer, rng.normal(size=(5, 3, 3)), forward_kwargs=[lengths])
