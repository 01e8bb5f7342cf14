"""The layer contract, checked the same way for every recurrent layer of rnnlib."""
import warnings

import numpy as np
import pytest

from rnnlib import GRU, LSTM, RNN, Bidirectional

LAYERS = {
    "rnn": lambda D, H, **kw: RNN(D, H, **kw),
    "rnn-relu": lambda D, H, **kw: RNN(D, H, nonlinearity="relu", **kw),
    "lstm": lambda D, H, **kw: LSTM(D, H, **kw),
    "gru": lambda D, H, **kw: GRU(D, H, **kw),
    "bi-lstm": lambda D, H, **kw: Bidirectional(LSTM(D, H, **kw), LSTM(D, H, **kw)),
}
KINDS = list(LAYERS)


def leaves(s):
    if isinstance(s, (tuple, list)):
        return [a for item in s for a in leaves(item)]
    return [] if s is None else [s]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_kept_everywhere(kind, dtype):
    rng = np.random.default_rng(0)
    layer = LAYERS[kind](3, 4, rng=1, dtype=dtype)
    x = rng.standard_normal((5, 2, 3)).astype(dtype)
    out, fin = layer.forward(x)
    dx, ds = layer.backward(np.ones_like(out))
    for a in [out, dx, *leaves(fin), *leaves(ds), *layer.params.values(), *layer.grads.values()]:
        assert a.dtype == dtype


@pytest.mark.parametrize("kind", KINDS)
def test_float32_close_to_float64(kind):
    rng = np.random.default_rng(1)
    l64, l32 = LAYERS[kind](3, 4, rng=2), LAYERS[kind](3, 4, rng=2, dtype=np.float32)
    x = rng.standard_normal((8, 3, 3))
    out64, _ = l64.forward(x)
    out32, _ = l32.forward(x.astype(np.float32))
    np.testing.assert_allclose(out32, out64, atol=1e-5)
    dy = rng.standard_normal(out64.shape)
    dx64, _ = l64.backward(dy)
    dx32, _ = l32.backward(dy.astype(np.float32))
    np.testing.assert_allclose(dx32, dx64, atol=1e-4)


@pytest.mark.parametrize("kind", KINDS)
def test_grads_keys_shapes_params_in_place(kind):
    rng = np.random.default_rng(2)
    layer = LAYERS[kind](3, 4, rng=3)
    before = {k: (id(v), v.copy()) for k, v in layer.params.items()}
    x = rng.standard_normal((4, 2, 3))
    out, _ = layer.forward(x)
    dy = rng.standard_normal(out.shape)
    layer.backward(dy)
    first = {k: v.copy() for k, v in layer.grads.items()}
    layer.forward(x)
    layer.backward(dy)
    assert set(layer.grads) == set(layer.params)
    for k, v in layer.params.items():
        assert id(v) == before[k][0]
        np.testing.assert_array_equal(v, before[k][1])       # forward/backward never touch params
        assert layer.grads[k].shape == v.shape
        np.testing.assert_array_equal(layer.grads[k], first[k])  # overwritten, not accumulated


@pytest.mark.parametrize("kind", KINDS)
def test_d_outputs_none_equals_zeros(kind):
    rng = np.random.default_rng(3)
    layer = LAYERS[kind](2, 3, rng=4)
    out, fin = layer.forward(rng.standard_normal((4, 2, 2)))
    d_fin = type(fin)(np.ones_like(f) for f in fin) if isinstance(fin, tuple) else np.ones_like(fin)
    if kind == "bi-lstm":
        d_fin = tuple(tuple(np.ones_like(a) for a in s) for s in fin)
    dx1, _ = layer.backward(None, d_fin)
    g1 = {k: v.copy() for k, v in layer.grads.items()}
    dx2, _ = layer.backward(np.zeros_like(out), d_fin)
    np.testing.assert_array_equal(dx1, dx2)
    for k in g1:
        np.testing.assert_array_equal(g1[k], layer.grads[k])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("bad,exc,words", [
    (np.zeros((2, 3)), ValueError, ["x", "(T, B, 3)", "(2, 3)"]),
    (np.zeros((2, 1, 5)), ValueError, ["x", "(T, B, 3)", "(2, 1, 5)"]),
    (np.zeros((0, 1, 3)), ValueError, ["x", "T >= 1"]),
    (np.zeros((2, 1, 3), np.float32), TypeError, ["x", "float64", "float32"]),
    (np.full((2, 1, 3), np.inf), ValueError, ["x", "finite"]),
])
def test_bad_x(kind, bad, exc, words):
    with pytest.raises(exc) as info:
        LAYERS[kind](3, 4, rng=0).forward(bad)
    for w in words:
        assert w in str(info.value)


@pytest.mark.parametrize("kind", KINDS)
def test_backward_before_forward(kind):
    with pytest.raises(RuntimeError, match="forward first"):
        LAYERS[kind](3, 4, rng=0).backward(np.zeros((2, 1, 4)))


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru", "bi-lstm"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_long_sequences(kind, dtype):
    """Pre-activations of +-1000 over T = 1000 steps: no warning, no NaN, forward or backward."""
    rng = np.random.default_rng(5)
    layer = LAYERS[kind](4, 8, rng=6, dtype=dtype)
    x = rng.choice([-1000.0, 1000.0], size=(1000, 2, 4)).astype(dtype)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        out, fin = layer.forward(x)
        dx, ds = layer.backward(np.ones_like(out))
    for a in [out, dx, *leaves(fin), *leaves(ds), *layer.grads.values()]:
        assert np.isfinite(a).all()
