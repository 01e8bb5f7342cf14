"""A character RNN in the style of Karpathy's min-char-rnn (batch 1, one step at a time).

Written for this course as the speed baseline of bench_charrnn.py: column
vectors, a dict of per-step values, a Python loop over time in both directions,
gradients clipped to [-5, 5] and Adagrad, as in the well-known single-file
NumPy program.  Same maths as rnnlib's RNN + Linear + softmax cross-entropy:

    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h),  y_t = W_hy h_t + b_y,  p_t = softmax(y_t)
"""
import numpy as np


def init(vocab_size, hidden_size, rng):
    return {"W_xh": rng.standard_normal((hidden_size, vocab_size)) * 0.01,
            "W_hh": rng.standard_normal((hidden_size, hidden_size)) * 0.01,
            "W_hy": rng.standard_normal((vocab_size, hidden_size)) * 0.01,
            "b_h": np.zeros((hidden_size, 1)), "b_y": np.zeros((vocab_size, 1))}


def loss_fun(p, inputs, targets, hprev):
    """Forward and backward over one sequence; returns loss, grads, last hidden state."""
    K = p["W_xh"].shape[1]
    xs, hs, ps = {}, {-1: np.copy(hprev)}, {}
    loss = 0.0
    for t in range(len(inputs)):
        xs[t] = np.zeros((K, 1))
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(p["W_xh"] @ xs[t] + p["W_hh"] @ hs[t - 1] + p["b_h"])
        y = p["W_hy"] @ hs[t] + p["b_y"]
        e = np.exp(y - np.max(y))
        ps[t] = e / np.sum(e)
        loss += -np.log(ps[t][targets[t], 0])
    g = {k: np.zeros_like(v) for k, v in p.items()}
    dh_next = np.zeros_like(hs[0])
    for t in reversed(range(len(inputs))):
        dy = np.copy(ps[t])
        dy[targets[t]] -= 1
        g["W_hy"] += dy @ hs[t].T
        g["b_y"] += dy
        dh = p["W_hy"].T @ dy + dh_next
        da = (1 - hs[t] * hs[t]) * dh
        g["b_h"] += da
        g["W_xh"] += da @ xs[t].T
        g["W_hh"] += da @ hs[t - 1].T
        dh_next = p["W_hh"].T @ da
    for v in g.values():
        np.clip(v, -5, 5, out=v)
    return loss, g, hs[len(inputs) - 1]


def train(ids, vocab_size, iterations, *, hidden_size=100, seq_length=25, lr=0.1, seed=0):
    """Train on the int array ``ids`` (sequential chunks, hidden state carried, as min-char-rnn).

    Returns the per-iteration losses (mean nats per character).
    """
    rng = np.random.default_rng(seed)
    p = init(vocab_size, hidden_size, rng)
    mem = {k: np.zeros_like(v) for k, v in p.items()}
    hprev = np.zeros((hidden_size, 1))
    pos = 0
    losses = []
    for _ in range(iterations):
        if pos + seq_length + 1 >= len(ids):
            hprev = np.zeros((hidden_size, 1))
            pos = 0
        inputs = ids[pos:pos + seq_length]
        targets = ids[pos + 1:pos + seq_length + 1]
        loss, g, hprev = loss_fun(p, inputs, targets, hprev)
        for k in p:                                   # Adagrad
            mem[k] += g[k] * g[k]
            p[k] -= lr * g[k] / np.sqrt(mem[k] + 1e-8)
        losses.append(loss / seq_length)
        pos += seq_length
    return np.array(losses)
