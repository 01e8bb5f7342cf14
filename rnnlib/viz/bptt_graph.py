"""The unrolled graph with the gradient flowing backward in time (BPTT).

:func:`draw_bptt` draws the forward pass in grey and the backward pass in red: each
loss term enters at its own step and ``dL/dh_t`` collects what arrives from above
and from the right (chapter label ``bptt-numpy``).  Gradient arrows carry a ``gid``
such as ``"grad:h_3->h_2"``; nodes ``"node:h_3"``.

The figure is sized for a book column (about 6.7 inches for T = 6) with its text at
11-13 pt, so that it stays legible when the page shows it at column width.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap, LogNorm, Normalize

from ._graph_parts import (_NODE_H, _NODE_W, _ROWS, _arrow, _check_T, _finish_graph, _label,
                           _node)
from ._style import _FORWARD_MUTED, _GRAD, _INK, _cmap

__all__ = ["draw_bptt"]

_DX = 2.1              # distance between two time steps, in data units
_OFF = 0.17            # the forward and backward vertical arrows sit side by side
_INCH = 0.44           # inches per data unit: T = 6 gives a figure about 6.7 in wide
_STRETCH = 1.35        # a data unit drawn this much taller than wide: room for two labels
_LABEL_PT = 11
_TOTAL_PT = 12


def draw_bptt(T=4, *, losses="all", grad_norms=None, show_forward=True, cmap="Reds", ax=None):
    """Draw the unrolled graph with the gradient flowing backward in time (BPTT).

    Grey arrows: the forward pass ``x_t -> h_t -> y_t -> E^(t)`` and
    ``h_{t-1} -> h_t``.  Red arrows: the backward pass.  Each loss term enters at
    its own step as ``dE^(t)/dy_t``; the gradient ``dL/dh_t`` collects
    ``W_hy^T dE^(t)/dy_t`` from above and ``(dh_{t+1}/dh_t)^T dL/dh_{t+1}`` from
    the right (the Jacobian ``dh_{t+1}/dh_t = diag(f'(a_{t+1})) W_hh``).  The arrow
    from ``y_t`` is labelled with its share, ``W_hy^T dE^(t)/dy_t`` (two lines);
    ``dL/dh_t``, the sum, is written under the node ``h_t``.

    ``losses``: ``"all"`` (one loss term per step, ``L = sum_t E^(t)``) or
    ``"last"`` (one loss at the end, many-to-one).  ``grad_norms``: optional
    ``T`` positive numbers, e.g. ``||dL/dh_t||``; they shade the hidden nodes
    (log colour scale, ``cmap``: darker is larger) and are printed under them.

    Returns ``(fig, ax)``; a new figure is about ``0.92 T + 1.2`` inches wide.
    """
    T = _check_T(T)
    if losses not in ("all", "last"):
        raise ValueError(f"losses: expected 'all' or 'last', got {losses!r}")
    norms = None
    if grad_norms is not None:
        norms = np.asarray(grad_norms, dtype=np.float64)
        if norms.shape != (T,):
            raise ValueError(f"grad_norms: expected shape ({T},) (one norm per step), "
                             f"got {norms.shape}")
        if not np.all(np.isfinite(norms)) or np.any(norms <= 0):
            raise ValueError("grad_norms: expected finite positive numbers, got "
                             f"min {norms.min():.3g}")
    xmin = 1.0 - _NODE_W / 2 - 0.1                                      # h_0
    if losses == "all":
        xmin = min(xmin, 1.0 + _DX - _NODE_W / 2 - 2.3)                # room for "L = ..."
    xmax = 1.0 + _DX * T + _NODE_W / 2 + 1.55                           # the last labels
    ymin = _ROWS["x"] - _NODE_H / 2 - 0.1
    ymax = _ROWS["E"] + _NODE_H / 2 + 0.2
    if ax is None:
        fig, ax = plt.subplots(figsize=((xmax - xmin) * _INCH,
                                        (ymax - ymin) * _INCH * _STRETCH))
        fig.subplots_adjust(0, 0, 1, 1)
    else:
        fig = ax.figure
    fwd = dict(color=_FORWARD_MUTED, lw=1.0) if show_forward else None
    # Use the light two thirds of the colour map, so that node labels stay legible.
    colormap = ListedColormap(_cmap(cmap)(np.linspace(0.05, 0.65, 256)))
    if norms is not None:
        lo, hi = norms.min(), norms.max()
        norm = LogNorm(lo, hi) if hi > lo else Normalize(lo - 1, hi + 1)

    def has_loss(t):
        return losses == "all" or t == T

    yh = _ROWS["h"]
    _node(ax, 1.0, "h", r"$h_0$", "node:h_0", lw=1.2)
    for t in range(1, T + 1):
        xc = 1.0 + _DX * t
        prev = xc - _DX
        face = None if norms is None else colormap(float(norm(norms[t - 1])))
        _node(ax, xc, "x", f"$x_{{{t}}}$", f"node:x_{t}")
        _node(ax, xc, "h", f"$h_{{{t}}}$", f"node:h_{t}", face=face)
        if fwd:
            _arrow(ax, (xc, _ROWS["x"] + _NODE_H / 2), (xc, yh - _NODE_H / 2), f"fwd:x{t}", **fwd)
            _arrow(ax, (prev + _NODE_W / 2, yh + 0.12), (xc - _NODE_W / 2, yh + 0.12),
                   f"fwd:h{t}", **fwd)
        # gradient h_t -> h_{t-1}, labelled with the Jacobian whose transpose it applies
        _arrow(ax, (xc - _NODE_W / 2, yh - 0.12), (prev + _NODE_W / 2, yh - 0.12),
               f"grad:h_{t}->h_{t - 1}", color=_GRAD, lw=1.9)
        _label(ax, (prev + xc) / 2, yh - _NODE_H / 2 - 0.03, rf"$\partial h_{{{t}}}/\partial h_{{{t - 1}}}$",
               f"label:dh{t}", color=_GRAD, ha="center", va="top", size=_LABEL_PT)
        # dL/dh_t (and its norm) under the node: it is the sum of what arrives from
        # above and from the right, not what the arrow from y_t carries
        text = rf"$\partial L/\partial h_{{{t}}}$"
        if norms is not None:
            text = rf"$\|\partial L/\partial h_{{{t}}}\|$" + "\n" + f"= {norms[t - 1]:.2g}"
        _label(ax, xc + 0.08, yh - _NODE_H / 2 - 0.36, text, f"label:dLdh{t}", color=_GRAD,
               size=_LABEL_PT, va="top")
        if has_loss(t):
            _node(ax, xc, "y", f"$y_{{{t}}}$", f"node:y_{t}")
            _node(ax, xc, "E", f"$E^{{({t})}}$", f"node:E_{t}")
            if fwd:
                _arrow(ax, (xc - _OFF, yh + _NODE_H / 2), (xc - _OFF, _ROWS["y"] - _NODE_H / 2),
                       f"fwd:y{t}", **fwd)
                _arrow(ax, (xc - _OFF, _ROWS["y"] + _NODE_H / 2),
                       (xc - _OFF, _ROWS["E"] - _NODE_H / 2), f"fwd:E{t}", **fwd)
            _arrow(ax, (xc + _OFF, _ROWS["E"] - _NODE_H / 2),
                   (xc + _OFF, _ROWS["y"] + _NODE_H / 2), f"grad:E_{t}->y_{t}", color=_GRAD, lw=1.9)
            _arrow(ax, (xc + _OFF, _ROWS["y"] - _NODE_H / 2), (xc + _OFF, yh + _NODE_H / 2),
                   f"grad:y_{t}->h_{t}", color=_GRAD, lw=1.9)
            _label(ax, xc + _OFF + 0.1, (_ROWS["y"] + _ROWS["E"]) / 2,
                   rf"$\partial E^{{({t})}}/\partial y_{{{t}}}$", f"label:dEdy{t}",
                   color=_GRAD, size=_LABEL_PT)
            _label(ax, xc + _OFF + 0.1, (yh + _ROWS["y"]) / 2,
                   rf"$W_{{hy}}^\top$" + "\n" + rf"$\partial E^{{({t})}}/\partial y_{{{t}}}$",
                   f"label:share{t}", color=_GRAD, size=_LABEL_PT)
    if losses == "last":
        ax.text(1.0 + _DX * T - _NODE_W / 2 - 0.2, _ROWS["E"], r"$L = E^{(" + str(T) + ")}$",
                ha="right", va="center", fontsize=_TOTAL_PT, color=_INK, gid="loss:total")
    else:
        ax.text(1.0 + _DX - _NODE_W / 2 - 0.15, _ROWS["E"],
                r"$L = \sum_t E^{(t)}$", ha="right", va="center", fontsize=_TOTAL_PT, color=_INK,
                gid="loss:total")
    _finish_graph(ax, (xmin, xmax), (ymin, ymax))
    ax.set_aspect(_STRETCH)
    return fig, ax
