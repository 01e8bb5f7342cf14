"""Heatmaps: a matrix of numbers as colours, one cell per (row, column).

* :func:`gradient_heatmap`    -- a matrix of norms, e.g. rows = spectral radius (or
  model), columns = distance in time, on a log colour scale.
* :func:`plot_hidden_states`  -- the hidden state ``h_t`` over time: one row per unit,
  one column per step (chapter labels ``rnn-memory`` and ``rnn-explore``).
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm, Normalize

from ._style import COLUMN_WIDTH, _cmap, _readable_log_colorbar

__all__ = ["gradient_heatmap", "plot_hidden_states"]


def gradient_heatmap(matrix, *, row_labels=None, col_labels=None, log=True, cmap="viridis",
                     colorbar=True, annotate=False, fmt="{:.1e}", xlabel="distance in time",
                     ylabel=None, title=None, cbar_label=r"$\|\partial L/\partial h_t\|$",
                     ax=None):
    """Heatmap of a matrix of norms, e.g. rows = spectral radius (or model), columns =
    distance in time.

    ``log`` uses a log colour scale (non-positive entries are shown grey).
    ``row_labels``/``col_labels`` label the ticks; ``annotate`` writes each value
    with ``fmt``.  A log colour bar is labelled with plain numbers (``0.01``,
    ``1.5``), never ``1.5 x 10^0``.  A new figure is at most ``COLUMN_WIDTH`` wide
    (the page column), so its labels are not shrunk on the website.  Returns
    ``(fig, ax)``; the colour bar (if any) is ``ax.images[0].colorbar``.
    """
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim != 2 or 0 in m.shape:
        raise ValueError(f"matrix: expected a non-empty 2-D array (rows, columns), "
                         f"got shape {m.shape}")
    if np.any(np.isnan(m)):
        raise ValueError("matrix: expected numbers, got NaN")
    R, C = m.shape
    for name, labs, n in (("row_labels", row_labels, R), ("col_labels", col_labels, C)):
        if labs is not None and len(labs) != n:
            raise ValueError(f"{name}: expected {n} labels, got {len(labs)}")
    if ax is None:
        per_col = 0.75 if annotate else 0.45
        fig, ax = plt.subplots(figsize=(min(max(4.0, per_col * C + 2.2), COLUMN_WIDTH),
                                        min(max(2.4, 0.42 * R + 1.4), 8.0)))
    else:
        fig = ax.figure
    cm = _cmap(cmap).with_extremes(bad="#d9d9d9")
    if log:
        pos = m[m > 0]
        lo, hi = (pos.min(), pos.max()) if pos.size else (1e-12, 1.0)
        norm = LogNorm(lo, hi if hi > lo else lo * 10)
        shown = np.ma.masked_less_equal(m, 0)
    else:
        norm = Normalize(m.min(), m.max() if m.max() > m.min() else m.min() + 1)
        shown = m
    im = ax.imshow(shown, cmap=cm, norm=norm, aspect="auto", interpolation="nearest")
    if row_labels is not None:
        ax.set_yticks(range(R), [str(s) for s in row_labels])
    if col_labels is not None:
        step = max(1, int(np.ceil(C / 20)))
        ax.set_xticks(range(0, C, step), [str(col_labels[j]) for j in range(0, C, step)])
    if annotate:
        for i in range(R):
            for j in range(C):
                v = m[i, j]
                rgba = cm(norm(v)) if (v > 0 or not log) else (0.85, 0.85, 0.85, 1)
                lum = 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2]
                ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                        color="black" if lum > 0.5 else "white")
    if colorbar:
        cb = fig.colorbar(im, ax=ax)
        if log:
            _readable_log_colorbar(cb)
        if cbar_label:
            cb.set_label(cbar_label)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return fig, ax


def _token_label(s):
    return {" ": "\u2423", "\n": "\u21b5", "\t": "\u21e5"}.get(s, s)


def plot_hidden_states(h, *, batch_index=None, tokens=None, cmap="RdBu_r", vmin=-1.0,
                       vmax=1.0, colorbar=True, xlabel="time step $t$", ylabel="hidden unit",
                       title=None, ax=None, cbar_label="$h_t$", cax=None):
    """Heatmap of hidden states over time: one row per unit, one column per step.

    ``h``: ``(T, H)`` or time-major ``(T, B, H)`` (then ``batch_index`` picks the
    sequence, default 0).  ``tokens``: ``T`` strings (e.g. the characters read)
    shown as x tick labels (space as ``␣``, newline as ``↵``).  The colour scale
    is fixed to ``[vmin, vmax]`` (default ``[-1, 1]``, the range of tanh; for a
    *difference* of states, which lies in ``[-2, 2]``, pass a symmetric range that
    fits the data and a ``cbar_label`` that says what is shown).  ``colorbar``:
    draw a colour bar labelled ``cbar_label``, next to ``ax`` or, if ``cax`` is
    given, into ``cax`` (which is cleared first: useful in animations that redraw
    ``ax`` every frame).  A new figure is at most ``COLUMN_WIDTH`` wide (the page
    column).  Returns ``(fig, ax)``.
    """
    a = np.asarray(h)
    if a.dtype.kind not in "fiu":
        raise TypeError(f"h: expected a numeric array, got dtype {a.dtype}")
    if a.ndim == 3:
        b = 0 if batch_index is None else batch_index
        if isinstance(b, bool) or not isinstance(b, (int, np.integer)) or not 0 <= b < a.shape[1]:
            raise ValueError(f"batch_index: expected an int in [0, {a.shape[1]}), got {b!r}")
        a = a[:, b, :]
    elif a.ndim != 2:
        raise ValueError(f"h: expected shape (T, H) or (T, B, H), got {a.shape}")
    elif batch_index is not None:
        raise ValueError(f"batch_index: expected None for h of shape (T, H) {a.shape}, "
                         f"got {batch_index!r}")
    T, H = a.shape
    if 0 in a.shape:
        raise ValueError(f"h: expected T >= 1 and H >= 1, got shape {a.shape}")
    if tokens is not None and len(tokens) != T:
        raise ValueError(f"tokens: expected {T} tokens (one per step), got {len(tokens)}")
    if not vmin < vmax:
        raise ValueError(f"vmin, vmax: expected vmin < vmax, got {vmin!r}, {vmax!r}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(min(max(4.0, 0.16 * T + 2.0), COLUMN_WIDTH),
                                        min(max(2.2, 0.12 * H + 1.2), 7.0)))
    else:
        fig = ax.figure
    im = ax.imshow(a.T, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto",
                   interpolation="nearest")
    if tokens is not None:
        ax.set_xticks(range(T), [_token_label(str(s)) for s in tokens])
        ax.tick_params(axis="x", length=0, labelsize=8 if T > 40 else 10)
    if colorbar:
        if cax is None:
            cb = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
        else:
            cax.clear()
            cb = fig.colorbar(im, cax=cax)
        if cbar_label:
            cb.set_label(cbar_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return fig, ax