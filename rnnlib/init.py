"""Weight initialisers for recurrent layers.

All functions return a new array (float64 unless ``dtype`` is given) and take
``rng`` as a ``numpy.random.Generator`` or an int seed.  Shapes follow the
course's column-vector convention: a weight matrix mapping size ``n_in`` to
size ``n_out`` has shape ``(n_out, n_in)``.

* ``xavier_uniform``: U(-a, a) with a = gain * sqrt(6 / (n_in + n_out))
  (Glorot and Bengio 2010), so the variance is 2 / (n_in + n_out).
* ``uniform``: U(-scale, scale).
* ``orthogonal``: a random matrix with orthonormal rows or columns (Saxe et al.
  2014); a square one has every singular value and eigenvalue modulus equal to 1.
* ``identity``: the identity matrix (IRNN, Le et al. 2015).
* ``spectral_radius(W)`` = max |eigenvalue of W|; ``scale_to_spectral_radius``
  rescales a square matrix to a chosen radius rho, the knob of the
  vanishing/exploding gradient experiments.
* ``recurrent_matrix`` builds ``W_hh`` blocks for the layers (``W_hh_init=``).
"""
import numpy as np

from ._checks import as_rng, check_dtype, check_positive_int

W_HH_INITS = ("xavier", "orthogonal", "identity", "uniform")


def _shape(shape, name="shape"):
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape, shape)
    try:
        shape = tuple(int(s) for s in shape)
    except TypeError:
        raise TypeError(f"{name}: expected an int or a tuple of 2 ints, got {shape!r}") from None
    if len(shape) != 2 or min(shape) < 1:
        raise ValueError(f"{name}: expected a tuple of 2 positive ints, got {shape!r}")
    return shape


def xavier_uniform(shape, rng=None, *, gain=1.0, dtype=np.float64):
    """U(-a, a) with a = gain * sqrt(6 / (n_in + n_out)); ``shape = (n_out, n_in)``."""
    n_out, n_in = _shape(shape)
    a = gain * np.sqrt(6.0 / (n_in + n_out))
    return as_rng(rng).uniform(-a, a, size=(n_out, n_in)).astype(check_dtype(dtype))


def uniform(shape, scale, rng=None, *, dtype=np.float64):
    """U(-scale, scale) of the given shape (any shape; an int n means (n,))."""
    if not np.isfinite(scale) or scale < 0:
        raise ValueError(f"scale: expected a finite number >= 0, got {scale!r}")
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    return as_rng(rng).uniform(-scale, scale, size=tuple(shape)).astype(check_dtype(dtype))


def orthogonal(n_or_shape, rng=None, *, gain=1.0, dtype=np.float64):
    """A random (semi-)orthogonal matrix: Q of the QR factorisation of a Gaussian matrix.

    Square ``n``: ``Q @ Q.T = I``.  For ``(rows, cols)`` the rows (if rows <= cols)
    or the columns (otherwise) are orthonormal.  Signs are fixed so that Q is
    uniformly distributed (Mezzadri 2007).
    """
    rows, cols = _shape(n_or_shape, "n_or_shape")
    a = as_rng(rng).standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    d = np.sign(np.diag(r))
    d[d == 0] = 1.0
    q = q * d
    if rows < cols:
        q = q.T
    return (gain * q).astype(check_dtype(dtype))


def identity(n, *, dtype=np.float64):
    """The n x n identity matrix (identity initialisation of ``W_hh``, Le et al. 2015)."""
    return np.eye(check_positive_int(n, "n"), dtype=check_dtype(dtype))


def spectral_radius(W):
    """max |lambda| over the eigenvalues lambda of the square matrix ``W``."""
    W = np.asarray(W)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W: expected a square 2-D matrix, got shape {W.shape}")
    return float(np.max(np.abs(np.linalg.eigvals(W.astype(np.float64)))))


def scale_to_spectral_radius(W, rho):
    """Return ``W * rho / spectral_radius(W)`` (a new array with spectral radius ``rho``)."""
    if not np.isfinite(rho) or rho < 0:
        raise ValueError(f"rho: expected a finite number >= 0, got {rho!r}")
    r = spectral_radius(W)
    if r == 0.0:
        raise ValueError("W: spectral radius is 0, it can not be rescaled")
    return (np.asarray(W) * (rho / r)).astype(np.asarray(W).dtype)


def recurrent_matrix(hidden_size, how="xavier", rng=None, *, spectral_radius=None,
                     dtype=np.float64):
    """One ``(H, H)`` recurrent block for ``W_hh_init=how``.

    ``how``: "xavier" (default, variance 1/H, spectral radius about 1),
    "orthogonal", "identity", "uniform" (U(-1/sqrt(H), 1/sqrt(H)), PyTorch's
    default) or an ``(H, H)`` array (copied).  If ``spectral_radius`` is given the
    block is rescaled to it.
    """
    H = check_positive_int(hidden_size, "hidden_size")
    rng = as_rng(rng)
    if isinstance(how, np.ndarray):
        if how.shape != (H, H):
            raise ValueError(f"W_hh_init: expected an array of shape ({H}, {H}), got {how.shape}")
        if not np.isfinite(how).all():
            raise ValueError("W_hh_init: expected finite values, got NaN or Inf")
        W = how.astype(np.float64)
    elif how == "xavier":
        W = xavier_uniform((H, H), rng)
    elif how == "orthogonal":
        W = orthogonal(H, rng)
    elif how == "identity":
        W = identity(H)
    elif how == "uniform":
        W = uniform((H, H), 1.0 / np.sqrt(H), rng)
    else:
        raise ValueError(f"W_hh_init: expected one of {W_HH_INITS} or an ({H}, {H}) array, "
                         f"got {how!r}")
    if spectral_radius is not None:
        W = scale_to_spectral_radius(W, spectral_radius)
    return W.astype(check_dtype(dtype))
