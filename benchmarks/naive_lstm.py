"""A straightforward per-step NumPy LSTM: the reference that bench_lstm.py times rnnlib against.

This is how an LSTM is usually first written (e.g. CS231n assignment 3): each
step computes its own input projection, keeps a cache tuple, and backward
accumulates the weight gradients step by step.  Same parameter layout as
``rnnlib.LSTM`` (gates i, f, g, o; ``W_xh (4H, D)``, ``W_hh (4H, H)``, ``b_h (4H,)``).
"""
import numpy as np


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def lstm_forward(x, h0, c0, W_xh, W_hh, b_h):
    """x (T, B, D) -> hs (T, B, H), caches."""
    H = h0.shape[1]
    h, c = h0, c0
    hs, caches = [], []
    for t in range(x.shape[0]):
        a = x[t] @ W_xh.T + h @ W_hh.T + b_h
        i = sigmoid(a[:, :H])
        f = sigmoid(a[:, H:2 * H])
        g = np.tanh(a[:, 2 * H:3 * H])
        o = sigmoid(a[:, 3 * H:])
        c_new = f * c + i * g
        tc = np.tanh(c_new)
        h_new = o * tc
        caches.append((x[t], h, c, i, f, g, o, tc))
        h, c = h_new, c_new
        hs.append(h)
    return np.stack(hs), caches


def lstm_backward(dhs, caches, W_xh, W_hh):
    """dhs (T, B, H) -> dx, dh0, dc0, dW_xh, dW_hh, db_h."""
    dW_xh, dW_hh = np.zeros_like(W_xh), np.zeros_like(W_hh)
    db = np.zeros(W_xh.shape[0], dtype=W_xh.dtype)
    T = len(caches)
    dx = np.empty((T,) + caches[0][0].shape, dtype=W_xh.dtype)
    dh_next = np.zeros_like(dhs[0])
    dc_next = np.zeros_like(dhs[0])
    for t in reversed(range(T)):
        x_t, h_prev, c_prev, i, f, g, o, tc = caches[t]
        dh = dhs[t] + dh_next
        dc = dc_next + dh * o * (1 - tc ** 2)
        da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f),
                             dc * i * (1 - g ** 2), dh * tc * o * (1 - o)], axis=1)
        dW_xh += da.T @ x_t
        dW_hh += da.T @ h_prev
        db += da.sum(axis=0)
        dx[t] = da @ W_xh
        dh_next = da @ W_hh
        dc_next = dc * f
    return dx, dh_next, dc_next, dW_xh, dW_hh, db
