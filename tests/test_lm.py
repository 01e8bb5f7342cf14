"""rnnlib.lm and rnnlib.viz.text_heatmap: the helpers of the character language model
(chapter 6), and their errors."""
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import rnnlib
from rnnlib import lm
from rnnlib.viz.text_heatmap import plot_text_heatmap


def _model(K=5, H=4, seed=0, layers=2):
    rng = np.random.default_rng(seed)
    cells = [rnnlib.LSTM(K if i == 0 else H, H, rng=rng) for i in range(layers)]
    layer = rnnlib.Stacked(cells) if layers > 1 else cells[0]
    return rnnlib.SequenceModel(layer, K, rng=rng)


def test_stream_nll_equals_the_loss_of_each_stream_read_at_once():
    K, S = 5, 3
    model = _model(K)
    ids = np.random.default_rng(1).integers(0, K, 3 * 10 + 2)
    nll, N = lm.stream_nll(model, ids, streams=S, T=4)
    n = (ids.size - 1) // S
    assert N == n * S == 30
    total = sum(lm.char_nll(model, ids[s * n:(s + 1) * n + 1]).sum() for s in range(S))
    assert nll == pytest.approx(total / N, rel=1e-12)


def test_stream_nll_does_not_depend_on_the_chunk_length():
    model = _model()
    ids = np.random.default_rng(2).integers(0, 5, 41)
    a = lm.stream_nll(model, ids, streams=4, T=3)[0]
    b = lm.stream_nll(model, ids, streams=4, T=100)[0]
    assert a == pytest.approx(b, rel=1e-12)


def test_char_nll_is_the_cross_entropy_of_the_model_outputs():
    K = 5
    model = _model(K, layers=1)
    ids = np.random.default_rng(3).integers(0, K, 12)
    y, _ = model.forward(np.eye(K)[ids[:-1, None]])
    loss, _ = rnnlib.softmax_cross_entropy(y, ids[1:, None])
    assert lm.char_nll(model, ids).mean() == pytest.approx(loss, rel=1e-12)


def test_evaluate_errors_name_the_argument():
    model = _model()
    with pytest.raises(TypeError, match="model"):
        lm.stream_nll(rnnlib.LSTM(5, 3), np.arange(5))
    with pytest.raises(TypeError, match="ids"):
        lm.char_nll(model, np.zeros(4))
    with pytest.raises(ValueError, match=r"ids: expected values in \[0, 5\)"):
        lm.char_nll(model, np.array([0, 7]))
    with pytest.raises(ValueError, match="ids: expected at least"):
        lm.stream_nll(model, np.arange(3), streams=4)
    with pytest.raises(ValueError, match="one-hot"):
        lm.char_nll(rnnlib.SequenceModel(rnnlib.RNN(3, 4, rng=0), 5, rng=0), np.arange(3))


def test_ngram_probabilities_are_distributions():
    ids = np.random.default_rng(4).integers(0, 6, 500)
    for order in (0, 1):
        p = lm.ngram_probs(ids, 6, order)
        assert p.shape == (6,) and p.sum() == pytest.approx(1.0)
    p2 = lm.ngram_probs(ids, 6, 2)
    assert p2.shape == (6, 6) and np.allclose(p2.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="order"):
        lm.ngram_probs(ids, 6, 3)
    with pytest.raises(ValueError, match="alpha"):
        lm.ngram_probs(ids, 6, 1, alpha=0)
    with pytest.raises(ValueError, match="probs"):
        lm.ngram_nll(np.ones((2, 3)) / 3, ids)


def test_temperature_and_entropy_errors():
    with pytest.raises(ValueError, match="temperature"):
        lm.temperature_softmax(np.zeros(3), 0.0)
    with pytest.raises(TypeError, match="y"):
        lm.temperature_softmax(np.arange(3), 1.0)
    with pytest.raises(ValueError, match="p: expected probabilities"):
        lm.entropy_bits(np.array([0.5, 0.6]))
    assert lm.entropy_bits(np.array([1.0, 0.0])) == 0.0


def test_text_features():
    text = "First Citizen:\nBefore we\n\nAll:\nSpeak.\n"
    pos = lm.line_position(text)
    assert pos[0] == 0 and pos[14] == 14 and pos[15] == 0 and pos[16] == 1
    name = lm.in_speaker_name(text)
    assert "".join(c for c, n in zip(text, name) if n) == "First Citizen:All:"
    assert not lm.in_speaker_name("a\nB:\n").any()       # not after a blank line
    with pytest.raises(TypeError, match="text"):
        lm.line_position(b"abc")


def test_layer_states_are_the_layers_outputs():
    K = 5
    model = _model(K)
    x = np.eye(K)[np.random.default_rng(5).integers(0, K, (7, 2))]
    hs = lm.layer_states(model, x)
    top, _ = model.layer.forward(x)
    assert len(hs) == 2 and np.array_equal(hs[1], top)
    cs = lm.layer_states(model, x, cells=True)
    _, (h_T, c_T) = model.layer.layers[0].forward(x)
    assert np.array_equal(cs[0][-1], c_T) and cs[1].shape == (7, 2, 4)
    with pytest.raises(ValueError, match="state"):
        lm.layer_states(model, x, state=[None])
    with pytest.raises(ValueError, match="cells"):
        lm.layer_states(rnnlib.SequenceModel(rnnlib.RNN(5, 3, rng=0), 5, rng=0), x,
                        cells=True)
    with pytest.raises(TypeError, match="model"):
        lm.layer_states(model.layer, x)


def test_unit_correlations_find_the_unit_that_tracks_a_feature():
    rng = np.random.default_rng(6)
    z = rng.normal(size=200)
    h = rng.normal(size=(200, 8))
    h[:, 3] = 0.2 * z + 0.01 * rng.normal(size=200)
    h[:, 5] = 1.0                                   # a constant unit: correlation 0
    r = lm.unit_correlations(h, z)
    assert np.argmax(np.abs(r)) == 3 and r[3] > 0.99 and r[5] == 0.0
    with pytest.raises(ValueError, match="z: expected shape"):
        lm.unit_correlations(h, z[:10])
    with pytest.raises(ValueError, match="constant"):
        lm.unit_correlations(h, np.ones(200))


def test_cosine_lr_errors():
    with pytest.raises(ValueError, match="i: expected an int in"):
        lm.cosine_lr(5, 5, 1e-2)
    with pytest.raises(ValueError, match="lr_min"):
        lm.cosine_lr(0, 5, 1e-3, 1e-2)
    with pytest.raises(ValueError, match="lr_max"):
        lm.cosine_lr(0, 5, float("nan"))
    assert lm.cosine_lr(0, 1, 0.1) == 0.1


def test_text_heatmap_puts_one_box_per_character():
    text = "ab\ncd e"
    fig, ax = plot_text_heatmap(text, np.arange(7.0), vmin=0, vmax=6, width=4)
    grid = ax.images[0].get_array()
    assert grid.shape == (2, 4) and grid[0, 2] == 2 and grid[1, 0] == 3 and grid[1, 3] == 6
    assert [t.get_text() for t in ax.texts] == ["a", "b", "↵", "c", "d", "e"]
    with pytest.raises(ValueError, match="values"):
        plot_text_heatmap(text, np.arange(3.0), vmin=0, vmax=1)


def test_ngram_probabilities_by_hand():
    # ids 0, 1, 1 with K = 2 and add-one smoothing: counts n(0) = 1, n(1) = 2;
    # bigrams 0->1 once, 1->1 once
    ids = np.array([0, 1, 1])
    assert np.allclose(lm.ngram_probs(ids, 2, 1, alpha=1.0), [2 / 5, 3 / 5])
    assert np.allclose(lm.ngram_probs(ids, 2, 2, alpha=1.0), [[1 / 3, 2 / 3], [1 / 3, 2 / 3]])


def test_cosine_lr_by_hand():
    assert lm.cosine_lr(0, 5, 1.0, 0.1) == pytest.approx(1.0)
    assert lm.cosine_lr(2, 5, 1.0, 0.1) == pytest.approx(0.55)
    assert lm.cosine_lr(4, 5, 1.0, 0.1) == pytest.approx(0.1)
