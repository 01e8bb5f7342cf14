"""Tests for rnnlib.losses: values, stable softmax, masks, reductions and gradient checks."""
import warnings

import numpy as np
import pytest

from rnnlib import losses
from rnnlib.losses import log_softmax, mse, sequence_error, softmax, softmax_cross_entropy
from rnnlib.gradcheck import numerical_gradient, rel_error


def _check_grad(loss_fn, z, tol=1e-6):
    """Analytic gradient of loss_fn(z) -> (loss, dz) against centred differences, float64."""
    _, dz = loss_fn(z)
    num = numerical_gradient(lambda: loss_fn(z)[0], z, 1e-6)
    err = rel_error(dz, num)
    assert err < tol, err
    return err


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_log_softmax_stable_at_plus_minus_1000():
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            lp = log_softmax(z)
            p = softmax(z)
            loss, dz = softmax_cross_entropy(z, np.array([1, 0]))
    assert np.isfinite(lp).all() and np.isfinite(p).all() and np.isfinite(dz).all()
    assert lp[0, 1] == pytest.approx(-2000.0)
    assert np.allclose(lp[1], -np.log(3))
    assert loss == pytest.approx((2000.0 + np.log(3)) / 2)


def test_softmax_matches_naive_and_sums_to_one(rng):
    z = rng.normal(size=(4, 3, 5))
    naive = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    assert np.allclose(softmax(z), naive)
    assert np.allclose(np.exp(log_softmax(z)), naive)
    assert np.allclose(softmax(z).sum(-1), 1.0)


def test_cross_entropy_uniform_logits_is_log_k():
    loss, _ = softmax_cross_entropy(np.zeros((3, 2, 7)), np.zeros((3, 2), dtype=int))
    assert loss == pytest.approx(np.log(7))
    loss_sum, _ = softmax_cross_entropy(np.zeros((3, 2, 7)), np.zeros((3, 2), dtype=int),
                                        reduction="sum")
    assert loss_sum == pytest.approx(6 * np.log(7))


@pytest.mark.parametrize("shape", [(4, 3, 5), (3, 5), (1, 1, 5), (1, 5)])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_gradcheck(rng, shape, reduction):
    z = rng.normal(size=shape)
    d = rng.integers(0, shape[-1], size=shape[:-1])
    _check_grad(lambda a: softmax_cross_entropy(a, d, reduction=reduction), z)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_gradcheck_with_mask(rng, reduction):
    z = rng.normal(size=(5, 3, 4))
    d = rng.integers(0, 4, size=(5, 3))
    lengths = np.array([5, 2, 3])
    mask = np.arange(5)[:, None] < lengths[None, :]
    d[~mask] = -1  # padding value, allowed where masked
    err = _check_grad(lambda a: softmax_cross_entropy(a, d, mask=mask, reduction=reduction), z)
    assert err < 1e-6
    _, dz = softmax_cross_entropy(z, d, mask=mask, reduction=reduction)
    assert np.all(dz[~mask] == 0)


def test_mask_mean_divides_by_unmasked_terms(rng):
    z = rng.normal(size=(4, 2, 3))
    d = rng.integers(0, 3, size=(4, 2))
    mask = np.array([[1, 1], [1, 1], [1, 0], [0, 0]])
    total, _ = softmax_cross_entropy(z, d, mask=mask, reduction="sum")
    mean, _ = softmax_cross_entropy(z, d, mask=mask, reduction="mean")
    assert mean == pytest.approx(total / 5)
    # the masked loss equals the loss on the unmasked steps alone
    keep = mask.astype(bool)
    expected = -log_softmax(z)[keep, d[keep]].sum()
    assert total == pytest.approx(expected)
    # changing padded logits changes nothing
    z2 = z.copy()
    z2[~keep] = 50.0
    assert softmax_cross_entropy(z2, d, mask=mask, reduction="sum")[0] == pytest.approx(total)


def test_sequence_error_sums_over_time(rng):
    z = rng.normal(size=(4, 3, 5))
    d = rng.integers(0, 5, size=(4, 3))
    mask = np.ones((4, 3), bool)
    mask[2:, 1] = False
    es = sequence_error(z, d, mask=mask)
    assert es.shape == (3,)
    lp = log_softmax(z)
    assert es[1] == pytest.approx(-(lp[0, 1, d[0, 1]] + lp[1, 1, d[1, 1]]))
    assert es.sum() == pytest.approx(softmax_cross_entropy(z, d, mask=mask, reduction="sum")[0])
    y = rng.normal(size=(4, 3, 2))
    t = rng.normal(size=(4, 3, 2))
    es = sequence_error(y, t, mask=mask, loss="mse")
    assert es.shape == (3,)
    assert es.sum() == pytest.approx(mse(y, t, mask=mask, reduction="sum")[0])
    assert sequence_error(y[0], t[0], loss="mse").shape == (3,)


def test_mse_values_and_convention(rng):
    y = rng.normal(size=(3, 2, 4))
    d = rng.normal(size=(3, 2, 4))
    loss, dy = mse(y, d)
    assert loss == pytest.approx(np.mean((y - d) ** 2))  # ordinary mean squared error
    assert np.allclose(dy, 2 * (y - d) / y.size)
    loss_sum, dy_sum = mse(y, d, reduction="sum")
    assert loss_sum == pytest.approx(np.sum((y - d) ** 2))  # no factor 1/2
    assert np.allclose(dy_sum, 2 * (y - d))
    # adding-problem baseline: predicting 1 for a sum of two U(0,1) gives about 1/6
    s = np.random.default_rng(1).uniform(size=(20000, 2)).sum(1, keepdims=True)
    assert mse(np.ones_like(s), s)[0] == pytest.approx(1 / 6, abs=0.01)


@pytest.mark.parametrize("shape", [(4, 3, 2), (3, 1), (1, 1, 1)])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_mse_gradcheck(rng, shape, reduction):
    y = rng.normal(size=shape)
    d = rng.normal(size=shape)
    _check_grad(lambda a: mse(a, d, reduction=reduction), y)


def test_mse_mask(rng):
    y = rng.normal(size=(4, 2, 3))
    d = rng.normal(size=(4, 2, 3))
    mask = np.array([[True, True], [True, False], [False, False], [False, False]])
    loss, dy = mse(y, d, mask=mask)
    assert loss == pytest.approx(np.mean((y[mask] - d[mask]) ** 2))
    assert np.all(dy[~mask] == 0)
    _check_grad(lambda a: mse(a, d, mask=mask), y)


def test_float32_keeps_dtype_and_is_stable():
    z = np.array([[[1000.0, -1000.0]], [[-1000.0, 1000.0]]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, dz = softmax_cross_entropy(z, np.array([[0], [0]]))
        l2, dy = mse(z, np.zeros_like(z))
    assert dz.dtype == np.float32 and dy.dtype == np.float32
    assert loss == pytest.approx(1000.0)
    assert isinstance(loss, float) and isinstance(l2, float)


def test_errors_name_argument_expected_and_given():
    z = np.zeros((3, 2, 5))
    with pytest.raises(ValueError, match=r"targets: .*\[0, 4\].*K = 5.*got values in \[0, 5\]"):
        softmax_cross_entropy(z, np.array([[0, 1], [5, 2], [1, 1]]))
    with pytest.raises(ValueError, match=r"targets: .*-1"):
        softmax_cross_entropy(z, np.array([[0, 1], [-1, 2], [1, 1]]))
    with pytest.raises(TypeError, match=r"targets: expected an integer dtype.*float64"):
        softmax_cross_entropy(z, np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"targets: expected shape \(3, 2\).*got \(2, 3\)"):
        softmax_cross_entropy(z, np.zeros((2, 3), int))
    with pytest.raises(ValueError, match=r"mask: expected shape \(3, 2\), got \(3,\)"):
        softmax_cross_entropy(z, np.zeros((3, 2), int), mask=np.ones(3, bool))
    with pytest.raises(ValueError, match=r"mask: expected booleans or 0/1"):
        softmax_cross_entropy(z, np.zeros((3, 2), int), mask=np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match=r"mask: expected at least one"):
        softmax_cross_entropy(z, np.zeros((3, 2), int), mask=np.zeros((3, 2), bool))
    with pytest.raises(ValueError, match=r"reduction: expected 'mean' or 'sum', got 'avg'"):
        softmax_cross_entropy(z, np.zeros((3, 2), int), reduction="avg")
    with pytest.raises(ValueError, match=r"logits: expected shape \(T, B, K\) or \(B, K\)"):
        softmax_cross_entropy(np.zeros(5), np.zeros((), int))
    with pytest.raises(ValueError, match=r"logits: expected finite"):
        softmax_cross_entropy(np.full((2, 3), np.nan), np.zeros(2, int))
    with pytest.raises(TypeError, match=r"logits: expected dtype float32 or float64, got int64"):
        softmax_cross_entropy(np.zeros((2, 3), dtype=np.int64), np.zeros(2, int))
    with pytest.raises(ValueError, match=r"logits: expected every dimension >= 1"):
        softmax_cross_entropy(np.zeros((0, 2, 3)), np.zeros((0, 2), int))
    with pytest.raises(ValueError, match=r"d: expected shape \(3, 2, 5\).*got \(3, 2\)"):
        mse(z, np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"loss: expected 'cross_entropy' or 'mse'"):
        sequence_error(z, np.zeros((3, 2), int), loss="hinge")
    assert set(losses.__all__) >= {"softmax_cross_entropy", "mse", "sequence_error"}
