"""One-hot encoding of integer symbols, the input format of the symbolic tasks."""
import numpy as np

from .._checks import check_dtype, check_positive_int

__all__ = ["one_hot"]


def one_hot(indices, n, *, dtype=np.float64):
    """One-hot encode integer ``indices`` (any shape) into ``indices.shape + (n,)``.

    ``one_hot(np.array([[2], [0]]), 3)[0, 0]`` is ``[0., 0., 1.]``.
    """
    n = check_positive_int(n, "n")
    dt = check_dtype(dtype)
    idx = np.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"indices: expected an integer array, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ValueError(f"indices: expected values in [0, {n}), "
                         f"got values in [{idx.min()}, {idx.max()}]")
    out = np.zeros(idx.shape + (n,), dtype=dt)
    np.put_along_axis(out, idx[..., None].astype(np.intp), 1, axis=-1)
    return out
