"""Tests for rnnlib.jacobians: shapes, batching, and errors that name the argument.

The equations themselves (against finite differences and the layers' backward passes) are
checked in tests/test_chapter_equations_03.py.
"""
import numpy as np
import pytest

from rnnlib import jacobians as jac


def test_step_jacobian_batched_equals_one_at_a_time():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(4, 4))
    s = rng.uniform(size=(3, 4))
    J = jac.step_jacobian(W, s)
    assert J.shape == (3, 4, 4)
    for b in range(3):
        np.testing.assert_array_equal(J[b], np.diag(s[b]) @ W)


def test_jacobian_product_batched_and_order():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(3, 3))
    s = rng.uniform(size=(5, 2, 3))
    P = jac.jacobian_product(W, s)
    assert P.shape == (2, 3, 3)
    for b in range(2):
        expected = np.eye(3)
        for k in range(5):                       # J_T ... J_{t+1}: later steps on the left
            expected = np.diag(s[k, b]) @ W @ expected
        np.testing.assert_allclose(P[b], expected, rtol=1e-13, atol=1e-15)


def test_backpropagate_shape_and_last_step():
    rng = np.random.default_rng(2)
    W = rng.normal(size=(3, 3))
    s = rng.uniform(size=(6, 2, 3))
    g_T = rng.normal(size=(2, 3))
    g = jac.backpropagate(W, s, g_T)
    assert g.shape == (6, 2, 3)
    np.testing.assert_array_equal(g[-1], g_T)


def test_norm_bound_values():
    W = np.diag([2.0, 0.5])
    np.testing.assert_allclose(jac.norm_bound(W, 0.25, np.arange(4)), 0.5 ** np.arange(4))


def test_nonnormal_matrix_without_rotation_is_upper_triangular():
    W = jac.nonnormal_matrix(4, 0.9, 2.0)
    np.testing.assert_array_equal(W, 0.9 * np.eye(4) + 2.0 * np.eye(4, k=1))
    assert jac.spectral_norm(W) > 2.0


def test_rms_step_factor_value():
    W = 2.0 * np.eye(4)                          # ||W||_F / sqrt(H) = 2
    assert jac.rms_step_factor(W, np.array([0.0, 1.0, 1.0, 0.0])) == pytest.approx(
        2.0 * np.sqrt(0.5))
    W = np.diag([3.0, 0.0, 0.0, 0.0])            # ||W||_F / sqrt(H) = 3 / 2
    assert jac.rms_step_factor(W, np.ones((5, 4))) == pytest.approx(1.5)


@pytest.mark.parametrize("call, err, words", [
    (lambda: jac.activation_slope(np.zeros(3), "softsign"), ValueError, "nonlinearity"),
    (lambda: jac.activation_slope([0.1, 0.2], "tanh"), TypeError, "h"),
    (lambda: jac.step_jacobian(np.zeros((3, 4)), np.zeros(3)), ValueError, "W_hh"),
    (lambda: jac.step_jacobian(np.zeros((3, 3)), np.zeros(4)), ValueError, "slope"),
    (lambda: jac.jacobian_product(np.zeros((3, 3)), np.zeros((2, 2))), ValueError, "slopes"),
    (lambda: jac.backpropagate(np.zeros((3, 3)), np.zeros((4, 3)), np.zeros((1, 3))),
     ValueError, "slopes"),
    (lambda: jac.backpropagate(np.zeros((3, 3)), np.zeros((4, 2, 3)), np.zeros((1, 3))),
     ValueError, "g_T"),
    (lambda: jac.norm_bound(np.eye(2), -1.0, [1]), ValueError, "gamma"),
    (lambda: jac.norm_bound(np.eye(2), 1.0, [0.5]), ValueError, "distances"),
    (lambda: jac.fit_per_step_factor([1.0]), ValueError, "norms"),
    (lambda: jac.fit_per_step_factor([1.0, 0.0]), ValueError, "positive"),
    (lambda: jac.fit_per_step_factor([1.0, 0.5], [0, 1, 2]), ValueError, "distances"),
    (lambda: jac.rms_step_factor(np.eye(2), np.array([1, 1])), TypeError, "slopes"),
    (lambda: jac.rms_step_factor(np.ones((2, 3)), np.ones(2)), ValueError, "W_hh"),
    (lambda: jac.weight_gradient_terms(np.zeros((2, 3)), np.zeros((2, 3, 1))),
     ValueError, "delta"),
    (lambda: jac.weight_gradient_terms(np.zeros((2, 3, 4)), np.zeros((2, 2, 1))),
     ValueError, "inputs"),
    (lambda: jac.nonnormal_matrix(0, 0.9, 1.0), ValueError, "H"),
    (lambda: jac.nonnormal_matrix(3, 0.9, 1.0, rng=3), TypeError, "rng"),
    (lambda: jac.nonnormal_power(3, 0.9, 1.0, -1), ValueError, "n"),
    (lambda: jac.forget_gate_product(np.ones((3, 2))), ValueError, "f"),
    (lambda: jac.spectral_norm(np.ones(3)), ValueError, "W"),
    (lambda: jac.step_jacobian(np.full((2, 2), np.nan), np.ones(2)), ValueError, "W_hh"),
])
def test_bad_input_names_the_argument(call, err, words):
    with pytest.raises(err, match=words):
        call()


@pytest.mark.parametrize("delta, steps, err, words", [
    (np.ones((3, 2)), np.ones((3, 2), bool), ValueError, "delta"),
    (np.ones((3, 2, 4)), np.ones((3, 2)), ValueError, "bool"),
    (np.ones((3, 2, 4)), np.ones((2, 3), bool), ValueError, "steps"),
    (np.zeros((3, 2, 4)), np.ones((3, 2), bool), ValueError, "non-zero"),
])
def test_gradient_share_bad_input(delta, steps, err, words):
    with pytest.raises(err, match=words):
        jac.gradient_share(delta, steps)
