"""The graph of a recurrent network, folded (a cell with a loop) and unfolded in time.

:func:`draw_rnn` draws an Elman network, ``h_t = f(W_hh h_{t-1} + W_xh x_t + b_h)``, or
a Jordan network, ``h_t = f(W_yh y_{t-1} + W_xh x_t + b_h)`` (chapter labels
``rnn-unrolled`` and ``rnn-jordan``).  The unfolded view labels every step with the *same*
matrices: one set of weights, shared across time.  Artists carry a ``gid``: nodes
``"node:h_3"``, weight arrows ``"W_hh:3"`` (the copy that feeds step 3), labels
``"label:W_hh:3"``, shaded steps ``"step:3"``.
"""
import numpy as np
from matplotlib.patches import FancyBboxPatch

from ._graph_parts import (_NODE_H, _NODE_W, _ROWS, _arrow, _bezier, _check_T, _delay_mark,
                           _finish_graph, _label, _new_axes, _node)
from ._style import _HIGHLIGHT, _INK, _STEP_SHADE

__all__ = ["draw_rnn"]

_DEFAULT_WEIGHTS = {"W_xh": r"$W_{xh}$", "W_hh": r"$W_{hh}$", "W_hy": r"$W_{hy}$",
                    "W_yh": r"$W_{yh}$"}


def _parse_highlight(highlight, T):
    weights, steps = set(), set()
    if highlight is None:
        return weights, steps
    items = [highlight] if isinstance(highlight, (str, int, np.integer)) else list(highlight)
    for item in items:
        if isinstance(item, str):
            if item not in _DEFAULT_WEIGHTS:
                raise ValueError(f"highlight: expected a weight name in "
                                 f"{sorted(_DEFAULT_WEIGHTS)} or a step in 1..{T}, got {item!r}")
            weights.add(item)
        elif isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            if not 1 <= item <= T:
                raise ValueError(f"highlight: expected a step in 1..{T}, got {item}")
            steps.add(int(item))
        else:
            raise TypeError(f"highlight: expected a weight name, a step number or a list of "
                            f"them, got {type(item).__name__}")
    return weights, steps


def _time_labels(time_labels, T):
    if time_labels is None:
        return [str(t) for t in range(1, T + 1)]
    labels = [str(s) for s in time_labels]
    if len(labels) != T:
        raise ValueError(f"time_labels: expected {T} labels (one per step), got {len(labels)}")
    return labels


def draw_rnn(view="both", *, T=4, kind="elman", outputs="all", highlight=None,
             weight_labels=None, time_labels=None, initial=True, initial_label="0", ax=None):
    """Draw a recurrent network folded (a cell with a loop) and/or unfolded in time.

    ``view``: ``"folded"``, ``"unfolded"`` or ``"both"`` (folded, an "unfold"
    arrow, then the unfolded graph, in one axes).

    ``kind="elman"`` draws ``h_t = f(W_hh h_{t-1} + W_xh x_t + b_h)``,
    ``y_t = W_hy h_t + b_y``: the loop and the arrows ``h_{t-1} -> h_t`` carry
    ``W_hh``.  ``kind="jordan"`` draws the output-to-hidden recurrence
    ``h_t = f(W_yh y_{t-1} + W_xh x_t + b_h)``: the loop goes from ``y`` back to
    ``h`` and the unfolded arrows from ``y_{t-1}`` to ``h_t`` carry ``W_yh``.
    In the unfolded view every step is labelled with the *same* matrices: one
    set of weights, shared across time.  A black square on a folded loop,
    labelled "delay", marks the one-step delay.

    Options: ``T`` steps; ``outputs`` ``"all"``, ``"last"`` (many-to-one) or
    ``"none"``; ``highlight`` a weight name (``"W_hh"``, ...), a step number
    ``1..T`` (shades that column) or a list of them; ``weight_labels`` a dict
    renaming weights, e.g. ``{"W_xh": "$U$", "W_hh": "$W$", "W_hy": "$V$"}``;
    ``time_labels`` ``T`` subscripts, e.g. ``["t-1", "t", "t+1"]``; ``initial``
    draws the initial state ``h_0`` (else dangling arrows with dots at both
    ends); ``initial_label`` its subscript.

    Returns ``(fig, ax)``.
    """
    if view not in ("folded", "unfolded", "both"):
        raise ValueError(f"view: expected 'folded', 'unfolded' or 'both', got {view!r}")
    if kind not in ("elman", "jordan"):
        raise ValueError(f"kind: expected 'elman' or 'jordan', got {kind!r}")
    if outputs not in ("all", "last", "none"):
        raise ValueError(f"outputs: expected 'all', 'last' or 'none', got {outputs!r}")
    if kind == "jordan" and outputs != "all":
        raise ValueError(f"outputs: a Jordan network feeds y_t back, expected 'all', "
                         f"got {outputs!r}")
    T = _check_T(T)
    hl_weights, hl_steps = _parse_highlight(highlight, T)
    names = dict(_DEFAULT_WEIGHTS)
    if weight_labels is not None:
        if not isinstance(weight_labels, dict):
            raise TypeError(f"weight_labels: expected a dict, got {type(weight_labels).__name__}")
        unknown = set(weight_labels) - set(names)
        if unknown:
            raise ValueError(f"weight_labels: expected keys among {sorted(names)}, "
                             f"got {sorted(unknown)}")
        names.update({k: str(v) for k, v in weight_labels.items()})
    subs = _time_labels(time_labels, T)
    rec = "W_hh" if kind == "elman" else "W_yh"
    has_y = outputs != "none"
    top = _ROWS["y"] if has_y else _ROWS["h"]

    def wcolor(w):
        return (_HIGHLIGHT, 2.2, True) if w in hl_weights else (_INK, 1.3, False)

    def weight_arrow(p0, p1, w, step, label_xy, ha="left", va="center", path=None):
        color, lw, bold = wcolor(w)
        _arrow(ax, p0, p1, f"{w}:{step}", color=color, lw=lw, path=path)
        on_shade = step in hl_steps and w in ("W_xh", "W_hy")
        _label(ax, *label_xy, names[w], f"label:{w}:{step}", color=color, ha=ha, va=va,
               bold=bold, background=_STEP_SHADE if on_shade else "white")

    # ---- extent
    dx = 2.0
    folded_w = 3.0 if view != "unfolded" else 0.0
    gap = 2.0 if view == "both" else 0.0
    x0 = folded_w + gap                       # column of the initial state
    width_unf = 0.0
    if view != "folded":
        width_unf = dx * T + (0.9 if initial else 2.2) + 0.6
    xmin = -1.0 if view != "unfolded" else (x0 - 0.8 if initial else x0 + dx - 2.0)
    xmax = folded_w - 1.0 + 0.3 if view == "folded" else x0 + dx * T + (0.9 if initial else 1.7)
    ymin, ymax = _ROWS["x"] - 0.65, top + 0.65
    fig, ax = _new_axes(ax, xmax - xmin, ymax - ymin)

    # ---- folded
    if view != "unfolded":
        fx = 0.0
        _node(ax, fx, "x", r"$x_t$", "node:x_t")
        _node(ax, fx, "h", r"$h_t$", "node:h_t")
        vx = (_ROWS["x"] + _NODE_H / 2, _ROWS["h"] - _NODE_H / 2)
        weight_arrow((fx, vx[0]), (fx, vx[1]), "W_xh", "folded",
                     (fx + 0.12, sum(vx) / 2))
        if has_y:
            _node(ax, fx, "y", r"$y_t$", "node:y_t")
            vy = (_ROWS["h"] + _NODE_H / 2, _ROWS["y"] - _NODE_H / 2)
            weight_arrow((fx, vy[0]), (fx, vy[1]), "W_hy", "folded",
                         (fx + 0.12, sum(vy) / 2))
        xr = fx + _NODE_W / 2
        if kind == "elman":
            yh = _ROWS["h"]
            path = _bezier((xr, yh + 0.18), (xr + 1.3, yh + 1.0), (xr + 1.3, yh - 1.0),
                           (xr, yh - 0.18))
            weight_arrow(None, None, rec, "folded", (xr + 1.16, yh), path=path)
            _delay_mark(ax, xr + 0.975, yh, "delay", label_xy=(xr + 1.16, yh - 0.2))
        else:
            ya, yb = _ROWS["y"], _ROWS["h"]
            path = _bezier((xr, ya), (xr + 1.25, ya), (xr + 1.25, yb), (xr, yb))
            weight_arrow(None, None, rec, "folded", (xr + 1.13, (ya + yb) / 2), path=path)
            _delay_mark(ax, xr + 0.9375, (ya + yb) / 2, "delay",
                        label_xy=(xr + 1.13, (ya + yb) / 2 - 0.2))

    # ---- unfold arrow
    if view == "both":
        xa, xb = folded_w - 0.55, x0 - 0.45 if initial else x0 + dx - 1.6
        if not initial:
            xb = min(xb, x0 + 0.3)
        _arrow(ax, (xa, _ROWS["h"]), (xb, _ROWS["h"]), "unfold", color="#7f7f7f", lw=1.2,
               style="simple,head_length=0.9,head_width=0.9,tail_width=0.35", scale=16)
        ax.text((xa + xb) / 2, _ROWS["h"] + 0.3, "unfold", ha="center", va="bottom",
                fontsize=11, color="#595959", style="italic", gid="unfold:label")

    # ---- unfolded
    if view != "folded":
        cols = {t: x0 + dx * t for t in range(1, T + 1)}
        for t in sorted(hl_steps):
            shade = FancyBboxPatch((cols[t] - dx * 0.46, ymin + 0.12), dx * 0.92,
                                   ymax - ymin - 0.24,
                                   boxstyle="round,pad=0,rounding_size=0.2",
                                   facecolor=_STEP_SHADE, edgecolor="none", zorder=0)
            shade.set_gid(f"step:{t}")
            ax.add_patch(shade)
        if initial:
            init_row = "h" if kind == "elman" else "y"
            init_name = "h" if kind == "elman" else "y"
            _node(ax, x0, init_row, f"${init_name}_{{{initial_label}}}$",
                  f"node:{init_name}_{initial_label}", lw=1.2)
        for t in range(1, T + 1):
            xc, s = cols[t], subs[t - 1]
            _node(ax, xc, "x", f"$x_{{{s}}}$", f"node:x_{s}")
            _node(ax, xc, "h", f"$h_{{{s}}}$", f"node:h_{s}")
            vx = (_ROWS["x"] + _NODE_H / 2, _ROWS["h"] - _NODE_H / 2)
            weight_arrow((xc, vx[0]), (xc, vx[1]), "W_xh", t, (xc + 0.12, sum(vx) / 2))
            if outputs == "all" or (outputs == "last" and t == T):
                _node(ax, xc, "y", f"$y_{{{s}}}$", f"node:y_{s}")
                vy = (_ROWS["h"] + _NODE_H / 2, _ROWS["y"] - _NODE_H / 2)
                weight_arrow((xc, vy[0]), (xc, vy[1]), "W_hy", t, (xc + 0.12, sum(vy) / 2))
            # recurrent arrow into step t
            first_dangling = (t == 1 and not initial)
            if kind == "elman":
                yh = _ROWS["h"]
                p1 = (xc - _NODE_W / 2, yh)
                p0 = (xc - dx + _NODE_W / 2, yh) if not first_dangling else (xc - dx + 0.55, yh)
                weight_arrow(p0, p1, rec, t, ((p0[0] + p1[0]) / 2, yh + 0.1),
                             ha="center", va="bottom")
            else:
                p1 = (xc - _NODE_W / 2, _ROWS["h"] + 0.08)
                p0 = (xc - dx + _NODE_W / 2, _ROWS["y"] - 0.08)
                if first_dangling:
                    p0 = (xc - dx + 0.7, _ROWS["y"] - 0.5)
                mid = ((p0[0] + p1[0]) / 2, (p0[1] + p1[1]) / 2)
                weight_arrow(p0, p1, rec, t, (mid[0] + 0.08, mid[1] + 0.12),
                             ha="left", va="bottom")
            if first_dangling:
                yd = _ROWS["h"] if kind == "elman" else _ROWS["y"] - 0.5
                ax.text(xc - dx + 0.35, yd, r"$\cdots$", ha="center", va="center",
                        fontsize=14, color=_INK, gid="dots:left")
        if not initial:
            xc = cols[T]
            color, lw, _ = wcolor(rec)
            if kind == "elman":
                p0, p1 = (xc + _NODE_W / 2, _ROWS["h"]), (xc + dx - 0.55, _ROWS["h"])
            else:
                p0 = (xc + _NODE_W / 2, _ROWS["y"] - 0.08)
                p1 = (xc + dx - 0.7, _ROWS["y"] - 0.5)
            _arrow(ax, p0, p1, f"{rec}:{T + 1}", color=color, lw=lw)
            ax.text(p1[0] + 0.3, p1[1], r"$\cdots$", ha="center", va="center", fontsize=14,
                    color=_INK, gid="dots:right")

    _finish_graph(ax, (xmin, xmax), (ymin, ymax))
    return fig, ax
