"""Figures for the course: computational graphs and gradient plots.

Every function draws with matplotlib only (the Agg backend is enough), is
deterministic, never calls ``plt.show()`` and returns ``(fig, ax)``.  Pass
``ax=`` to draw into an existing axes (e.g. a subplot).

* :func:`draw_rnn`             -- folded and/or unfolded graph of an Elman or Jordan RNN.
* :func:`draw_bptt`            -- the unrolled graph with gradients flowing backward in time.
* :func:`plot_gradient_norms`  -- gradient norm against distance in time (log scale).
* :func:`gradient_heatmap`     -- a matrix of norms, e.g. spectral radius x distance in time.
* :func:`plot_hidden_states`   -- heatmap of the hidden state ``h_t`` over time.
* :func:`animation_html`       -- precomputed frames as a deterministic HTML player (static pages).

Artists of the graphs carry a ``gid`` so that tests (and curious students) can
find them: nodes ``"node:h_3"``, weight arrows ``"W_hh:3"`` (the copy that feeds
step 3), gradient arrows ``"grad:h_3"`` and so on.
"""
import functools
import types

import numpy as np

__all__ = ["draw_rnn", "draw_bptt", "plot_gradient_norms", "gradient_heatmap",
           "plot_hidden_states", "animation_html"]

# Colour-blind-safe palette (ColorBrewer PuOr/RdBu/PRGn families).
_FILL = {"x": "#d9f0d3", "h": "#d1e5f0", "y": "#fee0b6", "E": "#f4cccc"}
_EDGE = {"x": "#1b7837", "h": "#2166ac", "y": "#b35806", "E": "#b2182b"}
_INK = "#262626"
_HIGHLIGHT = "#c51b7d"
_STEP_SHADE = "#fff2cc"
_GRAD = "#d6604d"
_FORWARD_MUTED = "#a8a8a8"
_NODE_W, _NODE_H = 0.9, 0.56
_ROWS = {"x": 0.0, "h": 1.7, "y": 3.4, "E": 5.1}
_INCH_PER_UNIT = 0.62

_DEFAULT_WEIGHTS = {"W_xh": r"$W_{xh}$", "W_hh": r"$W_{hh}$", "W_hy": r"$W_{hy}$",
                    "W_yh": r"$W_{yh}$"}


# ----------------------------------------------------------------------------- primitives

@functools.cache
def _mpl():
    """matplotlib, imported on first use so that ``import rnnlib`` stays light."""
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import ListedColormap, LogNorm, Normalize
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
    from matplotlib.path import Path
    return types.SimpleNamespace(
        matplotlib=matplotlib, plt=plt, ScalarMappable=ScalarMappable,
        ListedColormap=ListedColormap, LogNorm=LogNorm, Normalize=Normalize,
        FancyArrowPatch=FancyArrowPatch, FancyBboxPatch=FancyBboxPatch, Rectangle=Rectangle,
        Path=Path)


def _cmap(name):
    if not isinstance(name, str):
        return name
    try:
        return _mpl().matplotlib.colormaps[name]
    except KeyError:
        raise ValueError(f"cmap: expected a matplotlib colour map name, got {name!r}") from None


def _new_axes(ax, width, height):
    if ax is None:
        fig, ax = _mpl().plt.subplots(figsize=(max(width * _INCH_PER_UNIT, 2.5),
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
    patch = _mpl().FancyBboxPatch((xc - _NODE_W / 2, y - _NODE_H / 2), _NODE_W, _NODE_H,
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
        arr = _mpl().FancyArrowPatch(path=path, **style_kw)
    else:
        arr = _mpl().FancyArrowPatch(p0, p1, shrinkA=0, shrinkB=0, **style_kw)
    arr.set_gid(gid)
    ax.add_patch(arr)
    return arr


def _label(ax, x, y, text, gid, *, color=_INK, ha="left", va="center", size=11, bold=False,
           background="white"):
    return ax.text(x, y, text, ha=ha, va=va, fontsize=size, color=color, gid=gid,
                   fontweight="bold" if bold else "normal", zorder=5,
                   bbox=dict(boxstyle="round,pad=0.12", facecolor=background, edgecolor="none",
                             alpha=0.85))


def _delay_mark(ax, x, y, gid):
    """The small filled square marking a one-step delay on a recurrent loop."""
    s = 0.13
    r = _mpl().Rectangle((x - s / 2, y - s / 2), s, s, facecolor=_INK, edgecolor=_INK, zorder=4)
    r.set_gid(gid)
    ax.add_patch(r)


def _bezier(p0, c0, c1, p1):
    P = _mpl().Path
    return P([p0, c0, c1, p1], [P.MOVETO, P.CURVE4, P.CURVE4, P.CURVE4])


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


def _check_T(T):
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"T: expected a positive int, got {T!r}")
    return int(T)


def _time_labels(time_labels, T):
    if time_labels is None:
        return [str(t) for t in range(1, T + 1)]
    labels = [str(s) for s in time_labels]
    if len(labels) != T:
        raise ValueError(f"time_labels: expected {T} labels (one per step), got {len(labels)}")
    return labels


# ----------------------------------------------------------------------------- draw_rnn

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
    set of weights, shared across time.  A small black square on a folded loop
    marks the one-step delay.

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
            weight_arrow(None, None, rec, "folded", (xr + 1.13, yh), path=path)
            _delay_mark(ax, xr + 0.975, yh, "delay")
        else:
            ya, yb = _ROWS["y"], _ROWS["h"]
            path = _bezier((xr, ya), (xr + 1.25, ya), (xr + 1.25, yb), (xr, yb))
            weight_arrow(None, None, rec, "folded", (xr + 1.1, (ya + yb) / 2), path=path)
            _delay_mark(ax, xr + 0.9375, (ya + yb) / 2, "delay")

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
            shade = _mpl().FancyBboxPatch((cols[t] - dx * 0.46, ymin + 0.12), dx * 0.92,
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


# ----------------------------------------------------------------------------- draw_bptt

def draw_bptt(T=4, *, losses="all", grad_norms=None, show_forward=True, cmap="Reds", ax=None):
    """Draw the unrolled graph with the gradient flowing backward in time (BPTT).

    Grey arrows: the forward pass ``x_t -> h_t -> y_t -> E^(t)`` and
    ``h_{t-1} -> h_t``.  Red arrows: the backward pass.  Each loss term enters at
    its own step as ``dE^(t)/dy_t``; the gradient ``dL/dh_t`` collects
    ``W_hy^T dE^(t)/dy_t`` from above and ``(dh_{t+1}/dh_t)^T dL/dh_{t+1}`` from
    the right (the Jacobian ``dh_{t+1}/dh_t = diag(f'(a_{t+1})) W_hh``).  The arrow
    from ``y_t`` is labelled with its share, ``W_hy^T dE^(t)/dy_t``; ``dL/dh_t``, the
    sum, is written under the node ``h_t``.

    ``losses``: ``"all"`` (one loss term per step, ``L = sum_t E^(t)``) or
    ``"last"`` (one loss at the end, many-to-one).  ``grad_norms``: optional
    ``T`` positive numbers, e.g. ``||dL/dh_t||``; they shade the hidden nodes
    (log colour scale, ``cmap``) and are printed under them.

    Returns ``(fig, ax)``.
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
    dx, off = 2.7, 0.17
    xmin, xmax = 0.3, 1.0 + dx * T + 2.2      # room for the last step's labels
    ymin, ymax = _ROWS["x"] - 0.65, _ROWS["E"] + 0.65
    fig, ax = _new_axes(ax, xmax - xmin, ymax - ymin)
    fwd = dict(color=_FORWARD_MUTED, lw=1.0) if show_forward else None
    # Use the light two thirds of the colour map, so that node labels stay legible.
    colormap = _mpl().ListedColormap(_cmap(cmap)(np.linspace(0.05, 0.65, 256)))
    if norms is not None:
        lo, hi = norms.min(), norms.max()
        norm = _mpl().LogNorm(lo, hi) if hi > lo else _mpl().Normalize(lo - 1, hi + 1)

    def has_loss(t):
        return losses == "all" or t == T

    h_in = dict()
    _node(ax, dx * 0.0 + 1.0, "h", r"$h_0$", "node:h_0", lw=1.2)
    for t in range(1, T + 1):
        xc = 1.0 + dx * t
        face = None
        if norms is not None:
            face = colormap(float(norm(norms[t - 1])))
        _node(ax, xc, "x", f"$x_{{{t}}}$", f"node:x_{t}")
        _node(ax, xc, "h", f"$h_{{{t}}}$", f"node:h_{t}", face=face)
        prev = xc - dx
        yh = _ROWS["h"]
        if fwd:
            _arrow(ax, (xc, _ROWS["x"] + _NODE_H / 2), (xc, yh - _NODE_H / 2), f"fwd:x{t}", **fwd)
            _arrow(ax, (prev + _NODE_W / 2, yh + 0.12), (xc - _NODE_W / 2, yh + 0.12),
                   f"fwd:h{t}", **fwd)
        # gradient h_t -> h_{t-1}
        _arrow(ax, (xc - _NODE_W / 2, yh - 0.12), (prev + _NODE_W / 2, yh - 0.12),
               f"grad:h_{t}->h_{t - 1}", color=_GRAD, lw=1.9)
        _label(ax, (prev + xc) / 2, yh - 0.3, rf"$\partial h_{{{t}}}/\partial h_{{{t - 1}}}$",
               f"label:dh{t}", color=_GRAD, ha="center", va="top", size=10)
        # dL/dh_t (and its norm) under the node: it is the sum of what arrives from
        # above and from the right, not what the arrow from y_t carries
        text = rf"$\partial L/\partial h_{{{t}}}$"
        if norms is not None:
            text = rf"$\|\partial L/\partial h_{{{t}}}\|$" + "\n" + f"= {norms[t - 1]:.2g}"
        _label(ax, xc + 0.1, yh - _NODE_H / 2 - 0.42, text, f"label:dLdh{t}", color=_GRAD,
               size=10, va="top")
        if has_loss(t):
            _node(ax, xc, "y", f"$y_{{{t}}}$", f"node:y_{t}")
            _node(ax, xc, "E", f"$E^{{({t})}}$", f"node:E_{t}")
            if fwd:
                _arrow(ax, (xc - off, yh + _NODE_H / 2), (xc - off, _ROWS["y"] - _NODE_H / 2),
                       f"fwd:y{t}", **fwd)
                _arrow(ax, (xc - off, _ROWS["y"] + _NODE_H / 2),
                       (xc - off, _ROWS["E"] - _NODE_H / 2), f"fwd:E{t}", **fwd)
            _arrow(ax, (xc + off, _ROWS["E"] - _NODE_H / 2),
                   (xc + off, _ROWS["y"] + _NODE_H / 2), f"grad:E_{t}->y_{t}", color=_GRAD, lw=1.9)
            _arrow(ax, (xc + off, _ROWS["y"] - _NODE_H / 2), (xc + off, yh + _NODE_H / 2),
                   f"grad:y_{t}->h_{t}", color=_GRAD, lw=1.9)
            _label(ax, xc + off + 0.12, (_ROWS["y"] + _ROWS["E"]) / 2,
                   rf"$\partial E^{{({t})}}/\partial y_{{{t}}}$", f"label:dEdy{t}",
                   color=_GRAD, size=10)
            _label(ax, xc + off + 0.12, (yh + _ROWS["y"]) / 2,
                   rf"$W_{{hy}}^\top \partial E^{{({t})}}/\partial y_{{{t}}}$",
                   f"label:share{t}", color=_GRAD, size=10)
        h_in[t] = xc
    if losses == "last":
        ax.text(1.0 + dx * T - _NODE_W / 2 - 0.3, _ROWS["E"], r"$L = E^{(" + str(T) + ")}$",
                ha="right", va="center", fontsize=11, color=_INK, gid="loss:total")
    else:
        ax.text(1.0 + dx - _NODE_W / 2 - 0.15, _ROWS["E"],
                r"$L = \sum_t E^{(t)}$", ha="right", va="center", fontsize=11, color=_INK,
                gid="loss:total")
        xmin = min(xmin, 1.0 + dx - _NODE_W / 2 - 2.1)
    if norms is not None:
        sm = _mpl().ScalarMappable(norm=norm, cmap=colormap)
        cb = fig.colorbar(sm, ax=ax, fraction=0.025, pad=0.02, shrink=0.8)
        cb.set_label(r"$\|\partial L/\partial h_t\|$")
    _finish_graph(ax, (xmin, xmax), (ymin, ymax))
    return fig, ax


# ----------------------------------------------------------------------------- plots

def _as_curves(norms, name="norms"):
    if isinstance(norms, np.ndarray) and norms.ndim in (1, 2):
        curves = [norms] if norms.ndim == 1 else list(norms)
    elif isinstance(norms, (list, tuple)) and norms and all(np.ndim(c) == 1 for c in norms):
        curves = list(norms)
    elif isinstance(norms, (list, tuple)) and norms and all(np.ndim(c) == 0 for c in norms):
        curves = [np.asarray(norms)]
    else:
        raise TypeError(f"{name}: expected a 1-D array (one curve), a 2-D array or a list of "
                        f"1-D arrays (one per curve), got {type(norms).__name__}")
    out = []
    for i, c in enumerate(curves):
        c = np.asarray(c, dtype=np.float64)
        if c.size == 0:
            raise ValueError(f"{name}[{i}]: expected at least one value, got none")
        if np.any(np.isnan(c)):
            raise ValueError(f"{name}[{i}]: expected numbers, got NaN")
        out.append(c)
    return out


def plot_gradient_norms(norms, labels=None, *, x=None, log=True, ax=None,
                        xlabel=r"distance in time $T - t$",
                        ylabel=r"$\|\partial L/\partial h_t\|$", title=None, styles=None):
    """Plot gradient norms against time (one curve per model or setting).

    ``norms``: a 1-D array (one curve), a 2-D array ``(n_curves, n_steps)`` or a list
    of 1-D arrays.  ``x``: the abscissa (default ``0, 1, ...``, e.g. the
    distance ``T - t``).  ``labels``: one legend entry per curve.  ``log``: log
    y scale (non-positive values are not drawn).  ``styles``: one dict per curve of
    matplotlib line properties that replace the defaults (e.g. ``{"ls": "--",
    "marker": "s", "markevery": 10}``), so that curves lying on top of each other
    stay distinguishable; ``None`` or ``{}`` keeps the default for that curve.
    Returns ``(fig, ax)``.
    """
    curves = _as_curves(norms)
    if labels is not None:
        labels = [str(s) for s in labels]
        if len(labels) != len(curves):
            raise ValueError(f"labels: expected {len(curves)} labels (one per curve), "
                             f"got {len(labels)}")
    if styles is not None:
        styles = list(styles)
        if len(styles) != len(curves):
            raise ValueError(f"styles: expected {len(curves)} dicts (one per curve), "
                             f"got {len(styles)}")
        if not all(s is None or isinstance(s, dict) for s in styles):
            raise TypeError("styles: expected a dict of line properties (or None) per curve")
    if ax is None:
        fig, ax = _mpl().plt.subplots(figsize=(6.4, 3.8))
    else:
        fig = ax.figure
    colors = _cmap("viridis" if len(curves) > 6 else "tab10")
    for i, c in enumerate(curves):
        xs = np.arange(c.size) if x is None else np.asarray(x, dtype=np.float64)
        if xs.shape != c.shape:
            raise ValueError(f"x: expected shape {c.shape} to match norms[{i}], got {xs.shape}")
        color = colors(i / max(len(curves) - 1, 1)) if len(curves) > 6 else colors(i)
        kw = dict(marker="o" if c.size <= 30 else None, markersize=3.5, lw=1.6, color=color)
        kw.update((styles[i] or {}) if styles is not None else {})
        ax.plot(xs, c, label=None if labels is None else labels[i], **kw)
    if log:
        ax.set_yscale("log", nonpositive="mask")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if labels is not None:
        ax.legend(frameon=False, fontsize=9)
    return fig, ax


def gradient_heatmap(matrix, *, row_labels=None, col_labels=None, log=True, cmap="viridis",
                     colorbar=True, annotate=False, fmt="{:.1e}", xlabel="distance in time",
                     ylabel=None, title=None, cbar_label=r"$\|\partial L/\partial h_t\|$",
                     ax=None):
    """Heatmap of a matrix of norms, e.g. rows = spectral radius (or model), columns =
    distance in time.

    ``log`` uses a log colour scale (non-positive entries are shown grey).
    ``row_labels``/``col_labels`` label the ticks; ``annotate`` writes each value
    with ``fmt``.  Returns ``(fig, ax)``; the colour bar (if any) is
    ``ax.images[0].colorbar``.
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
        fig, ax = _mpl().plt.subplots(figsize=(min(max(4.0, per_col * C + 2.2), 12.0),
                                        min(max(2.4, 0.42 * R + 1.4), 8.0)))
    else:
        fig = ax.figure
    cm = _cmap(cmap).with_extremes(bad="#d9d9d9")
    if log:
        pos = m[m > 0]
        lo, hi = (pos.min(), pos.max()) if pos.size else (1e-12, 1.0)
        norm = _mpl().LogNorm(lo, hi if hi > lo else lo * 10)
        shown = np.ma.masked_less_equal(m, 0)
    else:
        norm = _mpl().Normalize(m.min(), m.max() if m.max() > m.min() else m.min() + 1)
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
    ``ax`` every frame).  Returns ``(fig, ax)``.
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
        fig, ax = _mpl().plt.subplots(figsize=(min(max(4.0, 0.16 * T + 2.0), 12.0),
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


# ----------------------------------------------------------------------------- animations

def animation_html(fig, update, frames, *, name, interval=800, dpi=72, default_mode="once"):
    """Render ``update(frame)`` for each of ``frames`` into a self-contained HTML player.

    For static pages (no Python kernel): the frames are drawn now, embedded as PNG
    images, and played back by matplotlib's JavaScript player (play buttons and a
    slider).  ``update(frame)`` redraws ``fig`` for one frame.  ``name`` (letters,
    digits, underscores) becomes the id of the player's HTML elements, replacing the
    random id matplotlib would use, so the same figure gives the same HTML on every
    run.  ``interval`` is ms per frame, ``dpi`` the frame resolution.  The figure is
    closed afterwards (it is not shown a second time).  Returns the HTML as a str.

    The player's buttons use Font Awesome icons, which Jupyter and the course
    website's theme already provide; matplotlib's ``<link>`` to a copy on a CDN is
    removed, so the HTML loads nothing from other hosts (the site also works offline).
    """
    import re

    from matplotlib.animation import FuncAnimation

    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"name: expected letters, digits and underscores (an identifier), "
                         f"got {name!r}")
    frames = list(frames)
    if not frames:
        raise ValueError("frames: expected at least one frame, got none")
    if default_mode not in ("once", "loop", "reflect"):
        raise ValueError(f"default_mode: expected 'once', 'loop' or 'reflect', "
                         f"got {default_mode!r}")
    plt = _mpl().plt
    try:
        with _mpl().matplotlib.rc_context({"savefig.dpi": dpi}):
            anim = FuncAnimation(fig, update, frames=frames, interval=interval, repeat=False)
            html = anim.to_jshtml(default_mode=default_mode)
    finally:
        plt.close(fig)
    html = re.sub(r'<link[^>]*font-awesome[^>]*>\s*', "", html)   # no CDN request
    ids = set(re.findall(r"_anim_img([0-9a-f]{32})", html))
    if len(ids) != 1:
        raise RuntimeError(f"animation_html: expected one player id in matplotlib's HTML, "
                           f"found {len(ids)}")
    return html.replace(ids.pop(), name)
