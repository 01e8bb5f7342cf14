"""Tests for rnnlib.optim: updates checked against hand-computed values for one and two steps."""
import numpy as np
import pytest

from rnnlib.optim import SGD, Adagrad, Adam, Momentum, RMSProp


def _setup(dtype=np.float64):
    params = {"W": np.array([[1.0, -2.0]], dtype=dtype), "b": np.array([0.5], dtype=dtype)}
    grads = {"W": np.array([[0.5, -1.0]], dtype=dtype), "b": np.array([2.0], dtype=dtype)}
    return params, grads


def _two_steps(opt, dtype=np.float64):
    params, grads = _setup(dtype)
    W, b = params["W"], params["b"]
    opt.step(params, grads)
    first = {k: v.copy() for k, v in params.items()}
    opt.step(params, grads)
    assert params["W"] is W and params["b"] is b  # updated in place, never rebound
    return first, params


def test_sgd_by_hand():
    first, second = _two_steps(SGD(0.1))
    assert np.allclose(first["W"], [[0.95, -1.9]]) and np.allclose(first["b"], [0.3])
    assert np.allclose(second["W"], [[0.9, -1.8]]) and np.allclose(second["b"], [0.1])


def test_momentum_by_hand():
    # v1 = -lr g, v2 = mu v1 - lr g = -(1 + mu) lr g
    first, second = _two_steps(Momentum(0.1, momentum=0.5))
    assert np.allclose(first["b"], [0.5 - 0.2])
    assert np.allclose(second["b"], [0.3 - 0.1 - 0.2])
    assert np.allclose(second["W"], [[1.0 - 0.05 - 0.075, -2.0 + 0.1 + 0.15]])


def test_adagrad_by_hand():
    eps = 1e-8
    first, second = _two_steps(Adagrad(0.1, eps=eps))
    # r1 = g^2 -> step lr g/|g| = lr sign(g); r2 = 2 g^2 -> step lr sign(g)/sqrt(2)
    assert np.allclose(first["W"], [[0.9, -1.9]], atol=1e-7)
    assert np.allclose(second["b"], [0.5 - 0.1 - 0.1 / np.sqrt(2)], atol=1e-7)
    assert np.allclose(second["W"], [[0.9 - 0.1 / np.sqrt(2), -1.9 + 0.1 / np.sqrt(2)]], atol=1e-7)


def test_rmsprop_by_hand():
    first, second = _two_steps(RMSProp(0.01, rho=0.9, eps=1e-8))
    g = 2.0
    r1 = 0.1 * g * g
    b1 = 0.5 - 0.01 * g / np.sqrt(r1)
    r2 = 0.9 * r1 + 0.1 * g * g
    b2 = b1 - 0.01 * g / np.sqrt(r2)
    assert np.allclose(first["b"], [b1]) and np.allclose(second["b"], [b2])


def test_adam_by_hand():
    # with bias correction and a constant gradient, mhat = g and vhat = g^2 at every step:
    # each step moves every parameter by lr * sign(g) (up to eps)
    first, second = _two_steps(Adam(0.01))
    assert np.allclose(first["W"], [[0.99, -1.99]], atol=1e-7)
    assert np.allclose(second["W"], [[0.98, -1.98]], atol=1e-7)
    # a changing gradient: g1 = 2, g2 = -1
    opt = Adam(0.1, beta1=0.9, beta2=0.999, eps=1e-12)
    p = {"a": np.array([0.0])}
    opt.step(p, {"a": np.array([2.0])})
    opt.step(p, {"a": np.array([-1.0])})
    m = 0.9 * 0.2 + 0.1 * -1.0
    v = 0.999 * 0.001 * 4 + 0.001 * 1.0
    step2 = 0.1 * (m / (1 - 0.9 ** 2)) / np.sqrt(v / (1 - 0.999 ** 2))
    assert p["a"][0] == pytest.approx(-0.1 - step2)
    assert opt.t == 2 and set(opt.state["a"]) == {"m", "v"}


@pytest.mark.parametrize("cls", [SGD, Momentum, Adagrad, RMSProp, Adam])
def test_float32_stays_float32(cls):
    first, second = _two_steps(cls(0.01), np.float32)
    assert second["W"].dtype == np.float32
    _, ref = _two_steps(cls(0.01), np.float64)
    assert np.allclose(second["W"], ref["W"], atol=1e-5)


def test_reset_forgets_state():
    opt = Momentum(0.1)
    params, grads = _setup()
    opt.step(params, grads)
    opt.reset()
    assert opt.state == {} and opt.t == 0


def test_errors():
    with pytest.raises(ValueError, match=r"lr: expected a finite number in \(0.0, inf\), got -0.1"):
        SGD(-0.1)
    with pytest.raises(ValueError, match=r"lr: .*got 0"):
        Adam(0)
    with pytest.raises(TypeError, match=r"lr: expected a real number, got str"):
        SGD("0.1")
    with pytest.raises(ValueError, match=r"momentum: expected a finite number in \[0.0, 1.0\), got 1.0"):
        Momentum(0.1, momentum=1.0)
    with pytest.raises(ValueError, match=r"beta2: .*got 1.5"):
        Adam(0.1, beta2=1.5)
    with pytest.raises(ValueError, match=r"eps: .*got 0"):
        RMSProp(0.1, eps=0)
    params, grads = _setup()
    with pytest.raises(ValueError, match=r"grads: expected the same keys as params \['W', 'b'\], got \['W'\]"):
        SGD(0.1).step(params, {"W": grads["W"]})
    with pytest.raises(ValueError, match=r"grads\['b'\]: expected an array of shape \(1,\), got \(2,\)"):
        SGD(0.1).step(params, {"W": grads["W"], "b": np.zeros(2)})
    with pytest.raises(TypeError, match=r"params, grads: expected two dicts"):
        SGD(0.1).step([params["W"]], [grads["W"]])


@pytest.mark.parametrize("opt", [SGD(0.1), Momentum(0.1), Adagrad(0.1), RMSProp(0.1), Adam(0.1)])
def test_step_checks_gradient_dtype_and_values(opt):
    params, grads = _setup(np.float32)
    before = {k: v.copy() for k, v in params.items()}
    with pytest.raises(TypeError, match=r"grads\['b'\]: expected dtype float32 .*got float64"):
        opt.step(params, {"W": grads["W"], "b": grads["b"].astype(np.float64)})
    with pytest.raises(TypeError, match=r"grads\['b'\]: expected dtype float32 .*got int64"):
        opt.step(params, {"W": grads["W"], "b": np.array([2], dtype=np.int64)})
    for bad in (np.nan, np.inf):
        with pytest.raises(ValueError, match=r"grads\['W'\]: expected finite values"):
            opt.step(params, {"W": np.array([[0.5, bad]], dtype=np.float32), "b": grads["b"]})
    for k, v in params.items():                   # nothing was updated
        np.testing.assert_array_equal(v, before[k])
    assert opt.t == 0


@pytest.mark.parametrize("opt", [Momentum(0.1), Adagrad(0.1), RMSProp(0.1), Adam(0.1)])
def test_step_refuses_state_of_another_shape(opt):
    params, grads = _setup()
    opt.step(params, grads)
    params2 = {"W": np.ones((2, 2)), "b": params["b"]}      # W re-created with a new shape
    with pytest.raises(ValueError, match=r"params\['W'\]: expected shape \(1, 2\) .*re-created"):
        opt.step(params2, {"W": np.ones((2, 2)), "b": grads["b"]})
    opt.reset()
    opt.step(params2, {"W": np.ones((2, 2)), "b": grads["b"]})
