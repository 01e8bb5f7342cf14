"""A recurrent layer with a linear output head, and one-to-many generation
(chapter label ``rnn-architectures``).

Many-to-many (one output per step, e.g. a language model or tagging)::

    h_1..h_T = layer(x_1..x_T, h_0),     y_t = W_hy h_t + b_y      y: (T, B, K)

Many-to-one (one output per sequence, e.g. classification or the adding problem)::

    y = W_hy h_{T_b} + b_y                                         y: (B, K)

where ``T_b`` is sequence b's own length (``lengths[b]``, padded batches) or T.
For a Bidirectional (top) layer the many-to-one summary is ``[fwd h_T, bwd h_1]``
(each direction's output after it has read the whole sequence).

One-to-many (``generate``): each output is fed back as the next input.
"""
import numpy as np

from ._checks import as_rng, check_array, check_dtype, check_positive_int
from .linear import Linear
from .losses import softmax
from .stacked import Stacked, output_size

__all__ = ["SequenceModel", "generate"]

HEADS = ("many-to-many", "many-to-one")


def _is_bidirectional(layer):
    return hasattr(layer, "fwd") and hasattr(layer, "bwd")


def _top_bidirectional(layer):
    """The Bidirectional layer whose outputs the head reads (top of a Stacked), or None."""
    if isinstance(layer, Stacked):
        layer = layer.layers[-1]
    return layer if _is_bidirectional(layer) else None


def _is_causal(layer):
    """True if the output at step t depends only on x_1..x_t (no backward direction).

    ``layer`` may be a layer, a Stacked or a SequenceModel (its layer is checked)."""
    if _is_bidirectional(layer):
        return False
    if isinstance(layer, Stacked):
        return all(_is_causal(sub) for sub in layer.layers)
    if isinstance(layer, SequenceModel):
        return _is_causal(layer.layer)
    return True


NOT_CAUSAL = ("a bidirectional layer reads the future (its backward direction starts at the "
              "end of the sequence), so the sequence can not be cut into chunks or continued "
              "from a carried state")


class SequenceModel:
    """A recurrent ``layer`` followed by ``Linear(H, output_size)`` applied as the output head.

    ``params``/``grads`` are flat dicts ``"rnn.<name>"`` (the layer's, e.g. ``"rnn.W_xh"``,
    ``"rnn.0.W_hh"`` for a Stacked layer) and ``"head.W"`` (= W_hy), ``"head.b"`` (= b_y),
    holding the layers' own arrays (a fresh dict on each access).

    ``forward(x (T, B, D), state=None, lengths=None) -> (y, final_state)``: ``y`` is
    ``(T, B, K)`` for ``head="many-to-many"`` and ``(B, K)`` for ``"many-to-one"``.
    ``lengths`` (many-to-one only): int array (B,) with 1 <= lengths[b] <= T; the head
    reads ``h`` at step ``lengths[b]`` and the steps after it (padding) get no gradient.
    ``final_state`` is the layer's state after all T steps (including any padding).

    ``backward(dy, d_final_state=None) -> (dx, d_initial_state)`` fills ``grads``.

    The layer must have the same dtype as the model (``dtype=None``: the layer's).
    """

    def __init__(self, layer, output_size, *, head="many-to-many", rng=None, dtype=None):
        if not all(hasattr(layer, a) for a in ("params", "grads", "forward", "backward")):
            raise TypeError(f"layer: expected a recurrent layer with params, grads, forward and "
                            f"backward, got {type(layer).__name__}")
        if head not in HEADS:
            raise ValueError(f"head: expected 'many-to-many' or 'many-to-one', got {head!r}")
        layer_dtype = getattr(layer, "dtype", None)
        if dtype is None:
            if layer_dtype is None:
                raise TypeError("dtype: the layer has no dtype attribute; pass dtype=np.float32 "
                                "or np.float64")
            dtype = layer_dtype
        self.dtype = check_dtype(dtype)
        if layer_dtype is not None and np.dtype(layer_dtype) != self.dtype:
            raise TypeError(f"dtype: expected the layer's dtype {np.dtype(layer_dtype)}, got {self.dtype}")
        H = _layer_out(layer)
        self.layer = layer
        self.head_type = head
        self.input_size = getattr(layer, "input_size", None)
        self.hidden_size = H
        self.output_size = check_positive_int(output_size, "output_size")
        self.head = Linear(H, self.output_size, rng=as_rng(rng), dtype=self.dtype)
        self._cache = None

    def __repr__(self):
        return (f"SequenceModel({self.layer!r}, output_size={self.output_size}, "
                f"head={self.head_type!r})")

    @property
    def params(self):
        p = {f"rnn.{k}": v for k, v in self.layer.params.items()}
        p.update({f"head.{k}": v for k, v in self.head.params.items()})
        return p

    @property
    def grads(self):
        g = {f"rnn.{k}": v for k, v in self.layer.grads.items()}
        g.update({f"head.{k}": v for k, v in self.head.grads.items()})
        return g

    def _check_lengths(self, lengths, T, B):
        if lengths is None:
            return None
        if self.head_type != "many-to-one":
            raise ValueError("lengths: only used with head='many-to-one'; for many-to-many pass a "
                             "mask to the loss instead")
        if not _is_causal(self.layer):
            raise ValueError("lengths: not supported with a Bidirectional layer (its backward "
                             "direction would read the padding first); use equal lengths")
        if not isinstance(lengths, np.ndarray) or lengths.dtype.kind not in "iu":
            raise TypeError(f"lengths: expected an integer numpy array of shape ({B},), got "
                            f"{type(lengths).__name__ if not isinstance(lengths, np.ndarray) else lengths.dtype}")
        if lengths.shape != (B,):
            raise ValueError(f"lengths: expected shape ({B},), got {lengths.shape}")
        if lengths.min() < 1 or lengths.max() > T:
            raise ValueError(f"lengths: expected values in [1, {T}] (T = {T}), got values in "
                             f"[{lengths.min()}, {lengths.max()}]")
        return lengths.astype(np.intp)

    def forward(self, x, state=None, lengths=None):
        """Layer then head; return ``(y, final_state)`` (see the class docstring for shapes)."""
        check_array(x, "x", ("T", "B", self.input_size if self.input_size else "D"), self.dtype)
        T, B, _ = x.shape
        lengths = self._check_lengths(lengths, T, B)
        h, final = self.layer.forward(x) if state is None else self.layer.forward(x, state)
        if self.head_type == "many-to-many":
            summary = h
        elif _top_bidirectional(self.layer) is not None:
            Hf = output_size(_top_bidirectional(self.layer).fwd)
            summary = np.concatenate([h[-1, :, :Hf], h[0, :, Hf:]], axis=-1)
        elif lengths is None:
            summary = h[-1]
        else:
            summary = h[lengths - 1, np.arange(B)]
        self._cache = {"h_shape": h.shape, "lengths": lengths}
        return self.head.forward(summary), final

    def backward(self, dy, d_final_state=None):
        """Head then layer backward; return ``(dx, d_initial_state)``."""
        if self._cache is None:
            raise RuntimeError("SequenceModel.backward: no forward pass; call forward first")
        d_summary = self.head.backward(dy)
        if self.head_type == "many-to-many":
            dh = d_summary
        else:
            T, B, H = self._cache["h_shape"]
            lengths = self._cache["lengths"]
            dh = np.zeros((T, B, H), dtype=self.dtype)
            if _top_bidirectional(self.layer) is not None:
                Hf = output_size(_top_bidirectional(self.layer).fwd)
                dh[-1, :, :Hf] = d_summary[:, :Hf]
                dh[0, :, Hf:] = d_summary[:, Hf:]
            elif lengths is None:
                dh[-1] = d_summary
            else:
                dh[lengths - 1, np.arange(B)] = d_summary
        return self.layer.backward(dh, d_final_state)


def _layer_out(layer):
    H = output_size(layer)
    if H is None:
        raise TypeError(f"layer: cannot tell the output size of {type(layer).__name__} "
                        f"(expected an output_size or hidden_size attribute)")
    return H


def generate(model, x0, steps, *, state=None, mode="sample", temperature=1.0, rng=None):
    """One-to-many: run ``model`` on the prompt ``x0``, then feed each output back as input.

    ``x0``: ``(B, D)`` first input or ``(T0, B, D)`` prompt; ``steps``: outputs to produce.
    ``mode="sample"``: draw ``k ~ softmax(y / temperature)`` and feed ``onehot(k)`` back
    (D must equal K); ``"argmax"``: the same with ``k = argmax y``; both return int
    tokens ``(steps, B)``.  ``mode="value"``: feed ``y_t`` itself back as ``x_{t+1}``
    (regression, e.g. continuing a sine) and return ``(steps, B, K)`` in the model's dtype.
    The first output is the model's prediction after the last prompt step.
    """
    if not isinstance(model, SequenceModel):
        raise TypeError(f"model: expected a SequenceModel (a recurrent layer with an output "
                        f"head), got {type(model).__name__}")
    if not _is_causal(model):
        raise ValueError("model: expected a causal model, got one with a Bidirectional layer; "
                         "a bidirectional network can not be used for next-step prediction "
                         "(every output depends on future inputs)")
    if mode not in ("sample", "argmax", "value"):
        raise ValueError(f"mode: expected 'sample', 'argmax' or 'value', got {mode!r}")
    steps = check_positive_int(steps, "steps")
    if isinstance(temperature, (bool, np.bool_)) \
            or not isinstance(temperature, (int, float, np.integer, np.floating)):
        raise TypeError(f"temperature: expected a finite number > 0, got "
                        f"{type(temperature).__name__}")
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature: expected a finite number > 0, got {temperature!r}")
    temperature = float(temperature)
    if isinstance(x0, np.ndarray) and x0.ndim == 2:
        x0 = x0[None]
    check_array(x0, "x0", ("T0", "B", "D"), getattr(model, "dtype", None))
    B, D = x0.shape[1:]
    K = model.output_size
    if D != K:
        raise ValueError(f"x0: expected input size D = {K} (the output size K, since outputs are "
                         f"fed back as inputs), got D = {D}")
    rng = as_rng(rng)
    dtype = x0.dtype
    tokens = np.empty((steps, B), dtype=np.int64)
    values = np.empty((steps, B, K), dtype=dtype)
    x = x0
    for s in range(steps):
        y, state = model.forward(x, state)
        y = y[-1] if y.ndim == 3 else y                # (B, K): output after the last input
        if mode == "value":
            values[s] = y
            x = y[None].copy()
            continue
        if mode == "argmax":
            k = np.argmax(y, axis=-1)
        else:
            p = softmax(y.astype(np.float64) / temperature)
            u = rng.random((B, 1))
            k = np.minimum((p.cumsum(axis=-1) < u).sum(axis=-1), K - 1)
        tokens[s] = k
        x = np.zeros((1, B, K), dtype=dtype)
        x[0, np.arange(B), k] = 1
    return values if mode == "value" else tokens
