"""The unrolled graph of a bidirectional RNN (Schuster and Paliwal 1997; chapter label ``bi-context``).

:func:`draw_birnn` draws, for t = 1..T, the input ``x_t`` (bottom), the forward layer
``hf_t = f(hf_{t-1}, x_t)`` whose arrows point right, the backward layer
``hb_t = f(hb_{t+1}, x_t)`` whose arrows point left, and the output
``y_t = W_hy [hf_t; hb_t] + b_y`` (top), which reads both.  With ``highlight=t`` the
nodes and arrows that ``y_t`` depends on are drawn in colour and the rest in grey: the
forward chain up to t, the backward chain from T down to t, and every input.

Artists carry a ``gid``: nodes ``"node:hf_3"``, ``"node:hb_3"``, ``"node:x_3"``,
``"node:y_3"``; arrows ``"W_hh^f:3"`` (``hf_2 -> hf_3``), ``"W_hh^b:3"`` (``hb_4 -> hb_3``),
``"W_xh^f:3"``, ``"W_xh^b:3"``, ``"W_hy^f:3"``, ``"W_hy^b:3"``.
"""
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

from ._graph_parts import _arrow, _check_T, _finish_graph, _label
from ._style import _EDGE, _FILL, _FORWARD_MUTED, _INK

__all__ = ["draw_birnn"]

_DX = 2.3                                   # distance between two time steps
_W, _H = 0.9, 0.56                          # node size
_Y = {"x": 0.0, "hf": 1.6, "hb": 3.0, "y": 4.6}
_OFF = {"x": 0.0, "hf": -0.45, "hb": 0.45, "y": 0.0}   # horizontal offset within a step
_BWD_FILL, _BWD_EDGE = "#fde0ef", "#c51b7d"             # the backward layer's colours
_GREY_FILL = "#f2f2f2"
_INCH = 0.45                                # inches per data unit
_MARGIN = 1.9                               # room for the layer names at the sides


def _colours(kind):
    if kind == "hb":
        return _BWD_FILL, _BWD_EDGE
    return _FILL["h" if kind == "hf" else kind], _EDGE["h" if kind == "hf" else kind]


def _box(ax, xc, kind, label, gid, active):
    face, edge = _colours(kind) if active else (_GREY_FILL, _FORWARD_MUTED)
    patch = FancyBboxPatch((xc - _W / 2, _Y[kind] - _H / 2), _W, _H,
                           boxstyle="round,pad=0,rounding_size=0.14", facecolor=face,
                           edgecolor=edge, linewidth=1.4, zorder=3)
    patch.set_gid(gid)
    ax.add_patch(patch)
    ax.text(xc, _Y[kind], label, ha="center", va="center", fontsize=12,
            color=_INK if active else "#8c8c8c", zorder=4, gid=gid + ":label")


def draw_birnn(T=4, *, highlight=None, ax=None):
    """Draw a bidirectional RNN unrolled over ``T`` steps; return ``(fig, ax)``.

    ``highlight``: None, or a step ``t`` in 1..T whose output's dependencies are drawn in
    colour (everything else grey).  A new figure is about ``1.04 T + 2.7`` inches wide
    (6.8 for T = 4).
    """
    T = _check_T(T)
    if highlight is not None:
        if isinstance(highlight, bool) or not isinstance(highlight, int) \
                or not 1 <= highlight <= T:
            raise ValueError(f"highlight: expected None or a step in 1..{T}, got {highlight!r}")
    xmin, xmax = 0.05 - _MARGIN, _DX * (T + 1) + _MARGIN - 0.05
    ymin, ymax = _Y["x"] - 0.5, _Y["y"] + 0.5
    if ax is None:
        fig, ax = plt.subplots(figsize=((xmax - xmin) * _INCH, (ymax - ymin) * _INCH))
        fig.subplots_adjust(0, 0, 1, 1)
    else:
        fig = ax.figure

    def on(kind, t):
        """Does y_highlight depend on this node (or is nothing highlighted)?"""
        if highlight is None or kind == "x":
            return True
        if kind == "hf":
            return t <= highlight
        if kind == "hb":
            return t >= highlight
        return t == highlight

    def pos(kind, t):
        return _DX * t + _OFF[kind], _Y[kind]

    def link(a, b, gid, active, label=None, label_xy=None, colour=_INK):
        col = colour if active else _FORWARD_MUTED
        _arrow(ax, a, b, gid, color=col, lw=1.6 if active else 1.0)
        if label is not None:
            _label(ax, *label_xy, label, "label:" + gid, color=col, ha="center",
                   va="bottom", size=11)

    fwd_col, bwd_col = _EDGE["h"], _BWD_EDGE
    # initial states hf_0 (left) and hb_{T+1} (right)
    _box(ax, _DX * 0 + 0.55, "hf", r"$0$", "node:hf_0", on("hf", 0))
    _box(ax, _DX * (T + 1) - 0.55, "hb", r"$0$", f"node:hb_{T + 1}", on("hb", T + 1))
    for t in range(1, T + 1):
        for kind, name in (("x", "x"), ("hf", "h^f"),
                           ("hb", "h^b"), ("y", "y")):
            _box(ax, pos(kind, t)[0], kind, f"${name}_{{{t}}}$", f"node:{kind}_{t}",
                 on(kind, t))
        (xx, yx), (xf, yf), (xb, yb), (xy, yy) = (pos(k, t) for k in ("x", "hf", "hb", "y"))
        link((xx - 0.1, yx + _H / 2), (xf + 0.1, yf - _H / 2), f"W_xh^f:{t}", on("hf", t),
             colour=fwd_col)
        link((xx + 0.2, yx + _H / 2), (xb - 0.1, yb - _H / 2), f"W_xh^b:{t}", on("hb", t),
             colour=bwd_col)
        link((xf + 0.1, yf + _H / 2), (xy - 0.2, yy - _H / 2), f"W_hy^f:{t}",
             on("hf", t) and on("y", t), colour=fwd_col)
        link((xb - 0.1, yb + _H / 2), (xy + 0.1, yy - _H / 2), f"W_hy^b:{t}",
             on("hb", t) and on("y", t), colour=bwd_col)
        # recurrences: hf_{t-1} -> hf_t (right), hb_{t+1} -> hb_t (left)
        xf_prev = 0.55 if t == 1 else pos("hf", t - 1)[0]
        xb_next = _DX * (T + 1) - 0.55 if t == T else pos("hb", t + 1)[0]
        link((xf_prev + _W / 2, yf), (xf - _W / 2, yf), f"W_hh^f:{t}", on("hf", t))
        link((xb_next - _W / 2, yb), (xb + _W / 2, yb), f"W_hh^b:{t}", on("hb", t))
    ax.text(0.0, _Y["hf"], "forward\nlayer\n" + r"$t = 1 \ldots T$", ha="right",
            va="center", fontsize=11, color=fwd_col, gid="title:fwd")
    ax.text(_DX * (T + 1) + 0.1, _Y["hb"], "backward\nlayer\n" + r"$t = T \ldots 1$",
            ha="left", va="center", fontsize=11, color=bwd_col, gid="title:bwd")
    _finish_graph(ax, (xmin, xmax), (ymin, ymax))
    return fig, ax
