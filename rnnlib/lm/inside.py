"""Looking inside a character model: hidden states and features a reader can name
(chapter label ``lm-inside``; Karpathy, Johnson and Fei-Fei 2015).

A unit is *found by search*, not picked by eye: for a feature ``z_t`` of the text
(the position in the line, inside a speaker's name, ...) and every hidden unit j,
the Pearson correlation over a passage (``lm-eq-correlation``)::

    r_j = sum_t (h_tj - mean h_j)(z_t - mean z) / sqrt(sum_t (h_tj - mean h_j)^2 sum_t (z_t - mean z)^2)

and the unit with the largest |r_j| is the candidate, to be checked on another passage.
"""
import numpy as np

from ..lstm import LSTM
from ..model import SequenceModel
from ..stacked import Stacked

__all__ = ["layer_states", "line_position", "in_speaker_name", "unit_correlations"]


def layer_states(model, x, state=None, *, cells=False):
    """Hidden states of every layer of ``model`` on the inputs ``x (T, B, D)``.

    Returns a list with one ``(T, B, H_l)`` array per layer (one entry if the model's
    layer is not a ``Stacked``), the outputs ``h_t`` of each layer; with ``cells=True``
    the LSTM cell states ``c_t`` instead (every layer must then be an ``LSTM``).  The
    layers' own forward is used, layer by layer."""
    if not isinstance(model, SequenceModel):
        raise TypeError(f"model: expected an rnnlib.SequenceModel, got {type(model).__name__}")
    layers = model.layer.layers if isinstance(model.layer, Stacked) else [model.layer]
    if cells and not all(isinstance(layer, LSTM) for layer in layers):
        raise ValueError("cells: expected every layer to be an LSTM (only an LSTM has a cell "
                         f"state), got {[type(layer).__name__ for layer in layers]}")
    states = [None] * len(layers) if state is None else list(state)
    if len(states) != len(layers):
        raise ValueError(f"state: expected one entry per layer ({len(layers)}), "
                         f"got {len(states)}")
    out, h = [], x
    for layer, s in zip(layers, states):
        h, _ = layer.forward(h, s)
        out.append(layer.cache["c"][1:] if cells else h)
    return out


def _check_text(text):
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, got {type(text).__name__}")
    return text


def line_position(text):
    """For every character, how many characters precede it on its line (0 after a newline);
    a newline gets the length of the line it ends.  int64 ``(len(text),)``."""
    text = _check_text(text)
    out, k = np.empty(len(text), dtype=np.int64), 0
    for t, ch in enumerate(text):
        out[t] = k
        k = 0 if ch == "\n" else k + 1
    return out


def in_speaker_name(text):
    """For every character, True if it is part of a speaker's name: a line that starts the
    text or follows a blank line and ends with ``:`` (e.g. ``First Citizen:``), the colon
    included, the newline not.  bool ``(len(text),)``."""
    text = _check_text(text)
    out = np.zeros(len(text), dtype=bool)
    start = 0
    for line in text.split("\n"):
        first = start == 0 or text[start - 2:start] == "\n\n"
        if first and line.endswith(":") and len(line) > 1:
            out[start:start + len(line)] = True
        start += len(line) + 1
    return out


def unit_correlations(h, z):
    """Pearson correlation of every unit of ``h (T, H)`` with the feature ``z (T,)``
    (``lm-eq-correlation``): ``(H,)`` float64; a constant unit gets 0."""
    a = np.asarray(h, dtype=np.float64)
    f = np.asarray(z, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"h: expected shape (T, H), got {a.shape}")
    if f.shape != (a.shape[0],):
        raise ValueError(f"z: expected shape ({a.shape[0]},), got {f.shape}")
    a = a - a.mean(axis=0)
    f = f - f.mean()
    if not np.any(f):
        raise ValueError("z: expected a feature that varies over the passage, got a constant")
    den = np.sqrt((a * a).sum(axis=0) * (f @ f))
    num = f @ a
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)
