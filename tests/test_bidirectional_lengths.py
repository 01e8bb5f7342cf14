"""Variable-length batches through Bidirectional, Stacked and SequenceModel, checked against a
packed-sequence reference: every sequence run on its own, with its own length, batch size 1."""
import numpy as np
import pytest

from rnnlib import GRU, LSTM, RNN, Bidirectional, JordanRNN, SequenceModel, Stacked
from rnnlib.bidirectional import reverse_within_lengths
from rnnlib.gradcheck import _leaves as leaves, _rebuild as rebuild   # nested states

T, B, D = 6, 4, 3
LENGTHS = np.array([6, 2, 4, 1])


def select(s, b):
    """Sequence b of a (nested) state, keeping a batch axis of 1."""
    return rebuild(s, iter([a[b:b + 1] for a in leaves(s)]))


def randomise(layer, rng):
    for p in layer.params.values():
        p[...] = rng.normal(0, 0.5, p.shape)


def make(kind, rng):
    pairs = {"rnn": lambda: Bidirectional(RNN(D, 4, rng=1), RNN(D, 3, rng=2)),
             "lstm": lambda: Bidirectional(LSTM(D, 3, rng=1), LSTM(D, 2, rng=2)),
             "gru": lambda: Bidirectional(GRU(D, 2, rng=1), GRU(D, 3, rng=2)),
             "jordan": lambda: Bidirectional(JordanRNN(D, 4, 2, rng=1), JordanRNN(D, 3, 3, rng=2)),
             "stacked": lambda: Stacked([Bidirectional(LSTM(D, 3, rng=1), GRU(D, 2, rng=2)),
                                         RNN(5, 3, rng=3)])}
    layer = pairs[kind]()
    randomise(layer, rng)
    return layer


def packed_reference(layer, x, state, d_out, d_final):
    """Run each sequence alone on its valid steps; sum the parameter gradients."""
    W = layer.output_size
    y = np.zeros((T, B, W))
    dx = np.zeros_like(x)
    grads = {k: np.zeros_like(g) for k, g in layer.grads.items()}
    finals, d_states = [], []
    for b, L in enumerate(LENGTHS):
        yb, fb = layer.forward(x[:L, b:b + 1].copy(), select(state, b))
        y[:L, b] = yb[:, 0]
        dxb, dsb = layer.backward(d_out[:L, b:b + 1].copy(), select(d_final, b))
        dx[:L, b] = dxb[:, 0]
        finals.append(fb)
        d_states.append(dsb)
        for k, g in layer.grads.items():
            grads[k] += g
    join = lambda per_b: [np.concatenate(a) for a in zip(*(leaves(s) for s in per_b))]
    return y, join(finals), dx, join(d_states), grads


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru", "jordan", "stacked"])
def test_lengths_agree_with_packed_sequences(kind):
    rng = np.random.default_rng(0)
    layer = make(kind, rng)
    x = rng.normal(size=(T, B, D))
    state = rebuild(layer.zero_state(B), iter(rng.normal(size=a.shape)
                                               for a in leaves(layer.zero_state(B))))
    d_out = rng.normal(size=(T, B, layer.output_size))     # also at padded steps: ignored
    d_final = rebuild(state, iter(rng.normal(size=a.shape) for a in leaves(state)))
    y_ref, fin_ref, dx_ref, ds_ref, g_ref = packed_reference(layer, x, state, d_out, d_final)

    y, fin = layer.forward(x, state, lengths=LENGTHS)
    dx, ds = layer.backward(d_out, d_final)
    pad = np.arange(T)[:, None] >= LENGTHS
    assert (y[pad] == 0).all() and (dx[pad] == 0).all()
    np.testing.assert_allclose(y, y_ref, rtol=0, atol=1e-12)
    for a, r in zip(leaves(fin), fin_ref):
        np.testing.assert_allclose(a, r, rtol=0, atol=1e-12)
    np.testing.assert_allclose(dx, dx_ref, rtol=0, atol=1e-12)
    for a, r in zip(leaves(ds), ds_ref):
        np.testing.assert_allclose(a, r, rtol=0, atol=1e-12)
    for k, g in layer.grads.items():
        np.testing.assert_allclose(g, g_ref[k], rtol=0, atol=1e-12, err_msg=k)


def test_full_lengths_equal_no_lengths():
    rng = np.random.default_rng(1)
    bi = make("lstm", rng)
    x = rng.normal(size=(T, B, D))
    y0, f0 = bi.forward(x)
    y1, f1 = bi.forward(x, lengths=np.full(B, T))
    np.testing.assert_array_equal(y0, y1)
    for a, b in zip(leaves(f0), leaves(f1)):
        np.testing.assert_array_equal(a, b)


def test_reversing_the_padded_array_is_wrong():
    """The classic bug: x[::-1] makes the backward layer read the padding first."""
    rng = np.random.default_rng(2)
    bi = make("rnn", rng)
    x = rng.normal(size=(T, B, D))
    x[np.arange(T)[:, None] >= LENGTHS] = 0.0                 # zero padding
    y, _ = bi.forward(x, lengths=LENGTHS)
    hb_bug = bi.bwd.forward(x[::-1])[0][::-1]                 # reverse the whole padded array
    Hf = bi.fwd.output_size
    b = 1                                                     # a short sequence (length 2)
    assert np.abs(y[:2, b, Hf:] - hb_bug[:2, b]).max() > 1e-3
    idx = reverse_within_lengths(T, LENGTHS)
    assert idx[:, 1].tolist() == [1, 0, 2, 3, 4, 5] and idx[:, 3].tolist() == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_sequence_model_many_to_one_bidirectional_lengths(kind):
    """The head reads [hf at the last valid step; hb_1]; the gradient matches per sequence."""
    rng = np.random.default_rng(3)
    m = SequenceModel(make(kind, rng), 2, head="many-to-one", rng=4)
    x = rng.normal(size=(T, B, D))
    y, _ = m.forward(x, lengths=LENGTHS)
    dy = rng.normal(size=y.shape)
    m.backward(dy)
    got = {k: g.copy() for k, g in m.grads.items()}
    ref = {k: np.zeros_like(g) for k, g in got.items()}
    for b, L in enumerate(LENGTHS):
        yb, _ = m.forward(x[:L, b:b + 1].copy())
        np.testing.assert_allclose(y[b], yb[0], rtol=0, atol=1e-12)
        m.backward(dy[b:b + 1])
        for k, g in m.grads.items():
            ref[k] += g
    for k in got:
        np.testing.assert_allclose(got[k], ref[k], rtol=0, atol=1e-12, err_msg=k)


def test_sequence_model_many_to_many_lengths():
    """Padded steps give y = 0 and their dy is ignored; the final state is at each length."""
    rng = np.random.default_rng(5)
    m = SequenceModel(LSTM(D, 3, rng=1), 2, rng=2)
    x = rng.normal(size=(T, B, D))
    y, (h, c) = m.forward(x, lengths=LENGTHS)
    pad = np.arange(T)[:, None] >= LENGTHS
    assert (y[pad] == 0).all()
    dy = rng.normal(size=y.shape)
    m.backward(dy)
    got = {k: g.copy() for k, g in m.grads.items()}
    ref = {k: np.zeros_like(g) for k, g in got.items()}
    for b, L in enumerate(LENGTHS):
        yb, (hb, cb) = m.forward(x[:L, b:b + 1].copy())
        np.testing.assert_allclose(y[:L, b], yb[:, 0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(h[b], hb[0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(c[b], cb[0], rtol=0, atol=1e-12)
        m.backward(dy[:L, b:b + 1].copy())
        for k, g in m.grads.items():
            ref[k] += g
    for k in got:
        np.testing.assert_allclose(got[k], ref[k], rtol=0, atol=1e-12, err_msg=k)


def test_structure_is_declared():
    bi = Bidirectional(LSTM(D, 3), GRU(D, 2))
    assert not bi.causal and bi.output_size == 5
    h, c = bi.zero_state(2)[0]
    assert h.shape == c.shape == (2, 3) and bi.zero_state(2)[1].shape == (2, 2)
    st = Stacked([RNN(D, 4), bi.__class__(RNN(4, 1), RNN(4, 2))])
    assert not st.causal and st.output_size == 3 and len(st.zero_state(1)) == 2
    m = SequenceModel(RNN(D, 4), 2)
    assert m.causal and m.output_size == 2 and m.zero_state(3).shape == (3, 4)
    assert RNN(D, 4).causal and JordanRNN(D, 4, 2).output_size == 2


def test_many_to_one_summary_of_a_nested_stack_is_the_bidirectional_one():
    """Each layer declares its summary, however deep the bidirectional layer sits."""
    rng = np.random.default_rng(6)
    bi = make("rnn", rng)
    nested = SequenceModel(Stacked([Stacked([bi])]), 2, head="many-to-one", rng=3)
    x = rng.normal(size=(T, B, D))
    y, _ = nested.forward(x, lengths=LENGTHS)
    h, _ = bi.forward(x, lengths=LENGTHS)
    Hf = bi.fwd.output_size
    summary = np.concatenate([h[LENGTHS - 1, np.arange(B), :Hf], h[0, :, Hf:]], axis=-1)
    np.testing.assert_allclose(y, nested.head.forward(summary), rtol=0, atol=1e-14)
