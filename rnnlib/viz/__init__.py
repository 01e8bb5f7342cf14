"""Figures for the course: computational graphs, curves over time, heatmaps, animations.

Every function draws with matplotlib only (the Agg backend is enough), is
deterministic, never calls ``plt.show()`` and returns ``(fig, ax)``.  Pass
``ax=`` to draw into an existing axes (e.g. a subplot).

* :func:`draw_rnn`             -- folded and/or unfolded graph of an Elman or Jordan RNN
  (:mod:`~rnnlib.viz.rnn_graph`).
* :func:`draw_birnn`           -- the unrolled graph of a bidirectional RNN
  (:mod:`~rnnlib.viz.birnn_graph`).
* :func:`draw_bptt`            -- the unrolled graph with gradients flowing backward in time
  (:mod:`~rnnlib.viz.bptt_graph`).
* :func:`plot_per_step`        -- any per-step quantity (accuracy, mean ``|h_t|``) against time
  (:mod:`~rnnlib.viz.curves`).
* :func:`plot_gradient_norms`  -- gradient norm against distance in time (log scale)
  (:mod:`~rnnlib.viz.curves`).
* :func:`gradient_heatmap`     -- a matrix of norms, e.g. spectral radius x distance in time
  (:mod:`~rnnlib.viz.heatmaps`).
* :func:`plot_hidden_states`   -- heatmap of the hidden state ``h_t`` over time
  (:mod:`~rnnlib.viz.heatmaps`).
* :func:`animation_html`       -- precomputed frames as a deterministic HTML player (static pages)
  (:mod:`~rnnlib.viz.animation`).

Artists of the graphs carry a ``gid`` so that tests (and curious students) can
find them: nodes ``"node:h_3"``, weight arrows ``"W_hh:3"`` (the copy that feeds
step 3), gradient arrows ``"grad:h_3->h_2"`` and so on.  The palette and the drawing
primitives they share live in ``_style`` and ``_graph_parts``.
"""
from .animation import animation_html
from .birnn_graph import draw_birnn
from .bptt_graph import draw_bptt
from .curves import plot_gradient_norms, plot_per_step
from .heatmaps import gradient_heatmap, plot_hidden_states
from .rnn_graph import draw_rnn

__all__ = ["draw_rnn", "draw_birnn", "draw_bptt", "plot_per_step", "plot_gradient_norms",
           "gradient_heatmap", "plot_hidden_states", "animation_html"]
