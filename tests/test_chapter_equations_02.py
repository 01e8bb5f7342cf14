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


def _untied_loss(p, xs, ds, h0, W_hh_copies, W_xh_copies, steps):
    """sum of E^(t) over ``steps`` (1-based) for one sequence; step t uses copy t of W_hh, W_xh."""
    h, total = h0, 0.0
    for t in range(1, len(xs) + 1):
        h = np.tanh(W_hh_copies[t - 1] @ h + W_xh_copies[t - 1] @ xs[t - 1] + p["rnn.b_h"])
        if t in steps:
            total -= rnnlib.log_softmax(p["head.W_hy"] @ h + p["head.b_y"])[ds[t - 1]]
    return total


@pytest.mark.parametrize("seed", [0, 1])
def test_weight_gradient_of_each_copy_is_output_path_plus_forward_path(seed):
    """bptt-eq-weight-paths: dL/dW^(t) = dE^(t)/dW^(t) (out(t)) + dL_{>t}/dW^(t) (for(t+1)),
    for W_hh and W_xh, by finite differences on the untied network; the two terms are what
    rnnlib.reference.rnn_step_backward returns with d_state = 0 and with d_out = 0."""
    model, x, d, h0 = _setup(seed, B=1)
    p = model.params
    W_hh, W_xh, W_hy = p["rnn.W_hh"], p["rnn.W_xh"], p["head.W_hy"]
    xs, ds, h0 = x[:, 0], d[:, 0], h0[0]
    T, K = len(xs), W_hy.shape[0]
    layer_params = model.layer.params
    y, _ = model.forward(x, h0[None])
    _, dy = rnnlib.softmax_cross_entropy(y, d, reduction="sum")
    model.backward(dy)
    delta = np.zeros((T + 2, W_hh.shape[0]))             # delta[t] = dL/da_t, delta[T+1] = 0
    delta[1:T + 1] = (1 - model.layer.cache["h"][1:, 0] ** 2) * model.layer.cache["dh"][:, 0]
    _, _, caches = rnnlib.reference.run_forward(rnnlib.reference.RNN_CELL, layer_params, x,
                                                h0[None])
    assert np.allclose(caches.outputs[:, 0], model.layer.cache["h"][1:, 0], rtol=0, atol=1e-13)
    for t in range(1, T + 1):
        Whh_c, Wxh_c = [W_hh.copy() for _ in range(T)], [W_xh.copy() for _ in range(T)]

        def fd(steps, copies, t=t, Whh_c=Whh_c, Wxh_c=Wxh_c):
            return rnnlib.numerical_gradient(
                lambda: _untied_loss(p, xs, ds, h0, Whh_c, Wxh_c, steps), copies[t - 1])

        d_out = (dy[t - 1] @ W_hy)                         # W_hy^T dL/dy_t, (1, H)
        d_state = delta[t + 1][None] @ W_hh                # W_hh^T delta_{t+1}, (1, H)
        zero = np.zeros_like(d_out)
        _, _, out_t = rnnlib.reference.rnn_step_backward(layer_params, d_out, zero,
                                                         caches.steps[t - 1])
        _, _, for_t = rnnlib.reference.rnn_step_backward(layer_params, zero, d_state,
                                                         caches.steps[t - 1])
        later, earlier = set(range(t + 1, T + 1)), set(range(1, t))
        for copies, name in ((Whh_c, "W_hh"), (Wxh_c, "W_xh")):
            out_fd, for_fd = fd({t}, copies), fd(later, copies)
            assert rel_error_ok(out_t[name], out_fd), (t, name, "out(t)")
            if later:
                assert rel_error_ok(for_t[name], for_fd), (t, name, "for(t+1)")
            else:                                          # t = T: nothing is passed forward
                assert np.abs(for_t[name]).max() == 0 and np.abs(for_fd).max() < 1e-9
            if earlier:                                    # copy t does not reach E^(s), s < t
                assert np.abs(fd(earlier, copies)).max() < 1e-9
    # summed over t, the two paths give bptt-eq-weights (checked against RNN.backward)
    total = sum(rnnlib.reference.rnn_step_backward(
        layer_params, dy[t - 1] @ W_hy, delta[t + 1][None] @ W_hh, caches.steps[t - 1])[2]["W_hh"]
        for t in range(1, T + 1))
    np.testing.assert_allclose(total, model.grads["rnn.W_hh"], rtol=0, atol=1e-12)


def rel_error_ok(analytic, numeric):
    return rnnlib.rel_error(analytic, numeric) < 1e-7 and np.abs(numeric).max() > 1e-6


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_uvw_form_equals_rnnlib(seed):
    """bptt-eq-uvw: the recursion and the gradients of W, U, V, b, c in Goodfellow et al.'s
    notation (U = W_xh, W = W_hh, V = W_hy), written with their names, equal rnnlib's."""
    model, x, d, h0 = _setup(seed, B=1)
    p = model.params
    U, W, V = p["rnn.W_xh"], p["rnn.W_hh"], p["head.W_hy"]
    b, c = p["rnn.b_h"], p["head.b_y"]
    xs, ds = x[:, 0], d[:, 0]
    T, H, K = len(xs), W.shape[0], V.shape[0]
    h = np.zeros((T + 1, H))
    h[0] = h0[0]
    dL_do = np.zeros((T + 1, K))
    for t in range(1, T + 1):
        h[t] = np.tanh(b + W @ h[t - 1] + U @ xs[t - 1])          # a_t = b + W h_{t-1} + U x_t
        o_t = c + V @ h[t]                                         # o_t = c + V h_t
        dL_do[t] = rnnlib.softmax(o_t) - np.eye(K)[ds[t - 1]]
    delta = np.zeros((T + 2, H))
    g = {"W": 0, "U": 0, "V": 0, "b": 0, "c": 0}
    for t in range(T, 0, -1):
        D_t = np.diag(1 - h[t] ** 2)
        out_t = D_t @ V.T @ dL_do[t]                               # the path through o_t
        for_t = D_t @ W.T @ delta[t + 1]                           # the path through h_{t+1}
        dL_dh = V.T @ dL_do[t] + W.T @ delta[t + 1]
        delta[t] = D_t @ dL_dh
        np.testing.assert_allclose(delta[t], out_t + for_t, rtol=0, atol=1e-14)
        g["W"] = g["W"] + np.outer(out_t + for_t, h[t - 1])
        g["U"] = g["U"] + np.outer(out_t + for_t, xs[t - 1])
        g["V"] = g["V"] + np.outer(dL_do[t], h[t])
        g["b"] = g["b"] + delta[t]
        g["c"] = g["c"] + dL_do[t]
    y, _ = model.forward(x, h0)
    _, dy = rnnlib.softmax_cross_entropy(y, d, reduction="sum")
    model.backward(dy)
    names = {"W": "rnn.W_hh", "U": "rnn.W_xh", "V": "head.W_hy", "b": "rnn.b_h", "c": "head.b_y"}
    for ours, theirs in names.items():
        np.testing.assert_allclose(g[ours], model.grads[theirs], rtol=0, atol=1e-12, err_msg=ours)
