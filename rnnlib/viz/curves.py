"""Curves over time: one line per model or setting, a value for every time step.

* :func:`plot_per_step`        -- any per-step quantity (accuracy at step ``t``, mean
  ``|h_t|``, a norm ...) against the time step.
* :func:`plot_gradient_norms`  -- the same plot for gradient norms ``||dL/dh_t||``
  against the distance in time ``T - t``, on a log scale (chapter label
  ``bptt-look-ahead``).
"""
import matplotlib.pyplot as plt
import numpy as np

from ._style import _cmap

__all__ = ["plot_per_step", "plot_gradient_norms"]


def _as_curves(values, name):
    """``values`` as a list of 1-D float64 arrays, one per curve (errors name ``name``)."""
    if isinstance(values, np.ndarray) and values.ndim in (1, 2):
        curves = [values] if values.ndim == 1 else list(values)
    elif isinstance(values, (list, tuple)) and values and all(np.ndim(c) == 1 for c in values):
        curves = list(values)
    elif isinstance(values, (list, tuple)) and values and all(np.ndim(c) == 0 for c in values):
        curves = [np.asarray(values)]
    else:
        raise TypeError(f"{name}: expected a 1-D array (one curve), a 2-D array or a list of "
                        f"1-D arrays (one per curve), got {type(values).__name__}")
    out = []
    for i, c in enumerate(curves):
        c = np.asarray(c, dtype=np.float64)
        if c.size == 0:
            raise ValueError(f"{name}[{i}]: expected at least one value, got none")
        if np.any(np.isnan(c)):
            raise ValueError(f"{name}[{i}]: expected numbers, got NaN")
        out.append(c)
    return out


def plot_per_step(curves, labels=None, *, x=None, log=True, ax=None, xlabel="time step $t$",
                  ylabel=None, title=None, styles=None):
    """Plot a quantity against the time step (one curve per model or setting).

    ``curves``: a 1-D array (one curve), a 2-D array ``(n_curves, n_steps)`` or a list
    of 1-D arrays, e.g. the accuracy at each step or the mean ``|h_t|``.  ``x``: the
    abscissa (default ``0, 1, ...``; e.g. ``1, ..., T``).  ``labels``: one legend
    entry per curve.  ``log``: log y scale (non-positive values are not drawn);
    pass ``log=False`` for quantities such as an accuracy.  ``xlabel``, ``ylabel``,
    ``title``: axis labels and title (``None`` draws none; there is no default y
    label: say what is plotted).  ``styles``: one dict per curve of matplotlib line
    properties that replace the defaults (e.g. ``{"ls": "--", "marker": "s",
    "markevery": 10}``), so that curves lying on top of each other stay
    distinguishable; ``None`` or ``{}`` keeps the default for that curve.
    Returns ``(fig, ax)``.
    """
    curves = _as_curves(curves, "curves")
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
        fig, ax = plt.subplots(figsize=(6.4, 3.8))
    else:
        fig = ax.figure
    colors = _cmap("viridis" if len(curves) > 6 else "tab10")
    for i, c in enumerate(curves):
        xs = np.arange(c.size) if x is None else np.asarray(x, dtype=np.float64)
        if xs.shape != c.shape:
            raise ValueError(f"x: expected shape {c.shape} to match curve {i}, got {xs.shape}")
        color = colors(i / max(len(curves) - 1, 1)) if len(curves) > 6 else colors(i)
        kw = dict(marker="o" if c.size <= 30 else None, markersize=3.5, lw=1.6, color=color)
        kw.update((styles[i] or {}) if styles is not None else {})
        ax.plot(xs, c, label=None if labels is None else labels[i], **kw)
    if log:
        ax.set_yscale("log", nonpositive="mask")
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if labels is not None:
        ax.legend(frameon=False, fontsize=9)
    return fig, ax


def plot_gradient_norms(norms, labels=None, *, x=None, log=True, ax=None,
                        xlabel=r"distance in time $T - t$",
                        ylabel=r"$\|\partial L/\partial h_t\|$", title=None, styles=None):
    """Plot gradient norms against time (one curve per model or setting).

    :func:`plot_per_step` with the labels of a gradient plot.  ``norms``: a 1-D array
    (one curve), a 2-D array ``(n_curves, n_steps)`` or a list of 1-D arrays.  ``x``:
    the abscissa (default ``0, 1, ...``, e.g. the distance ``T - t``).  ``labels``:
    one legend entry per curve.  ``log``: log y scale (non-positive values are not
    drawn).  ``styles``: one dict per curve of matplotlib line properties that
    replace the defaults (see :func:`plot_per_step`).  Returns ``(fig, ax)``.
    """
    return plot_per_step(_as_curves(norms, "norms"), labels, x=x, log=log, ax=ax,
                         xlabel=xlabel, ylabel=ylabel, title=title, styles=styles)
