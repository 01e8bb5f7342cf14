"""Tests for rnnlib.stacked.Stacked: chaining, gradient checks, shared parameter arrays, errors."""
import numpy as np
import pytest

import rnnlib
from rnnlib import RNN
from rnnlib.gradcheck import gradcheck, gradcheck_report
from rnnlib.jordan import JordanRNN
from rnnlib.optim import SGD
from rnnlib.stacked import Stacked


def test_forward_chains_the_layers():
    rng = np.random.default_rng(0)
    l1, l2 = RNN(3, 4, rng=1), RNN(4, 2, rng=2)
    st = Stacked([l1, l2])
    x = rng.normal(size=(5, 2, 3))
    s = [rng.normal(size=(2, 4)), rng.normal(size=(2, 2))]
    y, finals = st.forward(x, s)
    h1, f1 = RNN.forward(l1, x, s[0])
    h2, f2 = RNN.forward(l2, h1.copy(), s[1])
    assert np.array_equal(y, h2) and np.array_equal(finals[0], f1) and np.array_equal(finals[1], f2)
    assert st.output_size == 2 and st.input_size == 3 and len(st) == 2


@pytest.mark.parametrize("T,B", [(1, 1), (4, 1), (3, 2)])
def test_gradcheck_rnn_stack(T, B):
    rng = np.random.default_rng(T + 10 * B)
    st = Stacked([RNN(3, 5, rng=1), RNN(5, 2, rng=2), RNN(2, 4, rng=3)])
    x = rng.normal(size=(T, B, 3))
    assert gradcheck(st, x) < 1e-6
    state = [rng.normal(size=(B, 5)), rng.normal(size=(B, 2)), rng.normal(size=(B, 4))]
    report = gradcheck_report(st, x, state)
    assert {"0.W_xh", "1.W_hh", "2.b_h", "x", "state[0]", "state[2]"} <= set(report)
    assert max(report.values()) < 1e-6, report


def test_gradcheck_mixed_with_jordan():
    rng = np.random.default_rng(7)
    st = Stacked([JordanRNN(2, 4, 3, rng=1), RNN(3, 5, rng=2)])
    assert st.output_size == 5
    x = rng.normal(size=(4, 2, 2))
    assert gradcheck(st, x, [rng.normal(size=(2, 3)), rng.normal(size=(2, 5))]) < 1e-6


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_gradcheck_gated_stack(name):
    cls = getattr(rnnlib, name)
    rng = np.random.default_rng(1)
    st = Stacked([cls(3, 4, rng=1), RNN(4, 3, rng=2), cls(3, 2, rng=3)])
    x = rng.normal(size=(3, 2, 3))
    assert gradcheck(st, x) < 1e-6


def test_bidirectional_in_stack():
    rng = np.random.default_rng(2)
    bi = rnnlib.Bidirectional(RNN(3, 4, rng=1), RNN(3, 2, rng=2))
    st = Stacked([bi, RNN(6, 3, rng=3)])
    assert bi.output_size == 6 and not bi.causal and not st.causal and st.output_size == 3
    assert gradcheck(st, rng.normal(size=(4, 2, 3))) < 1e-6
    with pytest.raises(ValueError, match=r"layers\[1\]: expected input_size 6"):
        Stacked([bi, RNN(4, 3)])


def test_params_are_the_layers_arrays():
    l1, l2 = RNN(3, 4, rng=1), RNN(4, 2, rng=2)
    st = Stacked([l1, l2])
    assert list(st.params) == ["0.W_xh", "0.W_hh", "0.b_h", "1.W_xh", "1.W_hh", "1.b_h"]
    assert st.params["1.W_hh"] is l2.params["W_hh"]
    x = np.random.default_rng(0).normal(size=(3, 2, 3))
    y, _ = st.forward(x)
    st.backward(np.ones_like(y))
    before = l1.params["W_xh"].copy()
    SGD(0.1).step(st.params, st.grads)
    assert np.allclose(l1.params["W_xh"], before - 0.1 * l1.grads["W_xh"])


def test_float32_stack():
    st = Stacked([RNN(3, 4, rng=1, dtype=np.float32), JordanRNN(4, 3, 2, rng=2, dtype=np.float32)])
    y, finals = st.forward(np.ones((2, 1, 3), np.float32))
    dx, ds = st.backward(np.ones_like(y))
    assert st.dtype == np.float32 and y.dtype == np.float32 and dx.dtype == np.float32
    assert len(ds) == 2


def test_errors():
    with pytest.raises(ValueError, match=r"layers: expected a non-empty list"):
        Stacked([])
    with pytest.raises(ValueError, match=r"layers\[1\]: expected input_size 4 \(the output size of "
                                         r"layers\[0\]\), got 3"):
        Stacked([RNN(3, 4), RNN(3, 2)])
    with pytest.raises(ValueError, match=r"layers\[1\]: expected input_size 2"):
        Stacked([JordanRNN(3, 4, 2), RNN(4, 2)])
    with pytest.raises(TypeError, match=r"layers: expected one dtype"):
        Stacked([RNN(3, 4), RNN(4, 2, dtype=np.float32)])
    with pytest.raises(TypeError, match=r"layers\[0\]: expected a recurrent layer"):
        Stacked([object()])
    st = Stacked([RNN(3, 4), RNN(4, 2)])
    with pytest.raises(ValueError, match=r"state: expected None or a list of 2 per-layer states, "
                                         r"got list of length 1"):
        st.forward(np.zeros((2, 1, 3)), [np.zeros((1, 4))])


def test_same_layer_twice_refused():
    r = RNN(3, 3, rng=0)
    with pytest.raises(ValueError, match="layers"):
        Stacked([r, r])
    with pytest.raises(ValueError, match="layers"):
        Stacked([RNN(3, 3, rng=1), r, r])
    Stacked([RNN(3, 3, rng=1), RNN(3, 3, rng=2)])         # distinct layers are fine


def test_shared_params_refused():
    from rnnlib import LSTM, Bidirectional
    f = LSTM(3, 3, rng=0)
    with pytest.raises(ValueError, match="layers"):
        Stacked([f, Bidirectional(LSTM(3, 3, rng=1), f)])


def test_shared_layer_in_sequence_model_refused():
    from rnnlib import SequenceModel
    r = RNN(3, 3, rng=0)
    with pytest.raises(ValueError, match="layers"):
        SequenceModel(Stacked([r, r]), 2)
