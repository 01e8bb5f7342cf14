"""The equations stated in chapter 5 (bidirectional networks), checked against rnnlib.

Each test names the equation label of chapters/05_bidirectional.ipynb that it checks.
Derivatives are checked against centred finite differences, so that the library is not only
compared with itself.
"""
import numpy as np
import pytest

import rnnlib
from rnnlib import LSTM, RNN, Bidirectional, SequenceModel, Stacked
from rnnlib.bidirectional import reverse_within_lengths
from rnnlib.gradcheck import numerical_gradient, rel_error


def _assert_matches_differences(loss, layer, x, dx):
    """Every gradient in ``layer.grads`` and ``dx`` equal centred finite differences of loss()."""
    grads = {k: v.copy() for k, v in layer.grads.items()}
    for name, p in layer.params.items():
        assert rel_error(grads[name], numerical_gradient(loss, p)) < 1e-8, name
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-8


def _explicit_states(params, x, direction, lengths=None):
    """h_t of one direction by the explicit loop of bi-eq-forward / bi-eq-backward(-lengths)."""
    T, B, _ = x.shape
    H = params["W_hh"].shape[0]
    h = np.zeros((T, B, H))
    ends = np.full(B, T) if lengths is None else lengths
    for b in range(B):
        prev = np.zeros(H)
        steps = range(ends[b]) if direction == "fwd" else range(ends[b] - 1, -1, -1)
        for t in steps:
            prev = np.tanh(params["W_hh"] @ prev + params["W_xh"] @ x[t, b] + params["b_h"])
            h[t, b] = prev
    return h


def _birnn(D, H, seed):
    g = np.random.default_rng(seed)
    layer = Bidirectional(RNN(D, H, rng=g), RNN(D, H, rng=g))
    for p in layer.params.values():
        p += 0.3 * g.normal(size=p.shape)            # nonzero biases
    return layer


def test_forward_and_backward_layers_and_output():
    """bi-eq-forward, bi-eq-backward, bi-eq-output: explicit loops equal SequenceModel."""
    rng = np.random.default_rng(0)
    D, H, K, T, B = 3, 5, 4, 7, 2
    model = SequenceModel(_birnn(D, H, 1), K, rng=rng)
    x = rng.normal(size=(T, B, D))
    y, (hf_T, hb_1) = model.forward(x)
    hf = _explicit_states(model.layer.fwd.params, x, "fwd")
    hb = _explicit_states(model.layer.bwd.params, x, "bwd")
    W = model.params["head.W_hy"]
    y_ours = hf @ W[:, :H].T + hb @ W[:, H:].T + model.params["head.b_y"]
    np.testing.assert_allclose(y, y_ours, rtol=0, atol=1e-12)
    np.testing.assert_allclose(hf_T, hf[-1], rtol=0, atol=1e-12)
    np.testing.assert_allclose(hb_1, hb[0], rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_parameter_count(cell):
    """bi-eq-params: P = 2(HD + H^2 + H) + 2HK + K (times 4 gates for the LSTM's layers)."""
    D, H, K = 5, 7, 3
    make = RNN if cell == "rnn" else LSTM
    gates = 1 if cell == "rnn" else 4
    model = SequenceModel(Bidirectional(make(D, H, rng=0), make(D, H, rng=1)), K, rng=2)
    P = sum(p.size for p in model.params.values())
    assert P == 2 * gates * (H * D + H * H + H) + 2 * H * K + K


def test_gradients_of_the_two_layers_against_finite_differences():
    """bi-eq-grads, bi-eq-dx: every weight and dL/dx_t against centred differences."""
    rng = np.random.default_rng(2)
    D, H, K, T, B = 3, 4, 3, 6, 2
    model = SequenceModel(_birnn(D, H, 3), K, rng=rng)
    x = rng.normal(size=(T, B, D))
    d = rng.integers(0, K, size=(T, B))

    def loss():
        return rnnlib.softmax_cross_entropy(model.forward(x)[0], d, reduction="sum")[0]

    y, _ = model.forward(x)
    _, dy = rnnlib.softmax_cross_entropy(y, d, reduction="sum")
    dx, _ = model.backward(dy)
    _assert_matches_differences(loss, model, x, dx)


def test_gradient_splits_into_two_independent_bptts():
    """bi-eq-grads: the backward layer's gradient is an RNN's BPTT on the reversed sequence."""
    rng = np.random.default_rng(4)
    D, H, T, B = 3, 4, 6, 2
    layer = _birnn(D, H, 5)
    x = rng.normal(size=(T, B, D))
    d_out = rng.normal(size=(T, B, 2 * H))
    layer.forward(x)
    dx, _ = layer.backward(d_out)
    solo = RNN(D, H, rng=0)
    for k in solo.params:
        solo.params[k][...] = layer.bwd.params[k]
    solo.forward(np.ascontiguousarray(x[::-1]))
    dx_b, _ = solo.backward(np.ascontiguousarray(d_out[::-1, :, H:]))
    for k in solo.params:
        np.testing.assert_allclose(layer.grads["bwd." + k], solo.grads[k], rtol=0, atol=1e-12)
    solo_f = RNN(D, H, rng=0)
    for k in solo_f.params:
        solo_f.params[k][...] = layer.fwd.params[k]
    solo_f.forward(x)
    dx_f, _ = solo_f.backward(np.ascontiguousarray(d_out[..., :H]))
    np.testing.assert_allclose(dx, dx_f + dx_b[::-1], rtol=0, atol=1e-12)   # bi-eq-dx


def test_backward_layer_starts_at_each_sequences_last_valid_step():
    """bi-eq-lengths: hb_t for t = T_b..1 with hb_{T_b+1} = 0, independent of the padding."""
    rng = np.random.default_rng(6)
    D, H, T = 3, 4, 8
    lengths = np.array([8, 5, 1])
    layer = _birnn(D, H, 7)
    x = rng.normal(size=(T, 3, D)) * (np.arange(T)[:, None] < lengths)[..., None]
    out, (_, hb_1) = layer.forward(x, lengths=lengths)
    hb = _explicit_states(layer.bwd.params, x, "bwd", lengths)
    valid = (np.arange(T)[:, None] < lengths)[..., None]
    np.testing.assert_allclose(out[..., H:], np.where(valid, hb, 0.0), rtol=0, atol=1e-12)
    np.testing.assert_allclose(hb_1, hb[0], rtol=0, atol=1e-12)
    idx = reverse_within_lengths(T, lengths)
    assert idx[:5, 1].tolist() == [4, 3, 2, 1, 0] and idx[5:, 1].tolist() == [5, 6, 7]
    assert np.array_equal(idx[idx, np.arange(3)], np.broadcast_to(np.arange(T)[:, None], (T, 3)))


def test_gradient_with_lengths_against_finite_differences():
    """bi-eq-lengths with bi-eq-grads: the padded backward pass against centred differences."""
    rng = np.random.default_rng(8)
    D, H, T = 3, 4, 6
    lengths = np.array([6, 3, 1])
    layer = _birnn(D, H, 9)
    x = rng.normal(size=(T, 3, D))
    R = rng.normal(size=(T, 3, 2 * H))

    def loss():
        return float(np.sum(R * layer.forward(x, lengths=lengths)[0]))

    layer.forward(x, lengths=lengths)
    dx, _ = layer.backward(R)
    _assert_matches_differences(loss, layer, x, dx)


def test_deep_bidirectional_stack():
    """bi-eq-deep: layer 2 reads [hf^(1)_t; hb^(1)_t]; the stack's gradient against differences."""
    rng = np.random.default_rng(10)
    D, H, T, B = 3, 4, 5, 2
    l1, l2 = _birnn(D, H, 11), _birnn(2 * H, H, 12)
    deep = Stacked([l1, l2])
    x = rng.normal(size=(T, B, D))
    out, _ = deep.forward(x)
    h1, _ = l1.forward(x)
    h2, _ = l2.forward(h1)
    np.testing.assert_allclose(out, h2, rtol=0, atol=1e-12)
    assert not deep.causal and out.shape == (T, B, 2 * H)
    assert rnnlib.gradcheck(deep, x) < 1e-8
