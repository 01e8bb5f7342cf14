"""Tests for rnnlib.bptt: k >= T is full BPTT exactly, k < T differs, state carried and detached."""

import numpy as np
import pytest

import rnnlib
from rnnlib import RNN
from rnnlib.bptt import full_bptt, truncated_bptt
from rnnlib.gradcheck import numerical_gradient, rel_error
from rnnlib.losses import mse, softmax_cross_entropy
from rnnlib.layer import SequenceLayer
from rnnlib.model import SequenceModel

T, B, D, H, K = 9, 3, 2, 4, 3


class Spy(SequenceLayer):
    """Wraps a model and records the chunks it sees and the outputs it gives."""

    def __init__(self, model):
        self.model, self.outputs, self.states_in = model, [], []
        self.params = model.params
        self.input_size, self.hidden_size, self.dtype = model.input_size, K, model.dtype

    @property
    def grads(self):
        return self.model.grads

    def forward(self, x, state=None, lengths=None):
        self.states_in.append(state)
        y, s = self.model.forward(x, state)
        self.outputs.append(y.copy())
        return y, s

    def backward(self, dy, d_final_state=None):
        assert d_final_state is None  # the carried state is detached
        return self.model.backward(dy, d_final_state)


def _setup(seed=0, layer="RNN"):
    rng = np.random.default_rng(seed)
    cls = getattr(rnnlib, layer)
    m = SequenceModel(cls(D, H, rng=1), K, rng=2)
    x = rng.normal(size=(T, B, D))
    d = rng.integers(0, K, size=(T, B))
    s0 = rng.normal(size=(B, H))
    return m, x, d, s0


def _grads(m):
    return {k: v.copy() for k, v in m.grads.items()}


@pytest.mark.parametrize("k", [T, T + 5])
def test_k_at_least_T_is_exactly_full_bptt(k):
    m, x, d, s0 = _setup()
    y, fin = m.forward(x, s0)
    loss_ref, dy = softmax_cross_entropy(y, d)
    m.backward(dy)
    ref = _grads(m)
    loss, fin2 = truncated_bptt(m, x, d, softmax_cross_entropy, k, state=s0)
    assert loss == loss_ref and np.array_equal(fin, fin2)
    assert all(np.array_equal(ref[n], g) for n, g in m.grads.items())
    loss3, _ = full_bptt(m, x, d, softmax_cross_entropy, state=s0)
    assert loss3 == loss_ref and all(np.array_equal(ref[n], g) for n, g in m.grads.items())


@pytest.mark.parametrize("k", [1, 2, 4])
def test_k_below_T_same_forward_and_loss_different_grads(k):
    m, x, d, s0 = _setup()
    loss_full, fin_full = full_bptt(m, x, d, softmax_cross_entropy, state=s0)
    y_full, _ = m.forward(x, s0)
    full = _grads(m)
    spy = Spy(m)
    loss, fin = truncated_bptt(spy, x, d, softmax_cross_entropy, k, state=s0)
    n = -(-T // k)                   # chunks: one forward each, then again for all but the last
    assert len(spy.outputs) == 2 * n - 1
    # the state is carried: the chunks' outputs are the full forward's outputs
    assert np.allclose(np.concatenate(spy.outputs[:n]), y_full, rtol=0, atol=1e-13)
    # the second forward of a chunk starts from its stored state and gives the same outputs
    for c in range(n - 1):
        assert np.array_equal(spy.outputs[n + c], spy.outputs[n - 2 - c])
    assert np.allclose(fin, fin_full, rtol=0, atol=1e-13)
    assert loss == pytest.approx(loss_full, rel=1e-12)  # the same loss of the whole sequence
    # ... but the gradient is truncated
    assert max(rel_error(full[n], g) for n, g in m.grads.items()) > 1e-3
    # the head is not recurrent: its gradient is unaffected by truncation
    assert np.allclose(m.grads["head.W_hy"], full["head.W_hy"], atol=1e-12)


@pytest.mark.parametrize("layer,reduction", [("RNN", "mean"), ("RNN", "sum"), ("LSTM", "mean"),
                                             ("GRU", "sum")])
def test_truncated_gradient_is_gradient_of_detached_objective(layer, reduction):
    """grads = d/dtheta sum_c w_c L_c(theta; s_c), with the carried states s_c held fixed."""
    m, x, d, _ = _setup(1, layer)
    k = 4
    mask = np.ones((T, B), bool)
    mask[6:, 0] = False
    mask[3:, 2] = False
    spy = Spy(m)
    loss, _ = truncated_bptt(spy, x, d, softmax_cross_entropy, k, mask=mask, reduction=reduction)
    grads = _grads(m)
    carried = list(spy.states_in)[:-(-T // k)]  # state entering each chunk (None for the first)
    N = mask.sum()

    def detached():
        total = 0.0
        for c, s in enumerate(range(0, T, k)):
            st = carried[c]
            y, _ = m.forward(x[s:s + k]) if st is None else m.forward(x[s:s + k], st)
            l_c, _ = softmax_cross_entropy(y, d[s:s + k], mask=mask[s:s + k], reduction="sum")
            total += l_c
        return total / N if reduction == "mean" else total

    assert detached() == pytest.approx(loss, rel=1e-12)
    for name, p in m.params.items():
        num = numerical_gradient(detached, p, 1e-6)
        assert rel_error(grads[name], num) < 1e-6, name


def test_fully_masked_chunk_is_skipped_but_state_carried():
    m, x, d, _ = _setup(2)
    mask = np.zeros((T, B), bool)
    mask[:3] = True  # only the first chunk of 3 has targets
    spy = Spy(m)
    loss, fin = truncated_bptt(spy, x, d, softmax_cross_entropy, 3, mask=mask)
    y_full, fin_full = m.forward(x)
    assert np.allclose(fin, fin_full)
    assert loss == pytest.approx(softmax_cross_entropy(y_full, d, mask=mask)[0])
    with pytest.raises(ValueError, match=r"mask: expected at least one unmasked"):
        truncated_bptt(m, x, d, softmax_cross_entropy, 3, mask=np.zeros((T, B), bool))


def test_mse_targets_and_bare_layer():
    rng = np.random.default_rng(3)
    layer = RNN(D, H, rng=1)
    x = rng.normal(size=(T, B, D))
    d = rng.normal(size=(T, B, H))
    loss_full, _ = full_bptt(layer, x, d, mse)
    loss, _ = truncated_bptt(layer, x, d, mse, 2)
    assert loss == pytest.approx(loss_full, rel=1e-12)


def test_errors():
    m, x, d, _ = _setup()
    for bad in (0, -1):
        with pytest.raises(ValueError, match=rf"k: expected a positive int, got {bad}"):
            truncated_bptt(m, x, d, softmax_cross_entropy, bad)
    with pytest.raises(ValueError, match=r"k: expected a positive int, got 2.5"):
        truncated_bptt(m, x, d, softmax_cross_entropy, 2.5)
    with pytest.raises(ValueError, match=r"targets: expected .* T = 9, got \(8, 3\)"):
        truncated_bptt(m, x, d[:8], softmax_cross_entropy, 2)
    with pytest.raises(ValueError, match=r"mask: expected shape \(9, 3\) \(T, B\), got \(9,\)"):
        truncated_bptt(m, x, d, softmax_cross_entropy, 2, mask=np.ones(T, bool))
    with pytest.raises(ValueError, match=r"reduction: expected 'mean' or 'sum'"):
        truncated_bptt(m, x, d, softmax_cross_entropy, 2, reduction="none")
    m1 = SequenceModel(RNN(D, H, rng=1), K, head="many-to-one", rng=2)
    with pytest.raises(ValueError, match=r"model: expected per-step outputs"):
        truncated_bptt(m1, x, d, softmax_cross_entropy, 2)


@pytest.mark.parametrize("stacked", [False, True])
def test_bidirectional_refused_for_chunks(stacked):
    from rnnlib import Bidirectional, Stacked
    rng = np.random.default_rng(0)
    bi = Bidirectional(RNN(3, 2, rng=1), RNN(3, 2, rng=2))
    layer = Stacked([RNN(3, 3, rng=3), bi]) if stacked else bi
    model = SequenceModel(layer, 3, rng=4)
    x = rng.standard_normal((6, 2, 3))
    d = rng.integers(0, 3, (6, 2))
    with pytest.raises(ValueError, match="model: .*bidirectional layer reads the future"):
        truncated_bptt(model, x, d, softmax_cross_entropy, 2)
    loss, _ = truncated_bptt(model, x, d, softmax_cross_entropy, 6)   # k >= T: full BPTT
    assert loss == full_bptt(model, x, d, softmax_cross_entropy)[0]


def test_fit_refuses_bidirectional_with_bptt_k_or_carry_state():
    from rnnlib import Bidirectional, SGD, fit
    rng = np.random.default_rng(0)
    model = SequenceModel(Bidirectional(RNN(3, 2, rng=1), RNN(3, 2, rng=2)), 3, rng=4)
    batch = (rng.standard_normal((6, 2, 3)), rng.integers(0, 3, (6, 2)))
    with pytest.raises(ValueError, match="bptt_k: .*bidirectional"):
        fit(model, lambda i: batch, softmax_cross_entropy, SGD(0.1), 1, bptt_k=2)
    with pytest.raises(ValueError, match="carry_state: .*bidirectional"):
        fit(model, lambda i: batch, softmax_cross_entropy, SGD(0.1), 1, carry_state=True)
    fit(model, lambda i: batch, softmax_cross_entropy, SGD(0.1), 1)    # full BPTT is fine


def test_truncation_passes_the_reduction_to_the_loss():
    rng = np.random.default_rng(0)
    m = SequenceModel(RNN(3, 4, rng=1), 3, rng=2)
    x, d = rng.standard_normal((6, 2, 3)), rng.integers(0, 3, (6, 2))
    for reduction in ("sum", "mean"):
        loss, _ = truncated_bptt(m, x, d, softmax_cross_entropy, 2, reduction=reduction)
        ref = softmax_cross_entropy(m.forward(x)[0], d, reduction=reduction)[0]
        assert np.isclose(loss, ref, rtol=1e-12), reduction


def _sum_of_squares(y, d, mask=None, reduction="mean"):
    """A loss written by a user: 0.5 sum (y - d)^2 over (t, b, k), or its mean over (t, b)."""
    r = y - d
    if mask is not None:
        r = r * mask[..., None]
    n = r.shape[0] * r.shape[1] if mask is None else mask.sum()
    scale = 1.0 if reduction == "sum" else 1.0 / n
    return 0.5 * scale * float((r * r).sum()), scale * r


def _per_sequence(y, d, mask=None, reduction="mean"):
    """Another convention: "mean" = the error E summed over steps, averaged over sequences."""
    value, dy = _sum_of_squares(y, d, mask, "sum")
    scale = 1.0 if reduction == "sum" else 1.0 / y.shape[1]
    return scale * value, scale * dy


@pytest.mark.parametrize("loss_fn", [_sum_of_squares, _per_sequence])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_custom_loss_with_truncation_matches_the_detached_objective(loss_fn, reduction):
    """A user's loss with the (y, d, mask, reduction) signature, whatever it divides by: the
    loss is that of the whole sequence, the gradient that of the detached objective, and
    k >= T gives exactly full BPTT."""
    rng = np.random.default_rng(1)
    m = SequenceModel(RNN(3, 4, rng=1), 2, rng=2)
    x, d = rng.standard_normal((8, 3, 3)), rng.standard_normal((8, 3, 2))
    mask = rng.random((8, 3)) < 0.7
    k = 3
    spy = Spy(m)
    loss, _ = truncated_bptt(spy, x, d, loss_fn, k, mask=mask, reduction=reduction)
    grads = _grads(m)
    assert np.isclose(loss, loss_fn(m.forward(x)[0], d, mask, reduction)[0], rtol=1e-12)
    carried = spy.states_in[:3]

    def detached():                  # the loss with each chunk's start state held fixed
        y = np.concatenate([m.forward(x[s:s + k], st)[0] for s, st in zip((0, 3, 6), carried)])
        return loss_fn(y, d, mask, reduction)[0]

    for name, p in m.params.items():
        assert rel_error(grads[name], numerical_gradient(detached, p, 1e-6)) < 1e-6, name
    loss_full, _ = full_bptt(m, x, d, loss_fn, mask=mask, reduction=reduction)
    g_full = {k: g.copy() for k, g in m.grads.items()}
    loss_T, _ = truncated_bptt(m, x, d, loss_fn, 8, mask=mask, reduction=reduction)
    assert loss_T == loss_full
    assert all(np.array_equal(m.grads[k], g_full[k]) for k in g_full)


def test_loss_without_the_contract_is_refused():
    rng = np.random.default_rng(0)
    m = SequenceModel(RNN(3, 4, rng=1), 3, rng=2)
    x, d = rng.standard_normal((6, 2, 3)), rng.integers(0, 3, (6, 2))

    def no_reduction(y, d, mask=None):
        return softmax_cross_entropy(y, d, mask)

    with pytest.raises(TypeError, match=r"loss_fn: expected a function loss_fn\(y, targets, "
                                        r"mask=None, reduction='mean'\)"):
        truncated_bptt(m, x, d, no_reduction, 2)
    with pytest.raises(TypeError, match="loss_fn: expected a function"):
        full_bptt(m, x, d, "softmax")
    with pytest.raises(TypeError, match=r"model: expected a recurrent layer or model"):
        full_bptt(object(), x, d, softmax_cross_entropy)
