"""The look shared by every figure of :mod:`rnnlib.viz`: palette and colour maps.

Colours are colour-blind safe (ColorBrewer PuOr/RdBu/PRGn families): one fill and
one edge colour per kind of node (``x`` input, ``h`` hidden state, ``y`` output,
``E`` loss term), plus the ink, highlight and gradient colours of the graphs.
"""
import matplotlib

# Colour-blind-safe palette (ColorBrewer PuOr/RdBu/PRGn families).
_FILL = {"x": "#d9f0d3", "h": "#d1e5f0", "y": "#fee0b6", "E": "#f4cccc"}
_EDGE = {"x": "#1b7837", "h": "#2166ac", "y": "#b35806", "E": "#b2182b"}
_INK = "#262626"
_HIGHLIGHT = "#c51b7d"
_STEP_SHADE = "#fff2cc"
_GRAD = "#d6604d"
_FORWARD_MUTED = "#a8a8a8"


def _cmap(name):
    """The matplotlib colour map called ``name`` (a colour map object is returned as is)."""
    if not isinstance(name, str):
        return name
    try:
        return matplotlib.colormaps[name]
    except KeyError:
        raise ValueError(f"cmap: expected a matplotlib colour map name, got {name!r}") from None
