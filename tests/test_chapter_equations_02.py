"""The equations stated in chapter 2 (backpropagation through time), checked against rnnlib.

Each test names the equation label of chapters/02_bptt.ipynb that it checks.  The maths is
written here with explicit loops over time and column vectors, one sequence at a time, exactly
as in the chapter; the library works on batches.
"""
import numpy as np
import pytest

import rnnlib
from rnnlib.model import SequenceModel


def _setup(seed, D=3, H=5, K=4, T=6, B=3):
    rng = np.random.default_rng(seed)
    model = SequenceModel(rnnlib.RNN(D, H, rng=rng), K, rng=rng)
    p = model.params
    p["rnn.b_h"][:] = rng.normal(0, 0.1, H)
    p["head.b_y"][:] = rng.normal(0, 0.1, K)
    x = rng.normal(size=(T, B, D))
    d = rng.integers(0, K, size=(T, B))
    h0 = rng.normal(0, 0.5, size=(B, H))
    return model, x, d, h0


def _by_hand(model, x, d, h0):
    """Forward (bptt-eq-forward) and backward (bptt-eq-output-grad ... bptt-eq-weights), per sequence."""
    p = model.params
    W_xh, W_hh, b_h = p["rnn.W_xh"], p["rnn.W_hh"], p["rnn.b_h"]
    W_hy, b_y = p["head.W_hy"], p["head.b_y"]
    T, B, _ = x.shape
    H, K = W_hh.shape[0], W_hy.shape[0]
    grads = {name: np.zeros_like(v) for name, v in p.items()}
    dh_all = np.zeros((T, B, H))
    dh0_all = np.zeros((B, H))
    loss = 0.0
    for b in range(B):
        h = np.zeros((T + 1, H))
        h[0] = h0[b]
        prob = np.zeros((T + 1, K))
        for t in range(1, T + 1):
            h[t] = np.tanh(W_hh @ h[t - 1] + W_xh @ x[t - 1, b] + b_h)
            prob[t] = rnnlib.softmax(W_hy @ h[t] + b_y)
            loss -= np.log(prob[t, d[t - 1, b]])
        delta = np.zeros((T + 2, H))
        for t in range(T, 0, -1):
            dy = prob[t] - np.eye(K)[d[t - 1, b]]                # bptt-eq-output-grad
            if t < T:                                            # bptt-eq-recursion
                dh = W_hy.T @ dy + W_hh.T @ np.diag(1 - h[t + 1] ** 2) @ dh_all[t, b]
            else:
                dh = W_hy.T @ dy
            dh_all[t - 1, b] = dh
            delta[t] = (1 - h[t] ** 2) * dh                      # bptt-eq-delta
            grads["head.W_hy"] += np.outer(dy, h[t])                # bptt-eq-weights
            grads["head.b_y"] += dy
            grads["rnn.W_hh"] += np.outer(delta[t], h[t - 1])
            grads["rnn.W_xh"] += np.outer(delta[t], x[t - 1, b])
            grads["rnn.b_h"] += delta[t]
        dh0_all[b] = W_hh.T @ delta[1]
    return loss, grads, dh_all, dh0_all


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_output_gradient_is_p_minus_onehot(seed):
    """bptt-eq-output-grad: dL/dy_t = p_t - e_{d_t} for L = sum_t E^(t)."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(5, 3, 4))
    d = rng.integers(0, 4, size=(5, 3))
    _, dlogits = rnnlib.softmax_cross_entropy(logits, d, reduction="sum")
    expected = rnnlib.softmax(logits) - np.eye(4)[d]
    np.testing.assert_allclose(dlogits, expected, rtol=0, atol=1e-14)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recursion_delta_and_weight_sums_match_rnnlib(seed):
    """bptt-eq-recursion, bptt-eq-delta, bptt-eq-weights, dL/dh_0 = W_hh^T delta_1."""
    model, x, d, h0 = _setup(seed)
    loss, grads, dh, dh0 = _by_hand(model, x, d, h0)
    y, _ = model.forward(x, h0)
    loss_lib, dy = rnnlib.softmax_cross_entropy(y, d, reduction="sum")
    _, dh0_lib = model.backward(dy)
    assert abs(loss - loss_lib) < 1e-10
    np.testing.assert_allclose(dh, model.layer.cache["dh"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(dh0, dh0_lib, rtol=0, atol=1e-12)
    for name, g in grads.items():
        np.testing.assert_allclose(g, model.grads[name], rtol=0, atol=1e-12, err_msg=name)


def test_shared_weight_gradient_is_sum_over_copies():
    """bptt-eq-shared: dL/dW_hh = sum_t dL/dW_hh^(t), by finite differences only."""
    rng = np.random.default_rng(3)
    D, H, K, T = 2, 3, 2, 4
    W_xh, W_hh, W_hy = (rng.normal(0, 0.5, s) for s in ((H, D), (H, H), (K, H)))
    xs, ds = rng.normal(size=(T, D)), rng.integers(0, K, size=T)

    def loss(copies):
        h, total = np.zeros(H), 0.0
        for t in range(T):
            h = np.tanh(copies[t] @ h + W_xh @ xs[t])
            total -= rnnlib.log_softmax(W_hy @ h)[ds[t]]
        return total

    copies = [W_hh.copy() for _ in range(T)]
    per_copy = [rnnlib.numerical_gradient(lambda: loss(copies), c) for c in copies]
    tied = rnnlib.numerical_gradient(lambda: loss([W_hh] * T), W_hh)
    assert rnnlib.rel_error(sum(per_copy), tied) < 1e-8
    assert np.abs(per_copy[0]).max() < 1e-10          # W_hh^(1) multiplies h_0 = 0


def test_graves_unitwise_form_equals_vector_form():
    """bptt-eq-graves: delta_h^t = theta'(a_h^t) (sum_k delta_k^t w_hk + sum_h' delta_h'^{t+1} w_hh'),
    and the three weight gradients sum_t delta_h^t x_i^t, sum_t delta_h^t b_h'^{t-1}, sum_t delta_k^t b_h^t."""
    model, x, d, h0 = _setup(4, B=1)
    y, _ = model.forward(x, h0)
    _, dy = rnnlib.softmax_cross_entropy(y, d, reduction="sum")
    model.backward(dy)
    W_hh, W_hy = model.params["rnn.W_hh"], model.params["head.W_hy"]
    h = model.layer.cache["h"][:, 0]                   # h_0..h_T
    T, H, K = x.shape[0], W_hh.shape[0], W_hy.shape[0]
    w_hk, w_hh_ = W_hy.T, W_hh.T                       # Graves: (from, to)
    delta = np.zeros((T + 2, H))
    for t in range(T, 0, -1):
        for j in range(H):
            s = sum(dy[t - 1, 0, k] * w_hk[j, k] for k in range(K))
            s += sum(delta[t + 1, j2] * w_hh_[j, j2] for j2 in range(H))
            delta[t, j] = (1 - h[t, j] ** 2) * s
    ours = (1 - h[1:] ** 2) * model.layer.cache["dh"][:, 0]
    np.testing.assert_allclose(delta[1:T + 1], ours, rtol=0, atol=1e-12)
    steps = range(1, T + 1)
    # dL/dw_h'h = sum_t delta_h^t b_h'^{t-1}: the *previous* activation
    dw = np.array([[sum(delta[t, j] * h[t - 1, i] for t in steps) for j in range(H)]
                   for i in range(H)])                  # dL/dw_ij, i -> j
    np.testing.assert_allclose(dw.T, model.grads["rnn.W_hh"], rtol=0, atol=1e-12)
    # dL/dw_ih = sum_t delta_h^t x_i^t
    D = x.shape[2]
    dw_ih = np.array([[sum(delta[t, j] * x[t - 1, 0, i] for t in steps) for j in range(H)]
                      for i in range(D)])
    np.testing.assert_allclose(dw_ih.T, model.grads["rnn.W_xh"], rtol=0, atol=1e-12)
    # dL/dw_hk = sum_t delta_k^t b_h^t, with delta_k^t = dL/da_k^t (a_k^t = y_t's component k)
    dw_hk = np.array([[sum(dy[t - 1, 0, k] * h[t, j] for t in steps) for k in range(K)]
                      for j in range(H)])
    np.testing.assert_allclose(dw_hk.T, model.grads["head.W_hy"], rtol=0, atol=1e-12)


@pytest.mark.parametrize("T", [1, 10, 100])
def test_forward_keeps_T_B_D_plus_H_plus_B_H_floats(T):
    """bptt-cost: the forward pass keeps x (T, B, D) and h_0..h_T: T B (D + H) + B H numbers."""
    B, D, H = 4, 3, 5
    layer = rnnlib.RNN(D, H, rng=0)
    layer.forward(np.random.default_rng(0).normal(size=(T, B, D)))
    assert sum(a.size for a in layer.cache.values() if a is not None) == T * B * (D + H) + B * H
