"""The equations stated in chapter 1 (chapters/01_recurrent_networks.ipynb), checked against rnnlib.

Each test names the equation label it checks.  The layers have their own, more thorough
tests; these pin the chapter's statements (column-vector form, sums over time, the Jordan
network as a low-rank Elman network, stacking) to the library's code.
"""
import numpy as np
import pytest

from rnnlib import (RNN, JordanRNN, OutputLayer, Stacked, SequenceModel, sequence_error,
                    softmax_cross_entropy, log_softmax, clip_grad_norm, global_norm, tasks)


@pytest.fixture
def rng():
    return np.random.default_rng(1)


def test_rnn_eq_recurrence_and_output_column_vectors(rng):
    """rnn-eq-recurrence, rnn-eq-output: one column-vector step at a time, per sequence."""
    T, B, D, H, K = 6, 3, 4, 5, 2
    layer, head = RNN(D, H, rng=rng), OutputLayer(H, K, rng=rng)
    W_xh, W_hh, b_h = (layer.params[k] for k in ("W_xh", "W_hh", "b_h"))
    W_hy, b_y = head.params["W_hy"], head.params["b_y"]
    x = rng.normal(size=(T, B, D))
    h0 = rng.normal(size=(B, H))
    h_lib, h_T = layer.forward(x, h0)
    y_lib = head.forward(h_lib)
    for b in range(B):
        h = h0[b]
        for t in range(T):
            h = np.tanh(W_hh @ h + W_xh @ x[t, b] + b_h)
            np.testing.assert_allclose(h_lib[t, b], h, rtol=0, atol=1e-13)
            np.testing.assert_allclose(y_lib[t, b], W_hy @ h + b_y, rtol=0, atol=1e-13)
        np.testing.assert_allclose(h_T[b], h, rtol=0, atol=1e-13)


def test_rnn_eq_general_same_function_at_every_step(rng):
    """rnn-eq-general: running T steps = applying one step function T times (any split)."""
    layer = RNN(3, 4, rng=rng)
    x = rng.normal(size=(7, 2, 3))
    h_all, h_T = layer.forward(x)
    state = None
    for t in range(7):
        h_t, state = layer.forward(x[t:t + 1], state)
        np.testing.assert_allclose(h_t[0], h_all[t], rtol=0, atol=1e-14)
    np.testing.assert_allclose(state, h_T, rtol=0, atol=1e-14)


def test_rnn_eq_sequence_error_and_total_error(rng):
    """rnn-eq-sequence-error E_s = sum_t E^(t); rnn-eq-total-error E = sum_s E_s (masked steps add 0)."""
    T, B, K = 5, 4, 3
    y = rng.normal(size=(T, B, K))
    d = rng.integers(0, K, size=(T, B))
    mask = rng.random((T, B)) < 0.7
    mask[0] = True
    E_t = -np.take_along_axis(log_softmax(y), d[..., None], axis=-1)[..., 0] * mask
    E_s = sequence_error(y, d, mask)
    np.testing.assert_allclose(E_s, E_t.sum(axis=0), rtol=1e-12)
    total, _ = softmax_cross_entropy(y, d, mask=mask, reduction="sum")
    assert total == pytest.approx(E_s.sum(), rel=1e-12)
    mean, _ = softmax_cross_entropy(y, d, mask=mask)
    assert mean == pytest.approx(E_s.sum() / mask.sum(), rel=1e-12)
    # final-step target: E_s = E^(T)
    last = np.zeros((T, B), bool)
    last[-1] = True
    expected = -np.take_along_axis(log_softmax(y[-1]), d[-1][:, None], axis=-1)[:, 0]
    np.testing.assert_allclose(sequence_error(y, d, last), expected, rtol=1e-12)


def test_rnn_eq_jordan_column_vectors(rng):
    """rnn-eq-jordan: h_t = tanh(W_yh y_{t-1} + W_xh x_t + b_h), y_t = W_hy h_t + b_y, y_0 = 0."""
    T, B, D, H, K = 6, 2, 3, 5, 2
    net = JordanRNN(D, H, K, rng=rng)
    p = net.params
    x = rng.normal(size=(T, B, D))
    y_lib, _ = net.forward(x)
    for b in range(B):
        y = np.zeros(K)
        for t in range(T):
            h = np.tanh(p["W_yh"] @ y + p["W_xh"] @ x[t, b] + p["b_h"])
            y = p["W_hy"] @ h + p["b_y"]
            np.testing.assert_allclose(y_lib[t, b], y, rtol=0, atol=1e-13)


def test_jordan_is_elman_with_low_rank_recurrent_matrix(rng):
    """Chapter 1, rnn-jordan: W_hh = W_yh W_hy (rank <= K), b_h' = b_h + W_yh b_y, y_0 = b_y."""
    D, H, K, T, B = 2, 6, 2, 8, 3
    jordan = JordanRNN(D, H, K, rng=rng)
    p = jordan.params
    elman = RNN(D, H, W_hh_init=p["W_yh"] @ p["W_hy"], rng=rng)
    elman.params["W_xh"][...] = p["W_xh"]
    elman.params["b_h"][...] = p["b_h"] + p["W_yh"] @ p["b_y"]
    x = rng.normal(size=(T, B, D))
    y_j, _ = jordan.forward(x, np.tile(p["b_y"], (B, 1)))
    h_e, _ = elman.forward(x)
    np.testing.assert_allclose(y_j, h_e @ p["W_hy"].T + p["b_y"], rtol=0, atol=1e-13)
    assert np.linalg.matrix_rank(elman.params["W_hh"]) <= K


def test_rnn_eq_stacked(rng):
    """rnn-eq-stacked: layer l reads layer l-1's states at the same step; h^(0) = x."""
    T, B, D, H1, H2 = 5, 2, 3, 4, 6
    l1, l2 = RNN(D, H1, rng=rng), RNN(H1, H2, rng=rng)
    deep = Stacked([l1, l2])
    x = rng.normal(size=(T, B, D))
    h_top, finals = deep.forward(x)
    h1 = np.zeros((B, H1))
    h2 = np.zeros((B, H2))
    for t in range(T):
        h1 = np.tanh(h1 @ l1.params["W_hh"].T + x[t] @ l1.params["W_xh"].T + l1.params["b_h"])
        h2 = np.tanh(h2 @ l2.params["W_hh"].T + h1 @ l2.params["W_xh"].T + l2.params["b_h"])
        np.testing.assert_allclose(h_top[t], h2, rtol=0, atol=1e-13)
    np.testing.assert_allclose(finals[0], h1, rtol=0, atol=1e-13)
    # and a SequenceModel on top is y_t = W_hy h^(L)_t + b_y
    model = SequenceModel(Stacked([l1, l2]), 3, rng=rng)
    y, _ = model.forward(x)
    np.testing.assert_allclose(y, h_top @ model.head.params["W_hy"].T + model.head.params["b_y"],
                               rtol=0, atol=1e-13)


def test_clip_norm_rescales_the_whole_gradient_to_length_one(rng):
    """rnn-why (clip_norm=1.0): if ||g|| > 1 then g <- g / ||g||, with g all gradients as one
    vector; a gradient with ||g|| <= 1 is left alone."""
    grads = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=4)}
    g = np.concatenate([v.ravel() for v in grads.values()])
    assert np.linalg.norm(g) > 1
    before = clip_grad_norm(grads, 1.0)
    assert before == pytest.approx(np.linalg.norm(g), rel=1e-12)
    clipped = np.concatenate([v.ravel() for v in grads.values()])
    np.testing.assert_allclose(clipped, g / np.linalg.norm(g), rtol=1e-12)
    assert global_norm(grads) == pytest.approx(1.0, rel=1e-12)
    small = {"W": np.full((2, 2), 0.1)}
    clip_grad_norm(small, 1.0)
    np.testing.assert_array_equal(small["W"], np.full((2, 2), 0.1))


@pytest.mark.parametrize("shift", [-3, -1, 2])
def test_future_tagging_is_d_t_equals_x_t_plus_shift(rng, shift):
    """rnn-memory: d_t = x_{t + shift}, masked where t + shift falls outside the sequence
    (shift = -3: the echo task; shift = -1 with 2 symbols: echo-by-one, x[..., 1:] the bit)."""
    T, B, n = 12, 5, 4 if shift != -1 else 2
    x, d, mask = tasks.future_tagging(T, B, shift, n, rng)
    symbols = x.argmax(axis=-1)
    for t in range(T):
        inside = 0 <= t + shift < T
        assert mask[t].all() == inside and mask[t].any() == inside
        if inside:
            np.testing.assert_array_equal(d[t], symbols[t + shift])
    if n == 2:
        np.testing.assert_array_equal(x[..., 1:][..., 0], symbols)     # the bit itself
