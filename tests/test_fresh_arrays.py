"""Arrays returned by forward/backward are the caller's: a later call never overwrites them."""
import numpy as np
import pytest

from rnnlib import GRU, LSTM, RNN, Bidirectional, JordanRNN, SequenceModel, Stacked

D = 3
MAKERS = {
    "rnn": lambda: RNN(D, 4, rng=1),
    "lstm": lambda: LSTM(D, 4, rng=1),
    "gru": lambda: GRU(D, 4, rng=1),
    "jordan": lambda: JordanRNN(D, 4, 2, rng=1),
    "bi-lstm": lambda: Bidirectional(LSTM(D, 4, rng=1), LSTM(D, 3, rng=2)),
    "bi-gru": lambda: Bidirectional(GRU(D, 4, rng=1), GRU(D, 3, rng=2)),
    "stacked": lambda: Stacked([LSTM(D, 4, rng=1), GRU(4, 3, rng=2)]),
    "model-lstm": lambda: SequenceModel(LSTM(D, 4, rng=1), 2, rng=3),
    "model-gru-m2o": lambda: SequenceModel(GRU(D, 4, rng=1), 2, head="many-to-one", rng=3),
    "model-stacked": lambda: SequenceModel(Stacked([GRU(D, 4, rng=1), LSTM(4, 3, rng=2)]), 2,
                                           rng=3),
}


def leaves(s):
    if isinstance(s, (tuple, list)):
        return [a for item in s for a in leaves(item)]
    return [] if s is None else [s]


@pytest.mark.parametrize("kind", list(MAKERS))
@pytest.mark.parametrize("B", [1, 3])
def test_results_not_overwritten_by_next_call(kind, B):
    rng = np.random.default_rng(0)
    layer = MAKERS[kind]()
    x1, x2 = rng.standard_normal((2, 5, B, D))
    out1, fin1 = layer.forward(x1)
    kept_fwd = [a.copy() for a in [out1, *leaves(fin1)]]
    dy1 = rng.standard_normal(out1.shape)
    dx1, ds1 = layer.backward(dy1)
    kept_bwd = [a.copy() for a in [dx1, *leaves(ds1)]]

    out2, fin2 = layer.forward(x2)
    for got, want in zip([out1, *leaves(fin1)], kept_fwd):
        np.testing.assert_array_equal(got, want)
    layer.backward(rng.standard_normal(out2.shape))
    for got, want in zip([dx1, *leaves(ds1)], kept_bwd):
        np.testing.assert_array_equal(got, want)


def test_view_as_gives_a_view_or_says_it_cannot():
    """The gated layers' per-step views (rnnlib._columns.view_as) write into their buffer; an
    array that reshapes only by copying is refused, since writes to a copy would be lost."""
    from rnnlib._columns import view_as
    a = np.zeros((3, 8, 2))
    v = view_as(a[:, :4], (3, 2, 2, 2))
    v[1, 1, 1, 1] = 5.0                            # row 1 * 2 + 1 of block 1
    assert a[1, 3, 1] == 5.0
    with pytest.raises(RuntimeError, match=r"cannot be viewed as \(24,\) without a copy"):
        view_as(a[:, ::2], (24,))
