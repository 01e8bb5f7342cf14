"""The direction of a gradient: the angle between two gradients (chapter label ``vg-clipping``).

A gradient is a dict name -> array, read as one long vector ``g`` (as in ``rnnlib.clip``)::

    cos(angle) = <g, g'> / (||g|| ||g'||)                                    (vg-eq-angle)

Clipping by norm, ``g' = g min(1, c / ||g||)``, multiplies ``g`` by a positive number: the
angle is 0.  Clipping by value, ``g'_i = max(-c, min(c, g_i))``, shrinks only the large
entries, so ``g'`` points elsewhere unless every entry is clipped or none is.
"""
import math

import numpy as np

__all__ = ["cosine", "angle_degrees"]


def _flat(grads, name):
    if not isinstance(grads, dict) or not grads:
        raise TypeError(f"{name}: expected a non-empty dict name -> array, "
                        f"got {type(grads).__name__}")
    parts = []
    for key in sorted(grads):
        g = grads[key]
        if not isinstance(g, np.ndarray) or g.dtype.kind != "f":
            got = g.dtype if isinstance(g, np.ndarray) else type(g).__name__
            raise TypeError(f"{name}[{key!r}]: expected a float numpy array, got {got}")
        parts.append(g.astype(np.float64).ravel())
    return np.concatenate(parts)


def cosine(grads_a, grads_b):
    """``<g, g'> / (||g|| ||g'||)`` over all arrays of two dicts with the same keys and shapes."""
    if isinstance(grads_a, dict) and isinstance(grads_b, dict) and grads_a.keys() != grads_b.keys():
        raise ValueError(f"grads_b: expected the keys of grads_a {sorted(grads_a)}, "
                         f"got {sorted(grads_b)}")
    a, b = _flat(grads_a, "grads_a"), _flat(grads_b, "grads_b")
    if a.shape != b.shape:
        raise ValueError(f"grads_b: expected arrays of the shapes of grads_a ({a.size} numbers "
                         f"in all), got {b.size} numbers")
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if not (math.isfinite(na) and math.isfinite(nb)) or na == 0.0 or nb == 0.0:
        raise ValueError("grads: expected finite, non-zero gradients (the angle of a zero "
                         "vector is not defined)")
    return float(np.clip(np.dot(a, b) / (na * nb), -1.0, 1.0))


def angle_degrees(grads_a, grads_b):
    """The angle between two gradients in degrees, ``arccos(cosine(grads_a, grads_b))``."""
    return math.degrees(math.acos(cosine(grads_a, grads_b)))
