"""The look shared by every figure of :mod:`rnnlib.viz`: palette and colour maps.

Colours are colour-blind safe (ColorBrewer PuOr/RdBu/PRGn families): one fill and
one edge colour per kind of node (``x`` input, ``h`` hidden state, ``y`` output,
``E`` loss term), plus the ink, highlight and gradient colours of the graphs.
``COLUMN_WIDTH`` is the width of the course website's text column in inches (at
the 100 dpi of the stored figures, about 680 px): a figure no wider than that is
shown at its own size, so its 10-pt labels stay 10 pt.  :func:`_readable_log_colorbar`
labels a log colour scale with plain numbers.
"""
import matplotlib
import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

# Colour-blind-safe palette (ColorBrewer PuOr/RdBu/PRGn families).
_FILL = {"x": "#d9f0d3", "h": "#d1e5f0", "y": "#fee0b6", "E": "#f4cccc"}
_EDGE = {"x": "#1b7837", "h": "#2166ac", "y": "#b35806", "E": "#b2182b"}
_INK = "#262626"
_HIGHLIGHT = "#c51b7d"
_STEP_SHADE = "#fff2cc"
_GRAD = "#d6604d"
_FORWARD_MUTED = "#a8a8a8"
COLUMN_WIDTH = 6.8


def _cmap(name):
    """The matplotlib colour map called ``name`` (a colour map object is returned as is)."""
    if not isinstance(name, str):
        return name
    try:
        return matplotlib.colormaps[name]
    except KeyError:
        raise ValueError(f"cmap: expected a matplotlib colour map name, got {name!r}") from None


def _plain_number(value, _pos=None):
    """A tick label such as ``0.001``, ``1.5`` or ``2e+04``: three significant digits."""
    return f"{value:.3g}"


def _readable_log_colorbar(cb):
    """Label the log colour bar ``cb`` (a LogNorm) with plain numbers; returns ``cb``.

    Within one decade matplotlib labels only minor ticks, as ``1.4 x 10^0``: here the
    bar gets about four evenly spaced ticks labelled ``1.4``, ``1.6`` ...  Over more
    than a decade the ticks stay at the powers of ten, labelled ``0.01``, ``0.1``, ``1``
    (``1e-05`` below 0.001).
    """
    lo, hi = float(cb.norm.vmin), float(cb.norm.vmax)
    if not 0 < lo < hi:
        raise ValueError(f"cb: expected a colour bar with 0 < vmin < vmax, got {lo!r}, {hi!r}")
    if hi / lo < 10:
        ticks = MaxNLocator(nbins=6, steps=[1, 2, 5, 10]).tick_values(lo, hi)
        ticks = ticks[(ticks >= lo * (1 - 1e-9)) & (ticks <= hi * (1 + 1e-9))]
    else:
        ticks = 10.0 ** np.arange(np.ceil(np.log10(lo) - 1e-9), np.floor(np.log10(hi) + 1e-9) + 1)
    cb.set_ticks(ticks)
    cb.ax.yaxis.set_major_formatter(FuncFormatter(_plain_number))
    cb.ax.yaxis.set_minor_locator(NullLocator())
    return cb
