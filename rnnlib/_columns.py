"""Column-layout helpers shared by the gated layers (LSTM, GRU).

Inside those layers a batch of states is stored as columns, ``(H, B)`` per
step, as in the maths; the API stays time-major ``(T, B, ...)``.
"""
import numpy as np


def input_projection(W, b, x, out=None):
    """``W x_t + b`` for every step t at once, as columns: ``(T, n, B)``.

    ``W`` is ``(n, D)``, ``b`` ``(n,)``, ``x`` ``(T, B, D)``.  The bias is folded into the
    product (``[W b] [x_t; 1]``): adding an ``(n, 1)`` column to ``(n, B)`` blocks in a
    separate call is slow in NumPy when B is small (short inner loops).
    """
    T, B, D = x.shape
    if B == 1:                                   # one matrix product beats T small ones
        if out is None:
            out = np.empty((T, W.shape[0], 1), dtype=x.dtype)
        np.matmul(x[:, 0], W.T, out=out[..., 0])
        out[..., 0] += b
        return out
    x1 = np.empty((T, D + 1, B), dtype=x.dtype)
    x1[:, :D] = x.transpose(0, 2, 1)
    x1[:, D] = 1.0
    Wb = np.concatenate([W, b[:, None]], axis=1)
    return np.matmul(Wb, x1, out=out)


def view_as(a, shape):
    """``a`` reshaped to ``shape`` as a view: writing into it writes into ``a``.

    ``a.reshape(shape, copy=False)`` says the same from numpy 2.1 on; the browser's numpy
    (Pyodide, 2.0.2) has no ``copy`` argument, so the view is checked here instead.
    """
    v = a.reshape(shape)
    if not np.may_share_memory(v, a):
        raise RuntimeError(f"view_as (an rnnlib bug): an array of shape {a.shape} and strides "
                           f"{a.strides} cannot be viewed as {shape} without a copy")
    return v

