"""Tests of rnnlib.Bidirectional."""
import numpy as np
import pytest

from rnnlib import GRU, LSTM, RNN, Bidirectional, gradcheck, gradcheck_report


def make(kind, D, Hf, Hb, seed):
    cls = {"rnn": RNN, "lstm": LSTM, "gru": GRU}[kind]
    return Bidirectional(cls(D, Hf, rng=seed), cls(D, Hb, rng=seed + 1)), cls


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_equals_backward_layer_run_by_hand(kind):
    rng = np.random.default_rng(0)
    bi, cls = make(kind, 3, 4, 2, seed=5)
    x = rng.standard_normal((6, 2, 3))
    y, (fin_f, fin_b) = bi.forward(x)
    # the same two layers, built again from the same seeds, run by hand
    f, b = cls(3, 4, rng=5), cls(3, 2, rng=6)
    out_f, ref_fin_f = f.forward(x)
    out_b, ref_fin_b = b.forward(x[::-1].copy())           # read x_T .. x_1
    np.testing.assert_array_equal(y[..., :4], out_f)
    np.testing.assert_array_equal(y[..., 4:], out_b[::-1])  # y[t] holds hb_t of step t
    for a, r in zip(np.atleast_1d(fin_b) if kind != "lstm" else fin_b,
                    np.atleast_1d(ref_fin_b) if kind != "lstm" else ref_fin_b):
        np.testing.assert_array_equal(a, r)
    # y[0] of the backward half has seen the whole sequence: it is the last step read
    np.testing.assert_array_equal(y[0, :, 4:], out_b[-1])
    # backward: the same as the hand-run layers' backward
    dy = rng.standard_normal(y.shape)
    dx, (ds_f, ds_b) = bi.backward(dy)
    dxf, _ = f.backward(dy[..., :4].copy())
    dxb, _ = b.backward(dy[::-1, :, 4:].copy())
    np.testing.assert_allclose(dx, dxf + dxb[::-1], rtol=1e-12, atol=1e-14)
    for k in f.params:
        np.testing.assert_allclose(bi.grads["fwd." + k], f.grads[k], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(bi.grads["bwd." + k], b.grads[k], rtol=1e-12, atol=1e-14)


def test_future_dependence():
    """Changing x_T changes y_1 through the backward half only."""
    rng = np.random.default_rng(1)
    bi, _ = make("rnn", 2, 3, 3, seed=0)
    x = rng.standard_normal((5, 1, 2))
    y1, _ = bi.forward(x)
    y1 = y1.copy()
    x2 = x.copy()
    x2[-1] += 1.0
    y2, _ = bi.forward(x2)
    np.testing.assert_array_equal(y1[0, :, :3], y2[0, :, :3])
    assert np.abs(y1[0, :, 3:] - y2[0, :, 3:]).max() > 1e-3


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("T,B", [(1, 1), (4, 2)])
def test_gradcheck(kind, T, B):
    rng = np.random.default_rng(T + B)
    bi, _ = make(kind, 3, 2, 3, seed=2)
    x = rng.standard_normal((T, B, 3))
    if kind == "lstm":
        state = ((rng.standard_normal((B, 2)), rng.standard_normal((B, 2))),
                 (rng.standard_normal((B, 3)), rng.standard_normal((B, 3))))
    else:
        state = (rng.standard_normal((B, 2)), rng.standard_normal((B, 3)))
    rep = gradcheck_report(bi, x, state)
    assert {k for k in rep if k.startswith(("fwd.", "bwd."))} == set(bi.params)
    assert max(rep.values()) < 1e-8
    assert gradcheck(bi, x) < 1e-8


def test_params_are_the_sublayers_arrays():
    bi, _ = make("lstm", 2, 3, 3, seed=0)
    assert bi.params["fwd.W_hh"] is bi.fwd.params["W_hh"]
    assert bi.hidden_size == 6 and bi.input_size == 2
    bi.params["bwd.b_h"][:] = 7.0
    assert (bi.bwd.params["b_h"] == 7.0).all()


def test_errors():
    with pytest.raises(ValueError, match="bwd: expected input_size 3"):
        Bidirectional(RNN(3, 2), RNN(4, 2))
    with pytest.raises(TypeError, match="bwd: expected dtype float64"):
        Bidirectional(RNN(3, 2), RNN(3, 2, dtype=np.float32))
    r = RNN(3, 2)
    with pytest.raises(ValueError, match="same object"):
        Bidirectional(r, r)
    with pytest.raises(TypeError, match="fwd: expected a recurrent layer"):
        Bidirectional(object(), RNN(3, 2))
    bi = Bidirectional(RNN(3, 2), RNN(3, 4))
    with pytest.raises(RuntimeError, match="forward first"):
        bi.backward(None)
    with pytest.raises(TypeError, match="state: expected None or a pair"):
        bi.forward(np.zeros((2, 1, 3)), np.zeros((1, 2)))
    bi.forward(np.zeros((2, 1, 3)))
    with pytest.raises(ValueError, match=r"d_outputs: expected shape \(2, 1, 6\), got \(2, 1, 2\)"):
        bi.backward(np.zeros((2, 1, 2)))


def test_bidirectional_of_jordan_layers_uses_their_output_width():
    """A JordanRNN outputs y (width K), not h (width H): the split must follow the outputs."""
    import rnnlib
    rng = np.random.default_rng(3)
    bi = rnnlib.Bidirectional(rnnlib.JordanRNN(3, 5, 2, rng=0), rnnlib.JordanRNN(3, 4, 3, rng=1))
    x = rng.normal(size=(4, 2, 3))
    y, _ = bi.forward(x)
    assert y.shape == (4, 2, 5)
    assert rnnlib.gradcheck(bi, x) < 1e-8


def test_output_size_is_the_output_width_for_jordan_sub_layers():
    from rnnlib import JordanRNN, SequenceModel, Stacked
    bi = Bidirectional(JordanRNN(3, 4, 2, rng=1), JordanRNN(3, 5, 3, rng=2))
    assert bi.output_size == 5 and bi.hidden_size == 9
    y, _ = bi.forward(np.random.default_rng(0).standard_normal((4, 2, 3)))
    assert y.shape[-1] == bi.output_size
    m = SequenceModel(bi, 2, rng=3)
    assert m.head.in_features == 5 and m.hidden_size == 5
    assert m.forward(np.zeros((4, 2, 3)))[0].shape == (4, 2, 2)
    st = Stacked([bi, RNN(5, 2, rng=4)])
    assert st.forward(np.zeros((4, 2, 3)))[0].shape == (4, 2, 2)
    plain = Bidirectional(LSTM(3, 4, rng=1), GRU(3, 2, rng=2))
    assert plain.output_size == plain.hidden_size == 6
    nested = Bidirectional(bi, Bidirectional(RNN(3, 1, rng=5), RNN(3, 2, rng=6)))
    assert nested.output_size == 8
