"""Tests for rnnlib.train.fit: it learns a tiny task, records loss and gradient norm, is deterministic."""
import time

import numpy as np
import pytest

from rnnlib import RNN
from rnnlib.clip import global_norm
from rnnlib.losses import mse, softmax_cross_entropy
from rnnlib.model import SequenceModel
from rnnlib.optim import SGD, Adam
from rnnlib.train import History, fit

K, T, B = 4, 10, 32


def echo_batches(seed):
    """Delayed echo: input one-hot s_t, target s_{t-1}; step 0 (no previous symbol) is masked."""
    rng = np.random.default_rng(seed)
    mask = np.ones((T, B), bool)
    mask[0] = False

    def batch(i):
        s = rng.integers(0, K, size=(T, B))
        d = np.full((T, B), -1)
        d[1:] = s[:-1]
        return np.eye(K)[s], d, mask
    return batch


def echo_model():
    return SequenceModel(RNN(K, 16, rng=0), K, rng=1)


@pytest.mark.parametrize("bptt_k", [None, 4])
def test_learns_delayed_echo_quickly(bptt_k):
    """From ln 4 = 1.39 nats to below 0.01 (a >100x drop; about 3e-4 in fact) in 80 Adam steps."""
    m = echo_model()
    t0 = time.process_time()
    hist = fit(m, echo_batches(0), softmax_cross_entropy, Adam(0.05), 80, clip_norm=1.0,
               bptt_k=bptt_k)
    cpu = time.process_time() - t0
    assert hist.loss[0] == pytest.approx(np.log(K), abs=0.1)
    assert hist.loss[-5:].mean() < 0.01, hist.loss[-5:]  # lr 0.005 instead: 0.048, fails
    assert cpu < 2.0  # usually ~0.3 s; generous for a loaded machine


def test_history_records_and_is_deterministic():
    runs = []
    for _ in range(2):
        m = echo_model()
        evals = []
        hist = fit(m, echo_batches(1), softmax_cross_entropy, Adam(0.05), 12, clip_norm=0.5,
                   eval_fn=lambda model: float(np.abs(model.params["head.W_hy"]).sum()), eval_every=5)
        runs.append((hist, m.params["rnn.W_hh"].copy()))
    (h1, w1), (h2, w2) = runs
    assert isinstance(h1, History) and h1.loss.shape == h1.grad_norm.shape == (12,)
    assert np.array_equal(h1.loss, h2.loss) and np.array_equal(h1.grad_norm, h2.grad_norm)
    assert np.array_equal(w1, w2)
    assert h1.eval_steps == [5, 10, 12] and len(h1.evals) == 3
    assert h1.stopped_at is None and "12 iterations" in repr(h1)
    # the recorded norm is the norm *before* clipping (clip_norm=0.5 here)
    assert h1.grad_norm.max() > 0.5


def test_recorded_norm_and_update_match_a_manual_step():
    m1, m2 = echo_model(), echo_model()
    batch = echo_batches(2)(0)
    hist = fit(m1, lambda i: batch, softmax_cross_entropy, SGD(0.1), 1, clip_norm=0.01)
    y, _ = m2.forward(batch[0])
    loss, dy = softmax_cross_entropy(y, batch[1], mask=batch[2])
    m2.backward(dy)
    norm = global_norm(m2.grads)
    assert hist.loss[0] == loss and hist.grad_norm[0] == pytest.approx(norm)
    for name, p in m2.params.items():
        p -= 0.1 * m2.grads[name] * (0.01 / norm)
        assert np.allclose(m1.params[name], p)


def test_many_to_one_with_lengths_dict_batches():
    """Regress the mean of the unpadded inputs; lengths go to model.forward."""
    rng = np.random.default_rng(0)

    def batch(i):
        lengths = rng.integers(1, 7, size=16)
        x = rng.uniform(-1, 1, size=(6, 16, 1))
        x[np.arange(6)[:, None] >= lengths[None, :]] = 0.0
        d = (x.sum(0) / lengths[:, None])
        return {"x": x, "targets": d, "lengths": lengths}

    m = SequenceModel(RNN(1, 8, rng=0), 1, head="many-to-one", rng=1)
    hist = fit(m, batch, mse, Adam(0.02), 150)
    assert hist.loss[-10:].mean() < hist.loss[:10].mean() / 3


def test_carry_state_feeds_final_state_forward():
    seen, finals = [], []

    class Spy(SequenceModel):
        def forward(self, x, state=None, lengths=None):
            seen.append(None if state is None else state.copy())
            y, final = super().forward(x, state, lengths)
            finals.append(final.copy())
            return y, final

    m = Spy(RNN(K, 5, rng=0), K, rng=1)
    fit(m, echo_batches(0), softmax_cross_entropy, SGD(0.01), 3, carry_state=True)
    assert seen[0] is None and len(seen) == len(finals) == 3
    for i in (1, 2):        # iteration i starts exactly where iteration i - 1 ended
        assert seen[i].shape == (B, 5) and np.array_equal(seen[i], finals[i - 1])
        assert np.abs(seen[i]).max() > 0          # a real state, not zeros
    seen.clear()
    fit(m, echo_batches(0), softmax_cross_entropy, SGD(0.01), 2)
    assert seen == [None, None]


def test_nonfinite_raise_or_stop():
    def bad_loss(y, d, mask=None, reduction="mean"):
        loss, dy = softmax_cross_entropy(y, d, mask=mask, reduction=reduction)
        bad_loss.calls += 1
        return (np.nan if bad_loss.calls == 3 else loss), dy
    bad_loss.calls = 0
    with pytest.raises(FloatingPointError, match=r"iteration 2: loss nan"):
        fit(echo_model(), echo_batches(0), bad_loss, SGD(0.1), 5)
    bad_loss.calls = 0
    hist = fit(echo_model(), echo_batches(0), bad_loss, SGD(0.1), 5, nonfinite="stop")
    assert hist.stopped_at == 2 and len(hist.loss) == 3 and np.isnan(hist.loss[-1])


def test_errors():
    m = echo_model()
    with pytest.raises(ValueError, match=r"iterations: expected a positive int, got 0"):
        fit(m, echo_batches(0), softmax_cross_entropy, SGD(0.1), 0)
    with pytest.raises(ValueError, match=r"bptt_k: expected a positive int, got 0"):
        fit(m, echo_batches(0), softmax_cross_entropy, SGD(0.1), 1, bptt_k=0)
    with pytest.raises(ValueError, match=r"clip_norm: expected None or a finite number > 0, got -1"):
        fit(m, echo_batches(0), softmax_cross_entropy, SGD(0.1), 1, clip_norm=-1)
    with pytest.raises(ValueError, match=r"nonfinite: expected 'raise' or 'stop'"):
        fit(m, echo_batches(0), softmax_cross_entropy, SGD(0.1), 1, nonfinite="ignore")
    with pytest.raises(TypeError, match=r"batch_fn: expected to return \(x, targets\).*list"):
        fit(m, lambda i: [1, 2], softmax_cross_entropy, SGD(0.1), 1)
    with pytest.raises(ValueError, match=r"batch_fn: expected a dict with keys 'x' and 'targets', "
                                         r"missing \['targets'\]"):
        fit(m, lambda i: {"x": 1}, softmax_cross_entropy, SGD(0.1), 1)
    with pytest.raises(TypeError, match=r"optimizer: expected an rnnlib optimizer \(a subclass of rnnlib.optim.Optimizer"):
        fit(m, echo_batches(0), softmax_cross_entropy, 0.1, 1)


def test_many_to_many_lengths_without_a_mask_leave_the_padding_out_of_the_loss():
    rng = np.random.default_rng(3)
    lengths = np.array([5, 2, 4])
    x, d = rng.normal(size=(5, 3, 2)), rng.integers(0, 3, (5, 3))
    mask = np.arange(5)[:, None] < lengths
    m1 = SequenceModel(RNN(2, 4, rng=1), 3, rng=2)
    m2 = SequenceModel(RNN(2, 4, rng=1), 3, rng=2)
    h1 = fit(m1, lambda i: {"x": x, "targets": d, "lengths": lengths}, softmax_cross_entropy,
             SGD(0.1), 2)
    h2 = fit(m2, lambda i: {"x": x, "targets": d, "lengths": lengths, "mask": mask},
             softmax_cross_entropy, SGD(0.1), 2)
    assert np.array_equal(h1.loss, h2.loss) and np.array_equal(h1.grad_norm, h2.grad_norm)
