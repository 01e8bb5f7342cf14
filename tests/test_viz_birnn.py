"""Tests of rnnlib.viz.draw_birnn: the unrolled bidirectional graph (chapter 5, ``bi-context``)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from rnnlib.viz import draw_birnn  # noqa: E402
from rnnlib.viz._style import _FORWARD_MUTED  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def patches(ax):
    return {p.get_gid(): p for p in ax.patches if p.get_gid()}


@pytest.mark.parametrize("T", [1, 3, 5])
def test_every_step_has_both_layers_and_the_arrows_point_opposite_ways(T):
    _, ax = draw_birnn(T)
    p = patches(ax)
    for t in range(1, T + 1):
        for name in ("x", "hf", "hb", "y"):
            assert f"node:{name}_{t}" in p
        for w in ("W_xh^f", "W_xh^b", "W_hy^f", "W_hy^b", "W_hh^f", "W_hh^b"):
            assert f"{w}:{t}" in p
        # the forward recurrence points right (into hf_t), the backward one left (into hb_t)
        (xa, _), (xb, _) = p[f"W_hh^f:{t}"]._posA_posB
        assert xb > xa
        (xa, _), (xb, _) = p[f"W_hh^b:{t}"]._posA_posB
        assert xb < xa
    assert "node:hf_0" in p and f"node:hb_{T + 1}" in p


def test_highlight_colours_exactly_what_y_t_depends_on():
    T, t = 5, 2
    _, ax = draw_birnn(T, highlight=t)
    p = patches(ax)
    grey = to_hex(_FORWARD_MUTED)
    for s in range(1, T + 1):
        assert (to_hex(p[f"node:hf_{s}"].get_edgecolor()) == grey) == (s > t)
        assert (to_hex(p[f"node:hb_{s}"].get_edgecolor()) == grey) == (s < t)
        assert to_hex(p[f"node:x_{s}"].get_edgecolor()) != grey      # every input
        assert (to_hex(p[f"node:y_{s}"].get_edgecolor()) == grey) == (s != t)


def test_bad_arguments_and_determinism():
    for bad in (0, 6, 2.0, True):
        with pytest.raises(ValueError, match="highlight"):
            draw_birnn(5, highlight=bad)
    with pytest.raises(ValueError, match="T"):
        draw_birnn(0)
    a, b = draw_birnn(3)[0], draw_birnn(3)[0]
    a.canvas.draw()
    b.canvas.draw()
    assert np.array_equal(np.asarray(a.canvas.buffer_rgba()), np.asarray(b.canvas.buffer_rgba()))
