"""Tests of rnnlib.init."""
import numpy as np
import pytest

from rnnlib import init


def test_xavier_uniform_range_and_variance():
    W = init.xavier_uniform((200, 300), rng=0)
    a = np.sqrt(6 / 500)
    assert W.shape == (200, 300) and np.abs(W).max() <= a
    assert W.var() == pytest.approx(2 / 500, rel=0.03)
    assert init.xavier_uniform((2, 3), 0, dtype=np.float32).dtype == np.float32


def test_uniform():
    W = init.uniform((50, 40), 0.3, rng=1)
    assert np.abs(W).max() <= 0.3 and W.var() == pytest.approx(0.09 / 3, rel=0.05)
    with pytest.raises(ValueError, match="scale"):
        init.uniform(3, -1.0, 0)


@pytest.mark.parametrize("shape", [5, (5, 5), (3, 7), (7, 3)])
def test_orthogonal(shape):
    Q = init.orthogonal(shape, rng=2)
    r, c = (shape, shape) if isinstance(shape, int) else shape
    assert Q.shape == (r, c)
    if r <= c:
        np.testing.assert_allclose(Q @ Q.T, np.eye(r), atol=1e-12)
    else:
        np.testing.assert_allclose(Q.T @ Q, np.eye(c), atol=1e-12)


def test_orthogonal_is_seeded_and_spectral_radius_one():
    np.testing.assert_array_equal(init.orthogonal(6, 3), init.orthogonal(6, np.random.default_rng(3)))
    assert init.spectral_radius(init.orthogonal(20, 4)) == pytest.approx(1.0)


def test_identity_and_spectral_radius():
    np.testing.assert_array_equal(init.identity(3), np.eye(3))
    W = np.array([[0.0, 2.0], [-2.0, 0.0]])                 # eigenvalues +-2i
    assert init.spectral_radius(W) == pytest.approx(2.0)
    W2 = init.scale_to_spectral_radius(W, 0.5)
    assert init.spectral_radius(W2) == pytest.approx(0.5)
    np.testing.assert_array_equal(W, [[0.0, 2.0], [-2.0, 0.0]])  # input untouched
    with pytest.raises(ValueError, match="square"):
        init.spectral_radius(np.ones((2, 3)))
    with pytest.raises(ValueError, match="spectral radius is 0"):
        init.scale_to_spectral_radius(np.zeros((2, 2)), 1.0)


def test_recurrent_matrix():
    for how in init.W_HH_INITS:
        W = init.recurrent_matrix(8, how, rng=0, spectral_radius=1.3, dtype=np.float32)
        assert W.shape == (8, 8) and W.dtype == np.float32
        assert init.spectral_radius(W) == pytest.approx(1.3, rel=1e-5)
    M = np.diag(np.arange(1.0, 4.0))
    np.testing.assert_array_equal(init.recurrent_matrix(3, M), M)
    with pytest.raises(ValueError, match=r"W_hh_init: expected an array of shape \(3, 3\)"):
        init.recurrent_matrix(3, np.eye(2))
    with pytest.raises(ValueError, match="W_hh_init"):
        init.recurrent_matrix(3, "zeros")
