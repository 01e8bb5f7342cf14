"""The building blocks of the computational graphs: a grid of rows, nodes, arrows, labels.

Graphs are drawn in data units on an equal-aspect axes without frame: one row per
kind of node (``_ROWS``: inputs ``x`` at the bottom, then ``h``, ``y`` and the
loss terms ``E``), one column per time step.  Every artist gets a ``gid`` so that
tests (and curious students) can find it, e.g. ``"node:h_3"``.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.path import Path

from ._style import _EDGE, _FILL, _INK

_NODE_W, _NODE_H = 0.9, 0.56
_ROWS = {"x": 0.0, "h": 1.7, "y": 3.4, "E": 5.1}
_INCH_PER_UNIT = 0.62
_DELAY_SIZE = 0.2


def _new_axes(ax, width, height):
    if ax is None:
        fig, ax = plt.subplots(figsize=(max(width * _INCH_PER_UNIT, 2.5),
                                        max(height * _INCH_PER_UNIT, 2.0)))
    else:
        fig = ax.figure
    return fig, ax


def _finish_graph(ax, xlim, ylim):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _node(ax, xc, row, label, gid, *, face=None, edge=None, lw=1.4):
    y = _ROWS[row]
    patch = FancyBboxPatch((xc - _NODE_W / 2, y - _NODE_H / 2), _NODE_W, _NODE_H,
                           boxstyle="round,pad=0,rounding_size=0.14",
                           facecolor=face or _FILL[row], edgecolor=edge or _EDGE[row],
                           linewidth=lw, zorder=3)
    patch.set_gid(gid)
    ax.add_patch(patch)
    ax.text(xc, y, label, ha="center", va="center", fontsize=13, color=_INK, zorder=4,
            gid=gid + ":label")
    return patch


def _arrow(ax, p0, p1, gid, *, color=_INK, lw=1.3, path=None, style="-|>", ls="-",
           scale=13, zorder=2):
    style_kw = dict(arrowstyle=style, mutation_scale=scale, color=color, linewidth=lw,
                    linestyle=ls, zorder=zorder)
    if path is not None:
        arr = FancyArrowPatch(path=path, **style_kw)
    else:
        arr = FancyArrowPatch(p0, p1, shrinkA=0, shrinkB=0, **style_kw)
    arr.set_gid(gid)
    ax.add_patch(arr)
    return arr


def _label(ax, x, y, text, gid, *, color=_INK, ha="left", va="center", size=11, bold=False,
           background="white"):
    return ax.text(x, y, text, ha=ha, va=va, fontsize=size, color=color, gid=gid,
                   fontweight="bold" if bold else "normal", zorder=5,
                   bbox=dict(boxstyle="round,pad=0.12", facecolor=background, edgecolor="none",
                             alpha=0.85))


def _delay_mark(ax, x, y, gid, *, label_xy=None):
    """The filled square marking a one-step delay on a recurrent loop, labelled "delay".

    The square (``_DELAY_SIZE`` data units, about a fifth of a node's width) carries
    ``gid``; the word "delay" (gid ``gid + ":label"``) is written at ``label_xy``
    (default: just below the square), so that a reader can find the mark.
    """
    s = _DELAY_SIZE
    r = Rectangle((x - s / 2, y - s / 2), s, s, facecolor=_INK, edgecolor=_INK, zorder=4)
    r.set_gid(gid)
    ax.add_patch(r)
    lx, ly = label_xy if label_xy is not None else (x, y - s / 2 - 0.08)
    ax.text(lx, ly, "delay", ha="left" if label_xy is not None else "center", va="top",
            fontsize=11, color=_INK, style="italic", zorder=5, gid=gid + ":label")


def _bezier(p0, c0, c1, p1):
    return Path([p0, c0, c1, p1], [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4])


def _check_T(T):
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"T: expected a positive int, got {T!r}")
    return int(T)
