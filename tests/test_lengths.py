"""Variable-length sequences (``forward(x, state, lengths)``), checked as PyTorch's packed
sequences behave: running a padded batch with ``lengths`` must give exactly what running each
sequence alone, without its padding, gives."""
import numpy as np
import pytest

from rnnlib import GRU, LSTM, RNN, JordanRNN
from rnnlib.layer import SequenceLayer

D, H, O = 3, 5, 2
MAKERS = {
    "rnn-tanh": lambda **kw: RNN(D, H, **kw),
    "rnn-relu": lambda **kw: RNN(D, H, nonlinearity="relu", **kw),
    "jordan": lambda **kw: JordanRNN(D, H, O, **kw),
    "lstm": lambda **kw: LSTM(D, H, **kw),
    "gru": lambda **kw: GRU(D, H, **kw),
}
KINDS = list(MAKERS)
TOL = dict(rtol=1e-12, atol=1e-12)


def make(kind, seed=0, dtype=np.float64):
    """A layer with random non-zero parameters (biases too)."""
    layer = MAKERS[kind](rng=seed, dtype=dtype)
    rng = np.random.default_rng(100 + seed)
    for p in layer.params.values():
        p[...] = 0.6 * rng.standard_normal(p.shape)
    return layer


def rand_state(layer, B, rng):
    z = layer.zero_state(B)
    if isinstance(z, tuple):
        return tuple(rng.standard_normal(a.shape) for a in z)
    return rng.standard_normal(z.shape)


def take(state, b):
    """Sequence b of a state (an array (B, .) or a tuple of them), kept 2-D."""
    if isinstance(state, tuple):
        return tuple(s[b:b + 1] for s in state)
    return state[b:b + 1]


def leaves(s):
    return list(s) if isinstance(s, tuple) else [s]


def assert_state_close(got, want):
    for g, w in zip(leaves(got), leaves(want)):
        np.testing.assert_allclose(g, w, **TOL)


def run_batch(layer, x, state, lengths, dy, d_fin):
    out, fin = layer.forward(x, state, lengths=lengths)
    dx, ds0 = layer.backward(dy, d_fin)
    return out, fin, dx, ds0, {k: v.copy() for k, v in layer.grads.items()}


def check_against_separate_runs(kind, T, lengths, seed=0, lstm_block=None):
    """The packed-sequence reference: the same layer run on each sequence alone."""
    rng = np.random.default_rng(seed)
    layer = make(kind, seed)
    if lstm_block is not None:
        layer._block = lstm_block        # local derivatives of the backward in blocks of steps
    B = len(lengths)
    lengths = np.asarray(lengths)
    x = rng.standard_normal((T, B, D))
    state = rand_state(layer, B, rng)
    dy = rng.standard_normal((T, B, layer.output_size))       # random at padded steps too
    d_fin = rand_state(layer, B, rng)
    out, fin, dx, ds0, grads = run_batch(layer, x, state, lengths, dy, d_fin)

    grads_sum = {k: np.zeros_like(v) for k, v in grads.items()}
    for b, L in enumerate(lengths):
        out_b, fin_b = layer.forward(x[:L, b:b + 1], take(state, b))
        np.testing.assert_allclose(out[:L, b], out_b[:, 0], **TOL)
        np.testing.assert_array_equal(out[L:, b], 0.0)           # padded outputs are exactly 0
        assert_state_close(take(fin, b), fin_b)
        dx_b, ds0_b = layer.backward(dy[:L, b:b + 1], take(d_fin, b))
        np.testing.assert_allclose(dx[:L, b], dx_b[:, 0], **TOL)
        np.testing.assert_array_equal(dx[L:, b], 0.0)            # padded dx is exactly 0
        assert_state_close(take(ds0, b), ds0_b)
        for k in grads_sum:
            grads_sum[k] += layer.grads[k]
    for k in grads:
        np.testing.assert_allclose(grads[k], grads_sum[k], err_msg=k, **TOL)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("T, lengths", [
    (6, [6, 1, 3, 5]),           # a full sequence, a length 1, others
    (5, [2, 5, 1]),
    (4, [1, 1]),                 # every sequence one step, the rest padding
    (5, [3]),                    # B = 1
    (4, [1]),                    # B = 1, length 1
    (5, [5, 5, 5]),              # no padding at all
])
def test_equals_each_sequence_run_alone(kind, T, lengths):
    check_against_separate_runs(kind, T, lengths)


@pytest.mark.parametrize("block", [1, 6 * H * 4 * 2])   # blocks of 1 and of 2 steps (B = 4)
def test_lstm_backward_in_blocks(block):
    check_against_separate_runs("lstm", 7, [7, 1, 4, 6], seed=4, lstm_block=block)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("B", [1, 3])
def test_lengths_all_T_equals_no_lengths(kind, B):
    rng = np.random.default_rng(1)
    T = 5
    layer = make(kind, 1)
    x = rng.standard_normal((T, B, D))
    state = rand_state(layer, B, rng)
    dy = rng.standard_normal((T, B, layer.output_size))
    d_fin = rand_state(layer, B, rng)
    with_lengths = run_batch(layer, x, state, np.full(B, T), dy, d_fin)
    without = run_batch(layer, x, state, None, dy, d_fin)
    for got, want in zip(with_lengths[:4], without[:4]):
        for g, w in zip(leaves(got), leaves(want)):
            np.testing.assert_array_equal(g, w)
    for k in without[4]:
        np.testing.assert_array_equal(with_lengths[4][k], without[4][k])


@pytest.mark.parametrize("kind", KINDS)
def test_call_without_lengths_after_one_with(kind):
    """Nothing of a padded call (masks, buffers) leaks into the next call."""
    rng = np.random.default_rng(2)
    T, B = 4, 3
    layer, fresh = make(kind, 2), make(kind, 2)
    x = rng.standard_normal((T, B, D))
    dy = rng.standard_normal((T, B, layer.output_size))
    run_batch(layer, x, None, np.array([2, 4, 1]), dy, None)
    got = run_batch(layer, x, None, None, dy, None)
    want = run_batch(fresh, x, None, None, dy, None)
    for g, w in zip(got[:4], want[:4]):
        for a, b in zip(leaves(g), leaves(w)):
            np.testing.assert_array_equal(a, b)
    for k in want[4]:
        np.testing.assert_array_equal(got[4][k], want[4][k])


@pytest.mark.parametrize("kind", KINDS)
def test_d_outputs_none_and_float32(kind):
    rng = np.random.default_rng(3)
    T, B = 5, 3
    layer = make(kind, 3, dtype=np.float32)
    x = rng.standard_normal((T, B, D)).astype(np.float32)
    lengths = np.array([5, 2, 1], dtype=np.int32)
    out, fin = layer.forward(x, lengths=lengths)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out[2:, 1], 0.0)
    d_fin = tuple(np.ones_like(a) for a in fin) if isinstance(fin, tuple) else np.ones_like(fin)
    dx, ds0 = layer.backward(None, d_fin)
    assert dx.dtype == np.float32
    np.testing.assert_array_equal(dx[1:, 2], 0.0)
    assert all(np.isfinite(g).all() for g in layer.grads.values())


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lengths, error, words", [
    (np.array([3, 2]), ValueError, ["lengths", "shape (3,)", "(2,)"]),
    (np.array([[3], [2], [1]]), ValueError, ["lengths", "shape (3,)", "(3, 1)"]),
    (np.array([3.0, 2.0, 1.0]), TypeError, ["lengths", "integer", "float64"]),
    ([3, 2, 1], TypeError, ["lengths", "integer", "list"]),
    (np.array([3, 0, 1]), ValueError, ["lengths", "[1, 4]"]),
    (np.array([3, 5, 1]), ValueError, ["lengths", "[1, 4]", "T = 4"]),
])
def test_bad_lengths_raise_clear_errors(kind, lengths, error, words):
    layer = make(kind)
    x = np.zeros((4, 3, D))
    with pytest.raises(error) as info:
        layer.forward(x, lengths=lengths)
    for w in words:
        assert w in str(info.value)


@pytest.mark.parametrize("kind", KINDS)
def test_layers_declare_structure(kind):
    layer = make(kind)
    assert isinstance(layer, SequenceLayer) and layer.causal
    width = O if kind == "jordan" else H
    assert layer.output_size == width
    out, fin = layer.forward(np.zeros((2, 3, D)))
    assert out.shape == (2, 3, width)
    z = layer.zero_state(3)
    assert type(z) is type(fin)
    for a, f in zip(leaves(z), leaves(fin)):
        assert a.shape == f.shape and a.dtype == f.dtype and not a.any()
