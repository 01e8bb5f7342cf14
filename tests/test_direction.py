"""Tests for rnnlib.direction: cosine and angle between gradients given as dicts."""
import numpy as np
import pytest

from rnnlib.direction import angle_degrees, cosine


def test_known_angles():
    a = {"w": np.array([1.0, 0.0])}
    assert angle_degrees(a, {"w": np.array([0.0, 2.0])}) == pytest.approx(90.0)
    assert angle_degrees(a, {"w": np.array([3.0, 0.0])}) == pytest.approx(0.0)
    assert cosine(a, {"w": np.array([-1.0, 0.0])}) == pytest.approx(-1.0)
    assert angle_degrees({"w": np.array([1.0, 1.0])}, a) == pytest.approx(45.0)


def test_all_arrays_form_one_vector():
    g = {"a": np.array([[1.0, 2.0]]), "b": np.array([3.0])}
    h = {"b": np.array([3.0]), "a": np.array([[1.0, 2.0]])}     # order of the keys is irrelevant
    assert cosine(g, h) == pytest.approx(1.0)


@pytest.mark.parametrize("a, b, err, words", [
    ({"w": np.ones(2)}, {"v": np.ones(2)}, ValueError, "keys"),
    ({"w": np.ones(2)}, {"w": np.ones(3)}, ValueError, "shapes"),
    ({"w": np.zeros(2)}, {"w": np.ones(2)}, ValueError, "non-zero"),
    ({"w": np.ones(2, dtype=int)}, {"w": np.ones(2)}, TypeError, "float"),
    ([1.0], {"w": np.ones(2)}, TypeError, "grads_a"),
])
def test_bad_input_names_the_problem(a, b, err, words):
    with pytest.raises(err, match=words):
        cosine(a, b)
