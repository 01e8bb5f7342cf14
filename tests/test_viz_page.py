"""rnnlib.viz on the page: frames that stay legible, alt text, plain colour-bar labels.

The course website shows figures in a text column about ``COLUMN_WIDTH`` inches (680 px at
100 dpi) wide. These tests pin what the figure functions promise for it: animation frames at a
resolution that keeps 10-pt labels readable, a real description as the player's alt text, log
colour bars labelled with plain numbers (never ``1.4 x 10^0``), and default figure widths that
fit the column.
"""
import base64
import re
import struct

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import viz  # noqa: E402
from rnnlib.viz._style import COLUMN_WIDTH, _readable_log_colorbar  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def frame_sizes(html):
    """(width, height) in pixels of every PNG frame embedded in an animation player."""
    sizes = []
    for data in re.findall(r"data:image/png;base64,(.*?)\"", html, flags=re.S):
        png = base64.b64decode(re.sub(r"[^A-Za-z0-9+/=]", "", data.replace("\\\n", "")))
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        sizes.append(struct.unpack(">II", png[16:24]))          # the IHDR chunk
    return sizes


def player(**kwargs):
    fig, ax = plt.subplots(figsize=(COLUMN_WIDTH, 2.0))

    def update(k):
        ax.clear()
        ax.plot(np.arange(5), np.arange(5) * k)

    return viz.animation_html(fig, update, [0, 1], name="page_anim", **kwargs)


def test_animation_frames_default_to_100_dpi_a_column_wide_figure_fills_the_column():
    sizes = frame_sizes(player())
    assert len(sizes) == 2
    assert all(w == round(COLUMN_WIDTH * 100) and h == 200 for w, h in sizes), sizes
    assert frame_sizes(player(dpi=50))[0] == (round(COLUMN_WIDTH * 50), 100)


def test_animation_alt_text_is_set_and_escaped():
    html = player(alt='Heatmap of h_t, "rho" < 1 & > 1')
    tags = re.findall(r'<img id="_anim_imgpage_anim"[^>]*>', html)
    assert tags == ['<img id="_anim_imgpage_anim" alt="Heatmap of h_t, &quot;rho&quot; '
                    '&lt; 1 &amp; &gt; 1">']
    assert 'alt=' not in player()                       # no alt given: none invented
    with pytest.raises(ValueError, match="alt"):
        player(alt="   ")
    with pytest.raises(TypeError, match="alt"):
        player(alt=3)


def colorbar_labels(matrix):
    fig, ax = viz.gradient_heatmap(matrix)
    fig.canvas.draw()
    cb = ax.images[0].colorbar
    major = [t.get_text() for t in cb.ax.get_yticklabels()]
    minor = [t.get_text() for t in cb.ax.get_yticklabels(minor=True) if t.get_text()]
    return major, minor


def test_log_colour_bar_within_one_decade_has_plain_evenly_spaced_labels():
    major, minor = colorbar_labels(np.array([[1.37, 2.4], [1.8, 2.0]]))
    assert major == ["1.4", "1.6", "1.8", "2", "2.2", "2.4"] and minor == []
    assert not any("10^" in s or "times" in s for s in major)


def test_log_colour_bar_over_decades_labels_the_powers_of_ten():
    major, minor = colorbar_labels(np.array([[1e-4, 1.0], [0.3, 2.0]]))
    assert major == ["0.0001", "0.001", "0.01", "0.1", "1"] and minor == []


def test_readable_log_colorbar_refuses_a_scale_that_is_not_positive():
    fig, ax = plt.subplots()
    im = ax.imshow(np.array([[-1.0, 1.0]]))
    with pytest.raises(ValueError, match="cb"):
        _readable_log_colorbar(fig.colorbar(im))


@pytest.mark.parametrize("draw", [
    lambda: viz.plot_hidden_states(np.zeros((300, 16))),
    lambda: viz.gradient_heatmap(np.ones((3, 100))),
    lambda: viz.gradient_heatmap(np.ones((3, 40)), annotate=True),
])
def test_default_figures_are_no_wider_than_the_page_column(draw):
    fig, _ = draw()
    assert fig.get_figwidth() <= COLUMN_WIDTH


@pytest.mark.parametrize("kind", ["elman", "jordan"])
def test_the_one_step_delay_is_a_visible_square_labelled_delay(kind):
    fig, ax = viz.draw_rnn("folded", kind=kind)
    squares = [p for p in ax.patches if p.get_gid() == "delay"]
    assert len(squares) == 1
    square = squares[0]
    assert square.get_width() >= 0.2 and square.get_height() >= 0.2   # data units
    labels = [t for t in ax.texts if t.get_gid() == "delay:label"]
    assert [t.get_text() for t in labels] == ["delay"]
    assert labels[0].get_fontsize() >= 9
    # the word sits next to the square: within one node width of its centre
    cx = square.get_x() + square.get_width() / 2
    cy = square.get_y() + square.get_height() / 2
    lx, ly = labels[0].get_position()
    assert abs(lx - cx) < 0.9 and abs(ly - cy) < 0.5
    # and does not cover it: the label starts right of or below the square
    fig.canvas.draw()
    box = labels[0].get_window_extent()
    sq = square.get_window_extent()
    assert box.x0 >= sq.x1 or box.y1 <= sq.y0
