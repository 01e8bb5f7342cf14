"""Tests for rnnlib.reference: the readable cells and their loop.

* the fast layers (RNN tanh/relu, JordanRNN, LSTM, GRU) agree with the reference cells run
  by the reference loop, forward and backward, to float64 rounding (rel_error < 1e-12);
* the reference cells pass centred finite-difference gradient checks (< 1e-7);
* the loop refuses bad input with errors naming the argument and the shapes;
* the sources stay short and import no fast layer.
"""
import ast
import inspect

import numpy as np
import pytest

import rnnlib
from rnnlib import reference as ref
from rnnlib.gradcheck import numerical_gradient, rel_error

LAYERS = ["rnn", "relu", "jordan", "lstm", "gru"]
SHAPES = [(1, 1, 1, 1), (1, 2, 3, 4), (4, 1, 2, 3), (3, 2, 1, 1), (7, 3, 4, 5)]
TOL = 1e-12     # float64 rounding over T steps: observed differences are about 1e-15 relative


def make(name, D, H, rng):
    """A float64 fast layer with random (non-zero) params, and the matching reference cell."""
    if name == "rnn":
        layer, cell = rnnlib.RNN(D, H, rng=rng), ref.RNN_CELL
    elif name == "relu":
        layer, cell = rnnlib.RNN(D, H, nonlinearity="relu", rng=rng), ref.RELU_RNN_CELL
    elif name == "jordan":
        layer, cell = rnnlib.JordanRNN(D, H, H % 3 + 1, rng=rng), ref.JORDAN_CELL
    elif name == "lstm":
        layer, cell = rnnlib.LSTM(D, H, rng=rng), ref.LSTM_CELL
    else:
        layer, cell = rnnlib.GRU(D, H, rng=rng), ref.GRU_CELL
    for v in layer.params.values():
        v[...] = rng.uniform(-1.0, 1.0, v.shape)
    return layer, cell


def leaves(s):
    return list(s) if isinstance(s, tuple) else [s]


def random_like(s, rng):
    """Random arrays with the structure and shapes of the state ``s``."""
    if isinstance(s, tuple):
        return tuple(rng.standard_normal(a.shape) for a in s)
    return rng.standard_normal(s.shape)


def assert_same(a, b, what):
    assert a.shape == b.shape, f"{what}: shapes {a.shape} and {b.shape}"
    err = rel_error(a, b)
    assert err < TOL, f"{what}: rel_error {err:.2e}"


@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("T,B,D,H", SHAPES)
@pytest.mark.parametrize("given_state,given_d_final", [(True, True), (False, False)])
def test_fast_layer_equals_reference(name, T, B, D, H, given_state, given_d_final):
    rng = np.random.default_rng(1000 * T + 100 * B + 10 * D + H)
    layer, cell = make(name, D, H, rng)
    x = rng.standard_normal((T, B, D))
    state0 = random_like(cell.zero_state(layer.params, B), rng) if given_state else None

    outputs, final = layer.forward(x, state0)
    d_outputs = rng.standard_normal(outputs.shape)
    d_final = random_like(final, rng) if given_d_final else None
    dx, d_state0 = layer.backward(d_outputs, d_final)

    r_outputs, r_final, caches = ref.run_forward(cell, layer.params, x, state0)
    r_dx, r_d_state0, r_grads = ref.run_backward(cell, layer.params, d_outputs, d_final, caches)

    assert_same(outputs, r_outputs, "outputs")
    assert len(leaves(final)) == len(leaves(r_final))
    for k, (a, b) in enumerate(zip(leaves(final), leaves(r_final))):
        assert_same(a, b, f"final_state[{k}]")
    assert_same(dx, r_dx, "dx")
    for k, (a, b) in enumerate(zip(leaves(d_state0), leaves(r_d_state0))):
        assert_same(a, b, f"d_state0[{k}]")
    assert set(r_grads) == set(layer.grads)
    for k in layer.grads:
        assert_same(layer.grads[k], r_grads[k], f"grads[{k!r}]")


@pytest.mark.parametrize("name", LAYERS)
def test_none_gradients_mean_zeros(name):
    """d_outputs=None (many-to-one) and, for the LSTM, a partial d_final_state (dh_T, None)."""
    rng = np.random.default_rng(7)
    layer, cell = make(name, 3, 4, rng)
    x = rng.standard_normal((5, 2, 3))
    outputs, final = layer.forward(x, None)
    d_final = random_like(final, rng)
    if name == "lstm":
        d_final = (d_final[0], None)
    dx, d_state0 = layer.backward(None, d_final)
    _, _, caches = ref.run_forward(cell, layer.params, x)
    r_dx, r_d_state0, r_grads = ref.run_backward(cell, layer.params, None, d_final, caches)
    assert_same(dx, r_dx, "dx")
    for a, b in zip(leaves(d_state0), leaves(r_d_state0)):
        assert_same(a, b, "d_state0")
    for k in layer.grads:
        assert_same(layer.grads[k], r_grads[k], f"grads[{k!r}]")
    zero_dx, _, zero_grads = ref.run_backward(cell, layer.params, None, None, caches)
    assert not zero_dx.any() and not any(g.any() for g in zero_grads.values())


@pytest.mark.parametrize("name", LAYERS)
def test_reference_gradcheck(name):
    """Every parameter, x and the initial state against centred finite differences."""
    rng = np.random.default_rng(3)
    T, B, D, H = 3, 2, 3, 4
    layer, cell = make(name, D, H, rng)
    params = {k: v.copy() for k, v in layer.params.items()}
    x = rng.standard_normal((T, B, D))
    state0 = random_like(cell.zero_state(params, B), rng)
    outputs, final, caches = ref.run_forward(cell, params, x, state0)
    R_out, R_final = rng.standard_normal(outputs.shape), random_like(final, rng)

    def loss():
        out, fin, _ = ref.run_forward(cell, params, x, state0)
        return np.sum(R_out * out) + sum(np.sum(R * f) for R, f in zip(leaves(R_final),
                                                                        leaves(fin)))

    dx, d_state0, grads = ref.run_backward(cell, params, R_out, R_final, caches)
    checked = [(k, params[k], grads[k]) for k in params] + [("x", x, dx)]
    checked += [(f"state0[{k}]", s, d) for k, (s, d) in enumerate(zip(leaves(state0),
                                                                      leaves(d_state0)))]
    for what, a, analytic in checked:
        err = rel_error(analytic, numerical_gradient(loss, a))
        assert err < 1e-7, f"{name} {what}: rel_error {err:.2e}"


def test_loop_refuses_bad_x():
    params = rnnlib.RNN(3, 4, rng=0).params
    with pytest.raises(ValueError, match=r"x: expected shape \(T, B, 3\), got \(5, 2, 4\)"):
        ref.run_forward(ref.RNN_CELL, params, np.zeros((5, 2, 4)))
    with pytest.raises(ValueError, match=r"x: expected 3-D array.*got 2-D"):
        ref.run_forward(ref.RNN_CELL, params, np.zeros((5, 3)))
    with pytest.raises(TypeError, match=r"x: expected dtype float64, got float32"):
        ref.run_forward(ref.RNN_CELL, params, np.zeros((5, 2, 3), np.float32))
    with pytest.raises(TypeError, match=r"cell: expected a rnnlib.reference.Cell"):
        ref.run_forward(params, params, np.zeros((5, 2, 3)))


def test_loop_refuses_bad_state_and_gradients():
    params = rnnlib.LSTM(3, 4, rng=0).params
    x = np.zeros((5, 2, 3))
    h = np.zeros((2, 4))
    with pytest.raises(TypeError, match=r"state0: expected None or a tuple of 2 arrays"):
        ref.run_forward(ref.LSTM_CELL, params, x, h)
    with pytest.raises(ValueError, match=r"state0\[1\]: expected shape \(2, 4\), got \(2, 5\)"):
        ref.run_forward(ref.LSTM_CELL, params, x, (h, np.zeros((2, 5))))
    outputs, _, caches = ref.run_forward(ref.LSTM_CELL, params, x, (h, h))
    with pytest.raises(ValueError, match=r"d_outputs: expected shape \(5, 2, 4\), got \(4, 2, 4\)"):
        ref.run_backward(ref.LSTM_CELL, params, outputs[1:], None, caches)
    with pytest.raises(ValueError, match=r"d_final_state\[0\]: expected shape \(2, 4\)"):
        ref.run_backward(ref.LSTM_CELL, params, None, (np.zeros((3, 4)), None), caches)
    with pytest.raises(TypeError, match=r"caches: expected the Caches returned by run_forward"):
        ref.run_backward(ref.LSTM_CELL, params, None, None, caches.steps)


STEP_FUNCTIONS = [ref.rnn_step_forward, ref.rnn_step_backward, ref.jordan_step_forward,
                  ref.jordan_step_backward, ref.lstm_step_forward, ref.lstm_step_backward,
                  ref.gru_step_forward, ref.gru_step_backward]
MODULES = [ref.loop, ref.rnn_cell, ref.jordan_cell, ref.lstm_cell, ref.gru_cell]


@pytest.mark.parametrize("fn", STEP_FUNCTIONS, ids=lambda f: f.__name__)
def test_step_functions_are_short(fn):
    assert len(inspect.getsource(fn).splitlines()) < 40


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_modules_are_short_documented_and_import_no_fast_layer(module):
    source = inspect.getsource(module)
    assert len(source.splitlines()) < 150
    tree = ast.parse(source)
    assert ast.get_docstring(tree) and "Shapes" in ast.get_docstring(tree)
    allowed = {"numpy", "functools", "collections", "..activations", ".._checks", ".loop"}
    top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert "." * node.level + (node.module or "") in allowed, ast.dump(node)
        elif isinstance(node, ast.Import):
            assert all(a.name in allowed for a in node.names), ast.dump(node)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            assert node in top, f"import inside a function: {ast.dump(node)}"
