"""Input validation shared by every rnnlib module.

Each function raises a ``ValueError`` or ``TypeError`` whose message names the
argument, what was expected and what was given, so that a student sees
"x: expected shape (T, B, 3), got (5, 3)" instead of a NumPy traceback.
"""
import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def as_rng(rng):
    """Return a ``numpy.random.Generator`` from ``None``, an int seed or a Generator."""
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng: expected None, an int seed or a numpy.random.Generator, "
                    f"got {type(rng).__name__}")


def check_dtype(dtype, name="dtype"):
    """Return ``np.dtype(dtype)`` if it is float32 or float64, else raise TypeError."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name}: expected np.float32 or np.float64, got {dtype!r}") from None
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"{name}: expected np.float32 or np.float64, got {dt}")
    return dt


def check_positive_int(value, name):
    """Raise unless ``value`` is a positive int."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}: expected a positive int, got {value!r}")
    return int(value)


def _shape_str(shape):
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def check_array(a, name, shape, dtype=None, finite=True):
    """Check that ``a`` is an ndarray of the given ``shape`` (and ``dtype``) and return it.

    ``shape`` is a tuple whose entries are ints or strings; a string entry is a
    label (such as ``"T"``) that matches any size >= 1.  The message names the
    argument, the expected shape and the given one.
    """
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name}: expected a numpy array of shape {_shape_str(shape)}, "
                        f"got {type(a).__name__}")
    if a.ndim != len(shape):
        raise ValueError(f"{name}: expected {len(shape)}-D array of shape {_shape_str(shape)}, "
                         f"got {a.ndim}-D array of shape {_shape_str(a.shape)}")
    for want, got in zip(shape, a.shape):
        if isinstance(want, str):
            if got < 1:
                raise ValueError(f"{name}: expected shape {_shape_str(shape)} with {want} >= 1, "
                                 f"got shape {_shape_str(a.shape)}")
        elif want != got:
            raise ValueError(f"{name}: expected shape {_shape_str(shape)}, "
                             f"got {_shape_str(a.shape)}")
    if dtype is not None and a.dtype != np.dtype(dtype):
        raise TypeError(f"{name}: expected dtype {np.dtype(dtype)}, got {a.dtype}")
    if finite and a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError(f"{name}: expected finite values, got NaN or Inf")
    return a
