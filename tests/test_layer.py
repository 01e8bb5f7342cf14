"""Tests of rnnlib.layer: a layer says what it is, and a student's own layer plugs in."""
import numpy as np
import pytest

from rnnlib import SGD, SequenceLayer, SequenceModel, Stacked, RNN, fit, softmax_cross_entropy
from rnnlib.layer import check_lengths


class Leaky(SequenceLayer):
    """A student's layer: h_t = (1 - a) h_{t-1} + a x_t, no parameters but a (learned) bias."""

    def __init__(self, size, a=0.5):
        self.input_size = self.hidden_size = size
        self.dtype = np.dtype(np.float64)
        self.a = a
        self.params = {"b": np.zeros(size)}
        self.grads = {"b": np.zeros(size)}

    def forward(self, x, state=None, lengths=None):
        h = np.zeros_like(x[0]) if state is None else state
        out = []
        for x_t in x:
            h = (1 - self.a) * h + self.a * x_t + self.params["b"]
            out.append(h)
        self._T = len(x)
        return np.stack(out), h

    def backward(self, d_outputs, d_final_state=None):
        g = np.zeros_like(d_outputs[0]) if d_final_state is None else d_final_state
        dx = np.empty_like(d_outputs)
        self.grads["b"][...] = 0.0
        for t in reversed(range(self._T)):
            g = g + d_outputs[t]
            dx[t] = self.a * g
            self.grads["b"] += g.sum(axis=0)
            g = (1 - self.a) * g
        return dx, g


def test_a_subclass_works_in_a_stack_and_in_fit():
    rng = np.random.default_rng(0)
    leaky = Leaky(3)
    assert leaky.causal and leaky.output_size == 3 and leaky.zero_state(2).shape == (2, 3)
    model = SequenceModel(Stacked([leaky, RNN(3, 4, rng=1)]), 2, rng=2)
    x, d = rng.normal(size=(5, 2, 3)), rng.integers(0, 2, (5, 2))
    hist = fit(model, lambda i: (x, d), softmax_cross_entropy, SGD(0.1), 3, bptt_k=2)
    assert len(hist.loss) == 3 and "rnn.0.b" in model.params


def test_objects_that_are_not_layers_are_refused():
    class Duck:
        params, grads, input_size, hidden_size = {}, {}, 3, 3

        def forward(self, x, state=None):
            return x, None

        def backward(self, d, d_final_state=None):
            return d, None

    with pytest.raises(TypeError, match=r"layers\[0\]: expected a recurrent layer \(a subclass of "
                                        r"rnnlib.layer.SequenceLayer\), got Duck"):
        Stacked([Duck()])
    with pytest.raises(TypeError, match="layer: expected a recurrent layer"):
        SequenceModel(Duck(), 2)


def test_check_lengths():
    assert check_lengths(None, 4, 2) is None
    assert check_lengths(np.array([4, 1], dtype=np.int32), 4, 2).dtype == np.intp
    with pytest.raises(ValueError, match=r"lengths: expected values in \[1, 4\] \(T = 4\), "
                                         r"got values in \[0, 4\]"):
        check_lengths(np.array([0, 4]), 4, 2)
    with pytest.raises(ValueError, match=r"lengths: expected shape \(2,\)"):
        check_lengths(np.array([1, 2, 3]), 4, 2)
    with pytest.raises(TypeError, match="lengths: expected an integer numpy array of shape"):
        check_lengths([1, 2], 4, 2)
