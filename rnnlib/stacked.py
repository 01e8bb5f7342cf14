"""Deep (stacked) recurrent networks (Graves 2013; chapter label ``rnn-deep``).

Layer l reads the output sequence of layer l - 1::

    h^(0)_t = x_t,      h^(l)_t = f^(l)(h^(l)_{t-1}, h^(l-1)_t),   l = 1..L

and the stack's outputs are the top layer's ``h^(L)_1..h^(L)_T``.  Backward runs
the layers in reverse: the ``dx`` of layer l is the ``d_outputs`` of layer l - 1.
"""
import numpy as np

from .layer import SequenceLayer

__all__ = ["Stacked"]


class Stacked(SequenceLayer):
    """A stack of recurrent layers, each layer's outputs feeding the next layer's inputs.

    ``Stacked([RNN(D, H1), LSTM(H1, H2)])``.  ``params``/``grads`` are flat dicts
    ``"0.W_xh", "0.W_hh", ..., "1.W_xh", ...`` holding the layers' own arrays (a fresh
    dict on each access, so it always shows the layers' current ``grads``).
    Causal if every layer is; ``output_size`` is the top layer's.

    ``forward(x (T, B, D), state=None, lengths=None) -> (outputs of the top layer,
    [final state of each layer])``; ``state`` is a list with one initial state per layer
    (an entry may be None = zeros); ``lengths`` (B,) is passed to every layer.
    ``backward(d_outputs, d_final_state=None) -> (dx, [d initial state of each layer])``;
    ``d_final_state`` is None or a list with one entry per layer (an entry may be None).
    """

    def __init__(self, layers):
        if not isinstance(layers, (list, tuple)) or len(layers) == 0:
            raise ValueError(f"layers: expected a non-empty list of recurrent layers, got {layers!r}")
        for i, layer in enumerate(layers):
            if not isinstance(layer, SequenceLayer):
                raise TypeError(f"layers[{i}]: expected a recurrent layer (a subclass of "
                                f"rnnlib.layer.SequenceLayer), got {type(layer).__name__}")
        for i in range(1, len(layers)):
            out, inp = layers[i - 1].output_size, layers[i].input_size
            if out != inp:
                raise ValueError(f"layers[{i}]: expected input_size {out} (the output size of "
                                 f"layers[{i - 1}]), got {inp}")
        for i, layer in enumerate(layers):
            for j in range(i):
                if layers[j] is layer:
                    raise ValueError(f"layers: expected distinct layer objects, got the same object "
                                     f"at layers[{j}] and layers[{i}] (each layer of a stack needs "
                                     f"its own parameters, gradients and caches)")
        owner = {}
        for i, layer in enumerate(layers):
            for k, v in layer.params.items():
                j = owner.setdefault(id(v), i)
                if j != i:
                    raise ValueError(f"layers: expected layers with their own parameters, got "
                                     f"layers[{i}].params[{k!r}] shared with layers[{j}] (the "
                                     f"gradients of a shared array would overwrite each other)")
        dtypes = {np.dtype(layer.dtype) for layer in layers}
        if len(dtypes) > 1:
            raise TypeError(f"layers: expected one dtype for all layers, got {sorted(map(str, dtypes))}")
        self.layers = list(layers)
        self.dtype = dtypes.pop()
        self.input_size = layers[0].input_size
        self.hidden_size = layers[-1].output_size

    @property
    def causal(self):
        """True if every layer of the stack is causal."""
        return all(layer.causal for layer in self.layers)

    @property
    def output_size(self):
        return self.layers[-1].output_size

    def zero_state(self, batch_size):
        """A list with each layer's zero state."""
        return [layer.zero_state(batch_size) for layer in self.layers]

    def summary(self, outputs, last):
        """The top layer's summary (its outputs are the stack's)."""
        return self.layers[-1].summary(outputs, last)

    def summary_backward(self, d_summary, shape, last):
        return self.layers[-1].summary_backward(d_summary, shape, last)

    def __repr__(self):
        return "Stacked([" + ", ".join(repr(layer) for layer in self.layers) + "])"

    def __len__(self):
        return len(self.layers)

    @property
    def params(self):
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    @property
    def grads(self):
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.grads.items()}

    def _per_layer(self, value, name):
        if value is None:
            return [None] * len(self.layers)
        if not isinstance(value, (list, tuple)) or len(value) != len(self.layers):
            given = f"{type(value).__name__} of length {len(value)}" \
                if isinstance(value, (list, tuple)) else type(value).__name__
            raise ValueError(f"{name}: expected None or a list of {len(self.layers)} per-layer "
                             f"states, got {given}")
        return list(value)

    def forward(self, x, state=None, lengths=None):
        """``h^(l) = layer_l(h^(l-1))`` for l = 1..L; return ``(h^(L), [final states])``."""
        states = self._per_layer(state, "state")
        finals = []
        h = x
        for layer, s in zip(self.layers, states):
            h, final = layer.forward(h, s, lengths=lengths)
            finals.append(final)
        return h, finals

    def backward(self, d_outputs, d_final_state=None):
        """Backward from the top layer down; return ``(dx, [d initial state of each layer])``."""
        d_finals = self._per_layer(d_final_state, "d_final_state")
        d_states = [None] * len(self.layers)
        d = d_outputs
        for i in reversed(range(len(self.layers))):
            d, d_states[i] = self.layers[i].backward(d, d_finals[i])
        return d, d_states
