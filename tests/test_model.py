"""Tests for rnnlib.model: SequenceModel heads, variable lengths, gradient checks, generate()."""
import numpy as np
import pytest

import rnnlib
from rnnlib import RNN
from rnnlib.gradcheck import gradcheck, gradcheck_report, numerical_gradient, rel_error
from rnnlib.jordan import JordanRNN
from rnnlib.losses import mse, softmax_cross_entropy
from rnnlib.model import SequenceModel, generate
from rnnlib.stacked import Stacked


class WithLengths:
    """Adapter so that gradcheck (which calls forward(x, state)) passes fixed lengths."""

    def __init__(self, model, lengths):
        self.model, self.lengths = model, lengths
        self.params, self.grads = model.params, None

    def forward(self, x, state=None):
        return self.model.forward(x, state, lengths=self.lengths)

    def backward(self, dy, d_final_state=None):
        out = self.model.backward(dy, d_final_state)
        self.grads = self.model.grads
        return out


def test_many_to_many_shapes_and_params():
    m = SequenceModel(RNN(3, 5, rng=1), 4, rng=2)
    y, h = m.forward(np.ones((6, 2, 3)))
    assert y.shape == (6, 2, 4) and h.shape == (2, 5)
    assert list(m.params) == ["rnn.W_xh", "rnn.W_hh", "rnn.b_h", "head.W_hy", "head.b_y"]
    assert m.params["head.W_hy"] is m.head.params["W_hy"] and m.params["rnn.W_hh"] is m.layer.params["W_hh"]
    assert m.params.keys() == m.grads.keys()
    y1, _ = m.forward(np.ones((6, 2, 3)))
    assert np.allclose(y1, m.layer.forward(np.ones((6, 2, 3)))[0] @ m.head.params["W_hy"].T)


@pytest.mark.parametrize("head", ["many-to-many", "many-to-one"])
@pytest.mark.parametrize("T,B,D,H,K", [(1, 1, 3, 5, 2), (4, 1, 2, 3, 4), (5, 3, 4, 2, 3)])
def test_gradcheck(head, T, B, D, H, K):
    rng = np.random.default_rng(T * 10 + B)
    m = SequenceModel(RNN(D, H, rng=rng), K, head=head, rng=rng)
    m.head.params["b_y"][:] = rng.normal(size=K)
    x = rng.normal(size=(T, B, D))
    assert gradcheck(m, x) < 1e-6
    report = gradcheck_report(m, x, rng.normal(size=(B, H)))
    assert {"head.W_hy", "head.b_y", "rnn.W_hh", "x", "state"} <= set(report)
    assert max(report.values()) < 1e-6, report


def test_gradcheck_stacked_and_jordan_inside():
    rng = np.random.default_rng(4)
    m = SequenceModel(Stacked([RNN(2, 4, rng=1), JordanRNN(4, 3, 2, rng=2)]), 3,
                      head="many-to-one", rng=3)
    assert m.hidden_size == 2
    assert gradcheck(m, rng.normal(size=(4, 2, 2))) < 1e-6


def _lengths_batch(rng, T=6, B=4, D=3):
    lengths = np.array([6, 2, 4, 1])
    x = rng.normal(size=(T, B, D))
    for b, L in enumerate(lengths):
        x[L:, b] = 0.0  # padding
    return x, lengths


def test_many_to_one_lengths_reads_each_sequence_own_last_step():
    rng = np.random.default_rng(0)
    m = SequenceModel(RNN(3, 5, rng=1), 2, head="many-to-one", rng=2)
    x, lengths = _lengths_batch(rng)
    x[5, 1] = 7.0  # garbage in the padding must not matter
    y, _ = m.forward(x, lengths=lengths)
    for b, L in enumerate(lengths):
        y_b, _ = m.forward(x[:L, b:b + 1])  # the unpadded sequence alone
        assert np.allclose(y[b], y_b[0])
    y_all, _ = m.forward(x)
    assert not np.allclose(y_all[1], y[1])  # without lengths the head reads step T


def test_many_to_one_lengths_gradients():
    rng = np.random.default_rng(1)
    m = SequenceModel(RNN(3, 4, rng=1), 2, head="many-to-one", rng=2)
    x, lengths = _lengths_batch(rng)
    wrapped = WithLengths(m, lengths)
    assert gradcheck(wrapped, x) < 1e-6
    y, _ = m.forward(x, lengths=lengths)
    dx, _ = m.backward(np.ones_like(y))
    for b, L in enumerate(lengths):
        assert np.all(dx[L:, b] == 0) and np.any(dx[L - 1, b] != 0)


@pytest.mark.parametrize("head", ["many-to-many", "many-to-one"])
def test_model_plus_loss_gradient(head):
    """d(loss)/d(params) through head and layer, against finite differences (float64)."""
    rng = np.random.default_rng(2)
    T, B, D, H, K = 5, 3, 2, 4, 3
    m = SequenceModel(RNN(D, H, rng=1), K, head=head, rng=2)
    x = rng.normal(size=(T, B, D))
    if head == "many-to-many":
        d = rng.integers(0, K, size=(T, B))
        mask = np.arange(T)[:, None] < np.array([5, 3, 1])[None, :]
        loss = lambda: softmax_cross_entropy(m.forward(x)[0], d, mask=mask)
    else:
        d = rng.normal(size=(B, K))
        mask = None
        loss = lambda: mse(m.forward(x)[0], d)
    _, dy = loss()
    m.backward(dy)
    grads = {k: v.copy() for k, v in m.grads.items()}
    for name, p in m.params.items():
        num = numerical_gradient(lambda: loss()[0], p, 1e-6)
        assert rel_error(grads[name], num) < 1e-6, name


def test_bidirectional_many_to_one_summary():
    rng = np.random.default_rng(3)
    bi = rnnlib.Bidirectional(RNN(3, 4, rng=1), RNN(3, 2, rng=2))
    m = SequenceModel(bi, 2, head="many-to-one", rng=3)
    x = rng.normal(size=(5, 2, 3))
    y, _ = m.forward(x)
    h, (hf_T, hb_1) = bi.forward(x)
    summary = np.concatenate([hf_T, hb_1], axis=-1)  # both directions after the whole sequence
    assert np.allclose(y, m.head.forward(summary))
    assert gradcheck(m, x) < 1e-6


def test_float32_model():
    m = SequenceModel(RNN(3, 4, rng=1, dtype=np.float32), 2, rng=2)
    assert m.dtype == np.float32 and m.head.params["W_hy"].dtype == np.float32
    y, _ = m.forward(np.ones((2, 1, 3), np.float32))
    dx, _ = m.backward(np.ones_like(y))
    assert y.dtype == dx.dtype == np.float32
    with pytest.raises(TypeError, match=r"x: expected dtype float32, got float64"):
        m.forward(np.ones((2, 1, 3)))


def test_errors():
    with pytest.raises(ValueError, match=r"head: expected 'many-to-many' or 'many-to-one', got 'm2m'"):
        SequenceModel(RNN(3, 4), 2, head="m2m")
    with pytest.raises(TypeError, match=r"dtype: expected the layer's dtype float64, got float32"):
        SequenceModel(RNN(3, 4), 2, dtype=np.float32)
    with pytest.raises(ValueError, match=r"output_size: expected a positive int, got 0"):
        SequenceModel(RNN(3, 4), 0)
    with pytest.raises(TypeError, match=r"layer: expected a recurrent layer"):
        SequenceModel(object(), 2)
    m = SequenceModel(RNN(3, 4), 2)
    with pytest.raises(RuntimeError, match="call forward first"):
        m.backward(np.zeros((1, 1, 2)))
    m = SequenceModel(RNN(3, 4), 2, head="many-to-one")
    with pytest.raises(ValueError, match=r"lengths: expected values in \[1, 3\] \(T = 3\), got values in \[0, 4\]"):
        m.forward(np.zeros((3, 2, 3)), lengths=np.array([0, 4]))
    with pytest.raises(ValueError, match=r"lengths: expected shape \(2,\) \(one length per sequence\), got \(3,\)"):
        m.forward(np.zeros((3, 2, 3)), lengths=np.array([1, 2, 3]))
    with pytest.raises(TypeError, match=r"lengths: expected an integer numpy array"):
        m.forward(np.zeros((3, 2, 3)), lengths=np.array([1.0, 2.0]))


# --- generate (one-to-many) ---

def test_generate_argmax_matches_step_by_step():
    K = 4
    m = SequenceModel(RNN(K, 8, rng=1), K, rng=2)
    x0 = np.eye(K)[[0, 2]]  # (B=2, K) one-hot seeds
    tokens = generate(m, x0, 6, mode="argmax")
    assert tokens.shape == (6, 2) and tokens.dtype == np.int64
    x, state, ref = x0[None], None, []
    for _ in range(6):
        y, state = m.forward(x, state)
        k = y[-1].argmax(-1)
        ref.append(k)
        x = np.eye(K)[k][None]
    assert np.array_equal(tokens, np.array(ref))


def test_generate_sample_is_seeded_and_in_range():
    K = 5
    m = SequenceModel(RNN(K, 6, rng=1), K, rng=2)
    x0 = np.eye(K)[[1, 1, 3]]
    a = generate(m, x0, 20, rng=0)
    b = generate(m, x0, 20, rng=0)
    assert np.array_equal(a, b) and a.min() >= 0 and a.max() < K
    assert not np.array_equal(a, generate(m, x0, 20, rng=1))
    # temperature -> 0 approaches argmax; a prompt (T0, B, D) is accepted
    cold = generate(m, x0, 10, temperature=1e-4, rng=0)
    assert np.array_equal(cold, generate(m, x0, 10, mode="argmax"))
    prompt = np.eye(K)[[[0, 1, 2], [3, 4, 0]]]
    assert generate(m, prompt, 4, rng=0).shape == (4, 3)


def test_generate_value_feeds_outputs_back():
    m = SequenceModel(RNN(1, 4, rng=1), 1, rng=2)
    x0 = np.full((2, 1), 0.5)
    out = generate(m, x0, 5, mode="value")
    assert out.shape == (5, 2, 1) and out.dtype == np.float64
    y, s = m.forward(x0[None])
    assert np.allclose(out[0], y[-1])
    y2, _ = m.forward(y[-1:].copy(), s)
    assert np.allclose(out[1], y2[-1])


def test_generate_errors():
    m = SequenceModel(RNN(3, 4), 2)
    with pytest.raises(ValueError, match=r"x0: expected input size D = 2 .* got D = 3"):
        generate(m, np.zeros((1, 3)), 2)
    m = SequenceModel(RNN(2, 4), 2)
    with pytest.raises(ValueError, match=r"mode: expected 'sample', 'argmax' or 'value'"):
        generate(m, np.zeros((1, 2)), 2, mode="greedy")
    with pytest.raises(ValueError, match=r"steps: expected a positive int, got 0"):
        generate(m, np.zeros((1, 2)), 0)
    with pytest.raises(ValueError, match=r"temperature: expected a finite number > 0, got 0"):
        generate(m, np.zeros((1, 2)), 2, temperature=0)


def test_generate_refuses_bidirectional_and_non_models():
    from rnnlib import LSTM, Bidirectional, Stacked
    bi = SequenceModel(Bidirectional(LSTM(3, 2, rng=1), LSTM(3, 2, rng=2)), 3, rng=3)
    with pytest.raises(ValueError, match="model: .*next-step prediction"):
        generate(bi, np.zeros((1, 3)), 2, rng=0)
    deep_bi = SequenceModel(Stacked([Bidirectional(LSTM(3, 2, rng=1), LSTM(3, 2, rng=2)),
                                     LSTM(4, 2, rng=4)]), 3, rng=3)
    with pytest.raises(ValueError, match="model: .*next-step prediction"):
        generate(deep_bi, np.zeros((1, 3)), 2, rng=0)
    with pytest.raises(TypeError, match="model: expected a SequenceModel .*got LSTM"):
        generate(LSTM(3, 3, rng=1), np.zeros((1, 3)), 2, rng=0)
    with pytest.raises(TypeError, match="temperature"):
        generate(SequenceModel(LSTM(3, 2, rng=1), 3, rng=3), np.zeros((1, 3)), 2,
                 temperature="hot")


def test_generate_accepts_numpy_scalar_temperature():
    from rnnlib import LSTM
    m = SequenceModel(LSTM(3, 4, rng=1), 3, rng=3)
    x0 = np.eye(3)[:2]
    a = generate(m, x0, 6, temperature=np.float32(0.5), rng=5)
    b = generate(m, x0, 6, temperature=0.5, rng=5)
    np.testing.assert_array_equal(a, b)
    generate(m, x0, 2, temperature=np.int64(2), rng=5)
