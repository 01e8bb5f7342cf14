"""A text drawn with one coloured box per character (chapter label ``lm-inside``).

The picture of Karpathy, Johnson and Fei-Fei (2015): the passage is laid out in
lines of at most ``width`` characters (breaking at newlines, drawn as ``↵``), and
the box behind character t is coloured by ``values[t]`` (a unit's activation,
the loss of predicting that character, ...), on a fixed colour scale.
"""
import matplotlib.pyplot as plt
import numpy as np

from ._style import COLUMN_WIDTH

__all__ = ["plot_text_heatmap"]


def _layout(text, width):
    """(row, column) of every character: newlines end a row, long rows wrap."""
    rows, cols, r, c = [], [], 0, 0
    for ch in text:
        if c >= width:
            r, c = r + 1, 0
        rows.append(r)
        cols.append(c)
        if ch == "\n":
            r, c = r + 1, 0
        else:
            c += 1
    return np.array(rows), np.array(cols)


def plot_text_heatmap(text, values, *, vmin, vmax, cmap="RdBu_r", width=76, ax=None,
                      cbar_label=None, fontsize=8):
    """Draw ``text`` with character t on a box coloured by ``values[t]``.

    ``values``: ``(len(text),)`` numbers; colours from ``cmap`` on ``[vmin, vmax]``
    (values outside are clipped).  ``cbar_label``: draw a colour bar with this label.
    Returns ``(fig, ax)``.
    """
    if not isinstance(text, str) or not text:
        raise TypeError(f"text: expected a non-empty str, got {type(text).__name__}")
    v = np.asarray(values, dtype=np.float64)
    if v.shape != (len(text),):
        raise ValueError(f"values: expected shape ({len(text)},) (one per character), "
                         f"got {v.shape}")
    if not vmin < vmax:
        raise ValueError(f"vmin, vmax: expected vmin < vmax, got {vmin!r}, {vmax!r}")
    rows, cols = _layout(text, width)
    n_rows = rows.max() + 1
    if ax is None:
        fig, ax = plt.subplots(figsize=(COLUMN_WIDTH, 0.2 * n_rows + 0.5))
    else:
        fig = ax.figure
    grid = np.full((n_rows, width), np.nan)
    grid[rows, cols] = v
    im = ax.imshow(grid, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto",
                   interpolation="nearest", extent=(-0.5, width - 0.5, n_rows - 0.5, -0.5))
    rgba = im.cmap(im.norm(v))                       # each box's colour: white glyphs on dark
    dark = rgba[:, :3] @ np.array([0.299, 0.587, 0.114]) < 0.5
    for ch, r, c, d in zip(text, rows, cols, dark):
        shown = "↵" if ch == "\n" else ch
        if shown != " ":
            ax.text(c, r, shown, ha="center", va="center", fontsize=fontsize,
                    family="monospace", color="white" if d else "black")
    ax.set_xlim(-0.5, width - 0.5)
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    if cbar_label is not None:
        cbar = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.01)
        cbar.set_label(cbar_label, fontsize=10)
    return fig, ax
