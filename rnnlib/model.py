"""A recurrent layer with a linear output head, and one-to-many generation
(chapter label ``rnn-architectures``).

Many-to-many (one output per step, e.g. a language model or tagging)::

    h_1..h_T = layer(x_1..x_T, h_0),     y_t = W_hy h_t + b_y      y: (T, B, K)

Many-to-one (one output per sequence, e.g. classification or the adding problem)::

    y = W_hy h_{T_b} + b_y                                         y: (B, K)

where ``T_b`` is sequence b's own length (``lengths[b]``, padded batches) or T.
For a bidirectional (top) layer the many-to-one summary is ``[hf_{T_b}; hb_1]``
(each direction's output after it has read the whole sequence).

One-to-many (``generate``): each output is fed back as the next input.
"""
import numpy as np

from ._checks import as_rng, check_array, check_dtype, check_positive_int
from .layer import SequenceLayer, check_lengths
from .linear import OutputLayer
from .losses import softmax

__all__ = ["SequenceModel", "generate"]

HEADS = ("many-to-many", "many-to-one")


class SequenceModel(SequenceLayer):
    """A recurrent ``layer`` followed by the output head ``y_t = W_hy h_t + b_y``.

    ``params``/``grads`` are flat dicts ``"rnn.<name>"`` (the layer's, e.g. ``"rnn.W_xh"``,
    ``"rnn.0.W_hh"`` for a Stacked layer) and ``"head.W_hy"``, ``"head.b_y"`` (the
    ``OutputLayer``'s), holding the layers' own arrays (a fresh dict on each access).
    ``causal`` is the layer's; ``output_size`` is K.

    ``forward(x (T, B, D), state=None, lengths=None) -> (y, final_state)``: ``y`` is
    ``(T, B, K)`` for ``head="many-to-many"`` and ``(B, K)`` for ``"many-to-one"``.
    ``lengths``: int array (B,) with 1 <= lengths[b] <= T, passed to the layer (padded
    steps hold the state, so ``final_state`` is the state at each sequence's last valid
    step).  Many-to-one: the head reads ``h`` at step ``lengths[b]``.  Many-to-many:
    ``y`` is 0 at padded steps and their ``dy`` is ignored (mask the loss there too).

    ``backward(dy, d_final_state=None) -> (dx, d_initial_state)`` fills ``grads``.

    The layer must have the same dtype as the model (``dtype=None``: the layer's).
    """

    def __init__(self, layer, output_size, *, head="many-to-many", rng=None, dtype=None):
        if not isinstance(layer, SequenceLayer):
            raise TypeError(f"layer: expected a recurrent layer (a subclass of "
                            f"rnnlib.layer.SequenceLayer), got {type(layer).__name__}")
        if head not in HEADS:
            raise ValueError(f"head: expected 'many-to-many' or 'many-to-one', got {head!r}")
        self.dtype = layer.dtype if dtype is None else check_dtype(dtype)
        if np.dtype(layer.dtype) != self.dtype:
            raise TypeError(f"dtype: expected the layer's dtype {np.dtype(layer.dtype)}, "
                            f"got {self.dtype}")
        H = layer.output_size
        self.layer = layer
        self.head_type = head
        self.input_size = layer.input_size
        self.hidden_size = H
        self._output_size = check_positive_int(output_size, "output_size")
        self.head = OutputLayer(H, self._output_size, rng=as_rng(rng), dtype=self.dtype)
        self._cache = None

    @property
    def causal(self):
        return self.layer.causal

    @property
    def output_size(self):
        return self._output_size

    def zero_state(self, batch_size):
        return self.layer.zero_state(batch_size)

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

    def forward(self, x, state=None, lengths=None):
        """Layer then head; return ``(y, final_state)`` (see the class docstring for shapes)."""
        check_array(x, "x", ("T", "B", self.input_size), self.dtype)
        T, B, _ = x.shape
        lengths = check_lengths(lengths, T, B)
        h, final = self.layer.forward(x, state, lengths=lengths)
        last = np.full(B, T - 1) if lengths is None else lengths - 1   # index of h_{T_b}
        pad = None
        if self.head_type == "many-to-many":
            summary = h
            if lengths is not None:
                pad = (np.arange(T)[:, None] >= lengths)[..., None]      # (T, B, 1)
        else:
            summary = self.layer.summary(h, last)   # h_{T_b}; [hf_{T_b}; hb_1] if bidirectional
        self._cache = {"h_shape": h.shape, "last": last, "pad": pad}
        y = self.head.forward(summary)
        if pad is not None:
            y[np.broadcast_to(pad, y.shape)] = 0.0
        return y, final

    def backward(self, dy, d_final_state=None):
        """Head then layer backward; return ``(dx, d_initial_state)``."""
        if self._cache is None:
            raise RuntimeError("SequenceModel.backward: no forward pass; call forward first")
        pad = self._cache["pad"]
        if pad is not None:
            check_array(dy, "dy", self._cache["h_shape"][:2] + (self.output_size,), self.dtype)
            dy = np.where(pad, 0.0, dy).astype(self.dtype, copy=False)
        d_summary = self.head.backward(dy)
        if self.head_type == "many-to-many":
            dh = d_summary
        else:
            dh = self.layer.summary_backward(d_summary, self._cache["h_shape"],
                                             self._cache["last"])
        return self.layer.backward(dh, d_final_state)


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
    if not model.causal:
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
    check_array(x0, "x0", ("T0", "B", "D"), model.dtype)
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
