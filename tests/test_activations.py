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
