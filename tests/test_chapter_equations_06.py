"""The equations stated in chapter 6 (a character-level language model), checked against rnnlib.

Each test names the equation label of chapters/06_char_lm.ipynb that it checks. The library is
compared with the reference cells, with direct counting, with NumPy's own statistics and with
centred finite differences, so that it is not only compared with itself.
"""
import math
from collections import Counter

import numpy as np
import pytest

import rnnlib
from rnnlib import lm
from rnnlib import reference as ref
from rnnlib.gradcheck import numerical_gradient, rel_error


def _stack(K=6, H=5, seed=0):
    rng = np.random.default_rng(seed)
    layer = rnnlib.Stacked([rnnlib.LSTM(K, H, rng=rng), rnnlib.LSTM(H, H, rng=rng)])
    return rnnlib.SequenceModel(layer, K, rng=rng)


def test_model_is_two_reference_lstms_and_a_softmax_head():
    """lm-eq-model: x_t = onehot(c_t), h^(1) = LSTM(x), h^(2) = LSTM(h^(1)), p_t = softmax(W_hy h^(2)_t + b_y)."""
    K = 6
    model = _stack(K)
    ids = np.random.default_rng(1).integers(0, K, (9, 3))
    x = np.eye(K)[ids]
    y, _ = model.forward(x)
    h1, _, _ = ref.run_forward(ref.LSTM_CELL, model.layer.layers[0].params, x)
    h2, _, _ = ref.run_forward(ref.LSTM_CELL, model.layer.layers[1].params, h1)
    p = model.params
    y_ref = h2 @ p["head.W_hy"].T + p["head.b_y"]
    assert rel_error(y, y_ref) < 1e-12
    assert np.allclose(rnnlib.softmax(y).sum(-1), 1.0)


def test_one_hot_input_product_picks_a_column():
    """lm-eq-embedding: the first layer's W_xh onehot(c) is column c of W_xh, an embedding lookup.

    From the zero state an LSTM's first step depends on x only through W_xh x + b_h, so the
    model's first-step output on one-hot input is computed here from the column W_xh[:, c].
    """
    K, H = 6, 4
    model = _stack(K, H)
    ids = np.random.default_rng(2).integers(0, K, (1, 7))        # one step, 7 sequences
    y, _ = model.forward(np.eye(K)[ids])
    first = model.layer.layers[0].params
    a = first["W_xh"][:, ids[0]].T + first["b_h"]                # column lookup, (7, 4H)
    sig = lambda v: 1 / (1 + np.exp(-v))
    c1 = sig(a[:, :H]) * np.tanh(a[:, 2 * H:3 * H])              # i * g (c0 = 0)
    h1 = sig(a[:, 3 * H:]) * np.tanh(c1)
    h2, _, _ = ref.run_forward(ref.LSTM_CELL, model.layer.layers[1].params, h1[None])
    p = model.params
    y_ref = h2[0] @ p["head.W_hy"].T + p["head.b_y"]
    assert rel_error(y[0], y_ref) < 1e-12


def test_loss_is_mean_negative_log_probability_and_bits_are_nats_over_ln2():
    """lm-eq-loss: L = -(1/N) sum log p(c_{t+1} | c_1..c_t); bits = L / ln 2; dL/dy = (p - onehot)/N."""
    K = 6
    model = _stack(K)
    ids = np.random.default_rng(3).integers(0, K, 25)
    y, _ = model.forward(np.eye(K)[ids[:-1, None]])
    p = rnnlib.softmax(y[:, 0])
    direct = -np.mean(np.log(p[np.arange(24), ids[1:]]))
    assert lm.char_nll(model, ids).mean() == pytest.approx(direct, rel=1e-12)
    assert rnnlib.bits_per_char(direct) == pytest.approx(direct / math.log(2))
    z = np.random.default_rng(4).normal(size=(4, 1, K))
    t = np.array([[1], [0], [5], [2]])
    loss, dz = rnnlib.softmax_cross_entropy(z, t)
    num = numerical_gradient(lambda: rnnlib.softmax_cross_entropy(z, t)[0], z)
    assert rel_error(dz, num) < 1e-7


def test_uniform_baseline_is_log_K():
    """lm-eq-loss (the uniform baseline, log K): a uniform guess over K symbols loses log K nats, log2 K bits."""
    ids = np.random.default_rng(5).integers(0, 65, 300)
    nll = lm.ngram_nll(lm.ngram_probs(ids, 65, 0), ids)
    assert nll == pytest.approx(math.log(65))
    assert rnnlib.bits_per_char(nll) == pytest.approx(math.log2(65))


def test_unigram_and_bigram_are_smoothed_counts():
    """lm-eq-unigram, lm-eq-bigram: (n(c) + alpha)/(N + alpha K), (n(bc) + alpha)/(n(b.) + alpha K)."""
    K, alpha = 5, 0.5
    train = np.random.default_rng(6).integers(0, K, 400)
    valid = np.random.default_rng(7).integers(0, K, 100)
    n1 = Counter(train.tolist())
    p1 = lm.ngram_probs(train, K, 1, alpha=alpha)
    for c in range(K):
        assert p1[c] == pytest.approx((n1[c] + alpha) / (train.size + alpha * K))
    n2 = Counter(zip(train[:-1].tolist(), train[1:].tolist()))
    p2 = lm.ngram_probs(train, K, 2, alpha=alpha)
    for b in range(K):
        n_b = sum(n2[b, c] for c in range(K))
        for c in range(K):
            assert p2[b, c] == pytest.approx((n2[b, c] + alpha) / (n_b + alpha * K))
    direct = -np.mean([math.log(p2[b, c]) for b, c in zip(valid[:-1], valid[1:])])
    assert lm.ngram_nll(p2, valid) == pytest.approx(direct)
    direct1 = -np.mean([math.log(p1[c]) for c in valid[1:]])
    assert lm.ngram_nll(p1, valid) == pytest.approx(direct1)


def test_counts_are_the_maximum_likelihood_bigram():
    """lm-eq-bigram: with alpha -> 0 the counts minimise the training loss (any change raises it)."""
    K = 4
    train = np.random.default_rng(8).integers(0, K, 300)
    p2 = lm.ngram_probs(train, K, 2, alpha=1e-9)
    best = lm.ngram_nll(p2, train)
    rng = np.random.default_rng(9)
    for _ in range(5):
        q = p2 * np.exp(0.05 * rng.normal(size=p2.shape))
        q /= q.sum(axis=1, keepdims=True)
        assert lm.ngram_nll(q, train) > best


def test_temperature_softmax_and_what_generate_samples():
    """lm-eq-temperature: p(tau) = softmax(y / tau); generate(..., temperature=tau) draws from it."""
    y = np.array([2.0, 1.0, 0.0, -1.0])
    for tau in (0.5, 1.0, 1.5):
        e = np.exp(y / tau)
        assert np.allclose(lm.temperature_softmax(y, tau), e / e.sum())
    assert lm.temperature_softmax(y, 1e-3)[0] == pytest.approx(1.0)      # tau -> 0: argmax
    K = 4
    model = rnnlib.SequenceModel(rnnlib.RNN(K, 3, rng=0), K, rng=0)
    model.head.params["W_hy"][...] = 0.0
    model.head.params["b_y"][...] = y                 # every output is y, whatever the state
    for tau in (0.5, 1.5):
        x0 = np.tile(np.eye(K)[0], (4000, 1))          # 4000 samples of the first step
        k = rnnlib.generate(model, x0, 1, temperature=tau, rng=np.random.default_rng(10))[0]
        freq = np.bincount(k.astype(np.intp), minlength=K) / k.size
        p = lm.temperature_softmax(y, tau)
        assert np.all(np.abs(freq - p) < 4 * np.sqrt(p * (1 - p) / k.size) + 1e-3)


def test_entropy_in_bits_and_its_limits():
    """lm-eq-entropy: H = -sum p log2 p; 0 for a point mass, log2 K for uniform, rising with tau."""
    p = np.array([0.5, 0.25, 0.125, 0.125])
    assert lm.entropy_bits(p) == pytest.approx(1.75)
    assert lm.entropy_bits(np.full(65, 1 / 65)) == pytest.approx(math.log2(65))
    y = np.random.default_rng(11).normal(size=(10, 65)) * 3
    taus = (0.25, 0.5, 1.0, 1.5, 3.0)
    h = np.array([lm.entropy_bits(lm.temperature_softmax(y, t)) for t in taus])
    assert np.all(np.diff(h, axis=0) > 0) and np.all(h <= math.log2(65))


def test_unit_correlation_is_pearsons_r():
    """lm-eq-correlation: r_j = cov(h_j, z) / (sd(h_j) sd(z)), as np.corrcoef."""
    rng = np.random.default_rng(12)
    h = rng.normal(size=(50, 6))
    z = h[:, 2] + rng.normal(size=50)
    r = lm.unit_correlations(h, z)
    ref_r = [np.corrcoef(h[:, j], z)[0, 1] for j in range(6)]
    assert np.allclose(r, ref_r)


def test_cosine_schedule_end_points_and_midpoint():
    """lm-eq-cosine: eta_0 = lr_max, eta_{n-1} = lr_min, the mean of both halfway, decreasing."""
    n, hi, lo = 101, 1e-2, 5e-4
    etas = np.array([lm.cosine_lr(i, n, hi, lo) for i in range(n)])
    assert etas[0] == pytest.approx(hi) and etas[-1] == pytest.approx(lo)
    assert etas[50] == pytest.approx((hi + lo) / 2)
    assert np.all(np.diff(etas) < 0)
    # the cosine is point-symmetric about the midpoint: eta_i + eta_{n-1-i} = lr_max + lr_min
    assert np.allclose(etas + etas[::-1], hi + lo)
