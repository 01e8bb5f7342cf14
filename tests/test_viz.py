"""Tests of rnnlib.viz: every figure is built, labelled as documented and deterministic."""
import ast
import io
import os
import pathlib
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import LogNorm, to_hex  # noqa: E402

import rnnlib  # noqa: E402
from rnnlib import viz  # noqa: E402
from rnnlib.viz import (draw_bptt, draw_rnn, gradient_heatmap, plot_gradient_norms,  # noqa: E402
                        plot_hidden_states, plot_per_step)
from rnnlib.viz._style import _HIGHLIGHT  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures(monkeypatch):
    def no_show(*args, **kwargs):
        raise AssertionError("viz must never call plt.show()")
    monkeypatch.setattr(plt, "show", no_show)
    yield
    plt.close("all")


def texts(ax):
    return [t.get_text() for t in ax.texts]


def gids(ax, prefix):
    return [p.get_gid() for p in ax.patches if (p.get_gid() or "").startswith(prefix)]


def pixels(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


# ----------------------------------------------------------------------------- draw_rnn

@pytest.mark.parametrize("T", [1, 3, 6])
def test_unfolded_rnn_shares_the_same_matrices_at_every_step(T):
    fig, ax = draw_rnn("unfolded", T=T)
    assert isinstance(fig, matplotlib.figure.Figure) and ax.figure is fig
    t = texts(ax)
    assert t.count(r"$W_{xh}$") == T and t.count(r"$W_{hh}$") == T
    assert t.count(r"$W_{hy}$") == T
    for s in range(1, T + 1):
        assert f"$x_{{{s}}}$" in t and f"$h_{{{s}}}$" in t and f"$y_{{{s}}}$" in t
    assert "$h_{0}$" in t
    assert sorted(gids(ax, "W_hh:")) == sorted(f"W_hh:{s}" for s in range(1, T + 1))
    assert not ax.axison


def test_folded_rnn_has_a_self_loop_with_a_delay():
    fig, ax = draw_rnn("folded")
    t = texts(ax)
    assert set(t) >= {r"$x_t$", r"$h_t$", r"$y_t$", r"$W_{xh}$", r"$W_{hh}$", r"$W_{hy}$"}
    assert t.count(r"$W_{hh}$") == 1
    loop = [p for p in ax.patches if p.get_gid() == "W_hh:folded"][0]
    verts = loop._path_original.vertices                    # (matplotlib is pinned)
    np.testing.assert_allclose(verts[0, 0], verts[-1, 0])   # leaves and re-enters h_t
    assert gids(ax, "delay")


def test_both_views_side_by_side():
    fig, ax = draw_rnn(T=4)
    t = texts(ax)
    assert "unfold" in t
    assert t.count(r"$W_{hh}$") == 5                         # the loop + four copies
    assert "$h_t$" in t and "$h_{4}$" in t
    folded_x = [p.get_x() for p in ax.patches if p.get_gid() == "node:h_t"][0]
    unfolded_x = [p.get_x() for p in ax.patches if p.get_gid() == "node:h_1"][0]
    assert folded_x < unfolded_x


def test_jordan_network_feeds_outputs_back():
    fig, ax = draw_rnn(kind="jordan", T=3)
    t = texts(ax)
    assert r"$W_{hh}$" not in t
    assert t.count(r"$W_{yh}$") == 4                         # the loop + three copies
    assert "$y_{0}$" in t
    arrow = [p for p in ax.patches if p.get_gid() == "W_yh:2"][0]
    (x0, y0), (x1, y1) = arrow._posA_posB                   # (matplotlib is pinned)
    assert y0 > y1 and x0 < x1                               # from y_1 down to h_2
    with pytest.raises(ValueError, match="outputs"):
        draw_rnn(kind="jordan", outputs="last")


def test_outputs_last_and_none():
    _, ax = draw_rnn("unfolded", T=5, outputs="last")
    assert texts(ax).count(r"$W_{hy}$") == 1 and "$y_{5}$" in texts(ax)
    _, ax = draw_rnn("unfolded", T=5, outputs="none")
    assert r"$W_{hy}$" not in texts(ax)


def test_highlight_weights_and_steps():
    _, ax = draw_rnn("unfolded", T=3, highlight=["W_hh", 2])
    for p in ax.patches:
        gid = p.get_gid() or ""
        if gid.startswith("W_hh:"):
            assert to_hex(p.get_edgecolor()) == _HIGHLIGHT
        elif gid.startswith("W_xh:"):
            assert to_hex(p.get_edgecolor()) != _HIGHLIGHT
    assert gids(ax, "step:") == ["step:2"]
    labels = [t for t in ax.texts if t.get_text() == r"$W_{hh}$"]
    assert all(to_hex(t.get_color()) == _HIGHLIGHT for t in labels)
    with pytest.raises(ValueError, match="highlight"):
        draw_rnn(T=3, highlight=4)
    with pytest.raises(ValueError, match="highlight"):
        draw_rnn(T=3, highlight="W_zz")
    with pytest.raises(TypeError, match="highlight"):
        draw_rnn(T=3, highlight=[1.5])


def test_relative_time_labels_and_other_notation():
    _, ax = draw_rnn("unfolded", T=3, initial=False, time_labels=["t-1", "t", "t+1"],
                     weight_labels={"W_xh": "$U$", "W_hh": "$W$", "W_hy": "$V$"})
    t = texts(ax)
    assert "$h_{t-1}$" in t and "$x_{t+1}$" in t and "$h_{0}$" not in t
    assert t.count("$W$") == 3 and t.count("$U$") == 3 and r"$W_{hh}$" not in t
    assert r"$\cdots$" in t


def test_draw_rnn_bad_arguments():
    with pytest.raises(ValueError, match="view"):
        draw_rnn("sideways")
    with pytest.raises(ValueError, match="kind"):
        draw_rnn(kind="hopfield")
    with pytest.raises(ValueError, match="T"):
        draw_rnn(T=0)
    with pytest.raises(ValueError, match="time_labels"):
        draw_rnn(T=3, time_labels=["a", "b"])
    with pytest.raises(ValueError, match="weight_labels"):
        draw_rnn(weight_labels={"U": "$U$"})


def test_draw_into_given_axes_and_determinism():
    fig, axes = plt.subplots(1, 2, figsize=(8, 3))
    f2, a2 = draw_rnn("folded", ax=axes[0])
    assert f2 is fig and a2 is axes[0]
    a, b = draw_rnn(T=3)[0], draw_rnn(T=3)[0]
    np.testing.assert_array_equal(pixels(a), pixels(b))
    buf = io.BytesIO()
    a.savefig(buf, format="png")
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"


# ----------------------------------------------------------------------------- draw_bptt

def test_bptt_gradient_arrows_flow_backward():
    T = 4
    _, ax = draw_bptt(T)
    back = [p for p in ax.patches if (p.get_gid() or "").startswith("grad:h_")]
    assert len(back) == T
    for p in back:                                            # right to left
        (x0, _), (x1, _) = p._posA_posB
        assert x0 > x1
    assert len(gids(ax, "grad:E_")) == T                      # a loss term enters every step
    t = texts(ax)
    for s in range(1, T + 1):
        assert rf"$\partial E^{{({s})}}/\partial y_{{{s}}}$" in t
        assert rf"$\partial L/\partial h_{{{s}}}$" in t
    assert r"$L = \sum_t E^{(t)}$" in t


def test_bptt_single_loss_at_the_end():
    _, ax = draw_bptt(5, losses="last")
    assert gids(ax, "grad:E_") == ["grad:E_5->y_5"]
    assert len(gids(ax, "grad:h_")) == 5
    assert "$L = E^{(5)}$" in texts(ax)


def test_bptt_shading_by_gradient_norm():
    norms = [1e-4, 1e-3, 1e-2, 1e-1]
    fig, ax = draw_bptt(4, grad_norms=norms)
    faces = {p.get_gid(): p.get_facecolor() for p in ax.patches
             if (p.get_gid() or "").startswith("node:h_")}
    lum = [0.299 * f[0] + 0.587 * f[1] + 0.114 * f[2] for f in
           (faces[f"node:h_{s}"] for s in range(1, 5))]
    assert lum == sorted(lum, reverse=True) and lum[0] > lum[-1]   # larger norm, darker
    assert len(fig.axes) == 1                        # no colour bar: the norms are printed
    assert any("0.001" in s for s in texts(ax))
    with pytest.raises(ValueError, match="grad_norms"):
        draw_bptt(4, grad_norms=[1.0, 2.0])
    with pytest.raises(ValueError, match="grad_norms"):
        draw_bptt(2, grad_norms=[1.0, 0.0])
    with pytest.raises(ValueError, match="losses"):
        draw_bptt(2, losses="some")


def test_bptt_arrow_from_y_carries_only_its_share_and_the_total_sits_under_h():
    _, ax = draw_bptt(3, grad_norms=[1.0, 2.0, 3.0])
    by_gid = {t.get_gid(): t for t in ax.texts}
    for s in range(1, 4):
        share = by_gid[f"label:share{s}"]
        assert share.get_text() == (rf"$W_{{hy}}^\top$" + "\n"
                                    + rf"$\partial E^{{({s})}}/\partial y_{{{s}}}$")
        _, y_share = share.get_position()
        assert 1.7 < y_share < 3.4                       # between the h and y rows
        total = by_gid[f"label:dLdh{s}"]
        assert total.get_position()[1] < 1.7 - 0.28      # under the node h_s
        assert rf"\partial L/\partial h_{{{s}}}" in total.get_text()
    _, ax = draw_bptt(3, losses="last")
    assert [t.get_gid() for t in ax.texts if (t.get_gid() or "").startswith("label:share")] \
        == ["label:share3"]


@pytest.mark.parametrize("losses", ["all", "last"])
def test_bptt_fits_a_book_column_with_legible_labels_that_do_not_overlap(losses):
    fig, ax = draw_bptt(6, losses=losses, grad_norms=[0.2, 0.35, 0.6, 0.9, 1.2, 0.8])
    width, _ = fig.get_size_inches()
    assert width <= 7.0                          # shown at column width (~6.8 in) unshrunk
    assert min(t.get_fontsize() for t in ax.texts) >= 11    # edge labels too, not only nodes
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = {t.get_gid(): t.get_window_extent(renderer) for t in ax.texts}
    for box in boxes.values():                   # nothing is cut off
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= fig.bbox.x1 and box.y1 <= fig.bbox.y1
    labels = [(g, b) for g, b in boxes.items() if not g.startswith("node:")]
    for i, (g1, b1) in enumerate(labels):
        for g2, b2 in labels[i + 1:]:
            assert not b1.overlaps(b2), f"{g1} overlaps {g2}"
        for patch in ax.patches:                 # no label sits on a node
            if (patch.get_gid() or "").startswith("node:"):
                assert not b1.overlaps(patch.get_window_extent(renderer)), \
                    f"{g1} overlaps {patch.get_gid()}"


# ----------------------------------------------------------------------------- plots

def test_plot_gradient_norms():
    d = np.arange(30)
    norms = np.stack([0.9 ** d, 1.05 ** d])
    fig, ax = plot_gradient_norms(norms, labels=["rho 0.9", "rho 1.05"])
    assert len(ax.lines) == 2 and ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), 1.05 ** d)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["rho 0.9", "rho 1.05"]
    _, ax = plot_gradient_norms([np.ones(3), np.ones(5)], log=False)
    assert len(ax.lines) == 2 and ax.get_yscale() == "linear" and ax.get_legend() is None
    _, ax = plot_gradient_norms(np.ones(4), x=np.arange(4) * 10)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0, 10, 20, 30])
    with pytest.raises(ValueError, match="labels"):
        plot_gradient_norms(norms, labels=["one"])
    with pytest.raises(ValueError, match="x"):
        plot_gradient_norms(np.ones(4), x=np.arange(3))
    with pytest.raises(TypeError, match="norms"):
        plot_gradient_norms(np.ones((2, 2, 2)))


def test_plot_per_step_is_generic():
    acc = np.linspace(0.5, 1.0, 12)
    fig, ax = plot_per_step([acc, acc[::-1]], ["model a", "model b"], x=np.arange(1, 13),
                            log=False, ylabel="accuracy at step $t$", title="accuracy")
    assert len(ax.lines) == 2 and ax.get_yscale() == "linear"
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(1, 13))
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), acc[::-1])
    assert ax.get_xlabel() == "time step $t$" and ax.get_ylabel() == "accuracy at step $t$"
    assert ax.get_title() == "accuracy"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["model a", "model b"]
    _, ax = plot_per_step(np.geomspace(1.0, 1e-6, 50))          # defaults: log y, no y label
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "" and ax.get_legend() is None
    assert ax.get_xlabel() == "time step $t$"
    _, ax = plot_per_step(np.ones(3), xlabel=None)
    assert ax.get_xlabel() == ""
    fig, axes = plt.subplots(1, 2)                               # draws into a given axes
    f, a = plot_per_step(np.ones(4), ax=axes[1], styles=[{"ls": ":"}])
    assert f is fig and a is axes[1] and a.lines[0].get_linestyle() == ":"
    with pytest.raises(TypeError, match="curves"):
        plot_per_step(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="curves"):
        plot_per_step([np.ones(3), np.array([1.0, np.nan])])
    with pytest.raises(ValueError, match="x"):
        plot_per_step(np.ones(4), x=np.arange(3))
    with pytest.raises(ValueError, match="labels"):
        plot_per_step(np.ones(4), labels=["a", "b"])


def test_plot_gradient_norms_is_plot_per_step_with_gradient_labels():
    norms = [0.9 ** np.arange(20), 1.05 ** np.arange(20)]
    styles = [None, {"ls": "--"}]
    _, a = plot_gradient_norms(norms, ["a", "b"], styles=styles, title="t")
    _, b = plot_per_step(norms, ["a", "b"], styles=styles, title="t",
                         xlabel=r"distance in time $T - t$",
                         ylabel=r"$\|\partial L/\partial h_t\|$")
    assert a.get_xlabel() == r"distance in time $T - t$"
    assert a.get_ylabel() == r"$\|\partial L/\partial h_t\|$"
    assert a.get_yscale() == b.get_yscale() == "log"
    for la, lb in zip(a.lines, b.lines, strict=True):
        np.testing.assert_array_equal(la.get_xydata(), lb.get_xydata())
        assert la.get_color() == lb.get_color() and la.get_linestyle() == lb.get_linestyle()
        assert la.get_marker() == lb.get_marker() and la.get_linewidth() == lb.get_linewidth()
    assert pixels(a.figure).tobytes() == pixels(b.figure).tobytes()
    with pytest.raises(ValueError, match="norms"):                # errors name its argument
        plot_gradient_norms([np.array([np.nan])])


def test_gradient_heatmap():
    m = np.array([[1.0, 0.1, 0.01, 0.0], [1.0, 1.1, 1.2, 1.3]])
    fig, ax = gradient_heatmap(m, row_labels=["0.9", "1.1"], col_labels=[0, 1, 2, 3],
                               ylabel="spectral radius", annotate=True)
    im = ax.images[0]
    assert isinstance(im.norm, LogNorm)
    arr = im.get_array()
    assert arr.shape == (2, 4) and arr.mask[0, 3] and not arr.mask[1].any()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0.9", "1.1"]
    assert len(ax.texts) == 8 and ax.texts[1].get_text() == "1.0e-01"
    assert ax.get_ylabel() == "spectral radius" and len(fig.axes) == 2
    _, ax = gradient_heatmap(m, log=False, colorbar=False)
    assert not isinstance(ax.images[0].norm, LogNorm)
    with pytest.raises(ValueError, match="matrix"):
        gradient_heatmap(np.ones(3))
    with pytest.raises(ValueError, match="row_labels"):
        gradient_heatmap(m, row_labels=["a"])


def test_plot_hidden_states():
    h = np.tanh(np.random.default_rng(0).standard_normal((12, 3, 5)))
    fig, ax = plot_hidden_states(h, batch_index=2, tokens=list("ab c\nefghijk"))
    np.testing.assert_array_equal(ax.images[0].get_array(), h[:, 2, :].T)  # units x time
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[2] == "\u2423" and ticks[4] == "\u21b5" and ticks[0] == "a"
    assert ax.images[0].get_clim() == (-1.0, 1.0)
    _, ax = plot_hidden_states(h[:, 0, :])
    np.testing.assert_array_equal(ax.images[0].get_array(), h[:, 0, :].T)
    with pytest.raises(ValueError, match="h"):
        plot_hidden_states(np.ones(4))
    with pytest.raises(ValueError, match="batch_index"):
        plot_hidden_states(h, batch_index=3)
    with pytest.raises(ValueError, match="tokens"):
        plot_hidden_states(h, tokens="abc")


def test_plot_gradient_norms_styles_keep_overlapping_curves_apart():
    same = np.ones(40)
    _, ax = plot_gradient_norms([same, same, same], labels=["a", "b", "c"], log=False,
                                styles=[{"ls": "--", "marker": "s", "markevery": 10}, None, {}])
    assert ax.lines[0].get_linestyle() == "--" and ax.lines[0].get_marker() == "s"
    assert ax.lines[0].get_markevery() == 10
    assert ax.lines[1].get_linestyle() == "-" and ax.lines[1].get_marker() == "None"
    assert ax.lines[0].get_color() != ax.lines[1].get_color()      # colour kept unless given
    handles = ax.get_legend().legend_handles                         # the legend shows the style
    assert handles[0].get_linestyle() == "--" and handles[0].get_marker() == "s"
    _, ax = plot_gradient_norms(np.ones(5), styles=[{"color": "k", "lw": 3}])
    assert to_hex(ax.lines[0].get_color()) == "#000000" and ax.lines[0].get_linewidth() == 3
    assert ax.lines[0].get_marker() == "o"                            # defaults not overridden stay
    with pytest.raises(ValueError, match="styles"):
        plot_gradient_norms([same, same], styles=[{}])
    with pytest.raises(TypeError, match="styles"):
        plot_gradient_norms([same, same], styles=[{}, "--"])


def test_plot_hidden_states_colorbar_label_range_and_cax():
    rng = np.random.default_rng(1)
    change = np.tanh(rng.standard_normal((8, 4))) - np.tanh(rng.standard_normal((8, 4)))
    lim = np.abs(change).max()
    fig, ax = plot_hidden_states(change, vmin=-lim, vmax=lim, cbar_label="change in $h_t$")
    assert ax.images[0].get_clim() == (-lim, lim)
    assert len(fig.axes) == 2 and fig.axes[1].get_ylabel() == "change in $h_t$"
    _, ax = plot_hidden_states(change)                               # default label: h_t
    assert ax.figure.axes[1].get_ylabel() == "$h_t$"
    fig, (ax, cax) = plt.subplots(1, 2, width_ratios=[10, 1])
    for _ in range(3):                                               # as in an animation
        ax.clear()
        plot_hidden_states(change, ax=ax, cax=cax)
    meshes = [c for c in cax.collections if type(c).__name__ == "QuadMesh"]
    assert len(fig.axes) == 2 and len(meshes) == 1                 # one bar, not three
    assert cax.get_ylabel() == "$h_t$"
    with pytest.raises(ValueError, match="vmin"):
        plot_hidden_states(change, vmin=1.0, vmax=1.0)


def test_import_rnnlib_leaves_the_backend_to_the_user():
    # rnnlib.viz imports pyplot at module level: importing rnnlib must neither open a
    # figure nor fix the backend, so a later matplotlib.use() still decides.
    code = ("import matplotlib, rnnlib; import matplotlib.pyplot as plt; "
            "n = len(plt.get_fignums()); matplotlib.use('svg'); "
            "fig, ax = rnnlib.viz.draw_rnn(); "
            "print(n, plt.get_backend(), type(fig.canvas).__name__)")
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env).stdout.strip()
    assert out == "0 svg FigureCanvasSVG"


def test_animation_html_is_deterministic_and_named():
    def render():
        fig, ax = plt.subplots(figsize=(2, 1.5))

        def update(k):
            ax.clear()
            ax.plot(np.arange(5), np.arange(5) * k)

        return viz.animation_html(fig, update, [0, 1, 2], name="demo_anim", dpi=30)

    a, b = render(), render()
    assert a == b                                        # no random id: same HTML every run
    assert "_anim_imgdemo_anim" in a and "anim_slider" in a
    assert a.count("data:image/png;base64") == 3         # one embedded frame per value
    assert not plt.get_fignums()                         # the figure was closed
    assert "<link" not in a and "https://" not in a      # nothing loaded from other hosts
    for bad in ("has space", "1abc", ""):
        with pytest.raises(ValueError, match="name"):
            viz.animation_html(plt.figure(), lambda k: None, [0], name=bad)
    with pytest.raises(ValueError, match="frames"):
        viz.animation_html(plt.figure(), lambda k: None, [], name="x")
    plt.close("all")


# ----------------------------------------------------------------------------- package layout

def test_viz_is_split_into_small_documented_modules_with_top_level_imports():
    modules = sorted(pathlib.Path(viz.__file__).parent.glob("*.py"))
    assert {m.stem for m in modules} >= {"__init__", "rnn_graph", "bptt_graph", "curves",
                                         "heatmaps", "animation"}
    for path in modules:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        assert len(source.splitlines()) < 300, path.name
        assert ast.get_docstring(tree), f"{path.name}: no module docstring"
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
                assert not inner, f"{path.name}: import inside {node.name}()"


def test_viz_names_are_importable_as_before():
    assert set(viz.__all__) == {"draw_rnn", "draw_birnn", "draw_bptt", "plot_per_step", "plot_gradient_norms",
                                "gradient_heatmap", "plot_hidden_states", "animation_html"}
    for name in viz.__all__:
        assert getattr(rnnlib.viz, name).__module__.startswith("rnnlib.viz.")
    for name in ("draw_rnn", "draw_bptt", "plot_per_step", "plot_gradient_norms",
                 "gradient_heatmap", "plot_hidden_states"):
        assert getattr(rnnlib, name) is getattr(viz, name)
