"""Tests of rnnlib.sigmoid."""
import warnings

import numpy as np

from rnnlib import sigmoid


def test_sigmoid_values_and_extremes():
    a = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(sigmoid(a), 1 / (1 + np.exp(-a)), rtol=1e-12, atol=1e-15)
    big = np.array([-1000.0, 1000.0], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(big)
    assert s.dtype == np.float32 and s[0] == 0.0 and s[1] == 1.0
    out = np.empty(3)
    assert sigmoid(np.zeros(3), out=out) is out and (out == 0.5).all()


def test_sigmoid_of_a_number_is_a_number():
    # a Python or NumPy scalar used to fail inside np.tanh(out=...) with a TypeError
    for a in (1.0, 0, np.float32(-2.0), np.float64(30.0)):
        s = sigmoid(a)
        assert np.ndim(s) == 0
        rtol = 1e-6 if isinstance(a, np.float32) else 1e-15    # float32 stays float32
        assert np.isclose(s, 1.0 / (1.0 + np.exp(-float(a))), rtol=rtol, atol=0)
    assert sigmoid(np.array([1.0]))[0] == sigmoid(1.0)
