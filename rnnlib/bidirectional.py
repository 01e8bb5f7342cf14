"""Bidirectional recurrent layer (Schuster and Paliwal 1997).

Two independent layers read the sequence in opposite directions::

    forward layer:   hf_t = f(hf_{t-1}, x_t)      t = 1..T
    backward layer:  hb_t = f(hb_{t+1}, x_t)      t = T..1
    output:          y_t  = [hf_t; hb_t]           (concatenated on the last axis)

The backward layer is run on the time-reversed input and its outputs are
reversed again, so that ``y[t]`` pairs ``hf_t`` with ``hb_t`` of the *same* time
step.  Every y_t depends on the whole sequence x_1..x_T, past and future: a
bidirectional layer is not causal and can not be used to predict the next input.

Variable-length batches (``lengths``): sequence b has ``T_b = lengths[b]`` valid
steps followed by padding.  Its backward direction must start at its *own* last
valid step, ``hb_{T_b} = f(hb_{T_b + 1}, x_{T_b})`` with ``hb_{T_b + 1}`` the given
initial state of the backward layer: each sequence is reversed within its
length (``x_{T_b}, ..., x_1``, then the padding), not the padded array as a
whole.  Reversing the padded array would make the backward layer read the
padding first and start from a state that depends on it (a classic bug).
"""
import numpy as np

from ._checks import check_array
from .layer import SequenceLayer, check_lengths

__all__ = ["Bidirectional"]


def reverse_within_lengths(T, lengths):
    """Time indices ``(T, B)`` that reverse each sequence within its length.

    ``idx[t, b] = lengths[b] - 1 - t`` for ``t < lengths[b]`` and ``t`` for the padding;
    ``a[idx, arange(B)]`` reverses the valid part of every sequence of a time-major ``a``.
    The map is its own inverse.
    """
    t = np.arange(T)[:, None]
    return np.where(t < lengths, lengths - 1 - t, t)


class Bidirectional(SequenceLayer):
    """Run ``fwd`` left to right and ``bwd`` right to left; concatenate their outputs.

    ``fwd`` and ``bwd`` are recurrent layers with the same ``input_size`` and
    ``dtype`` (e.g. two ``RNN``/``LSTM``/``GRU``; their sizes may differ).
    ``output_size`` is the sum of the two layers' output sizes (Hf + Hb), and so is
    ``hidden_size`` for RNN, LSTM and GRU sub-layers (for ``JordanRNN`` sub-layers,
    whose outputs are not their hidden states, ``hidden_size`` is the sum of the
    hidden sizes).  ``causal`` is False.

    ``forward(x (T, B, D), state=None, lengths=None) -> (y (T, B, Hf + Hb),
    (fwd_final, bwd_final))``; ``state`` is ``None`` or a pair ``(fwd_state, bwd_state)``
    (either may be ``None``); ``bwd_final`` is the backward layer's state after reading
    x_1.  With ``lengths`` (B,), ``fwd_final`` is the state after x_{T_b}, outputs at
    padded steps are 0 and get no gradient.
    ``backward(d_outputs (T, B, Hf + Hb) or None, d_final_state=None)
    -> (dx, (d_fwd_state0, d_bwd_state0))``.

    ``params`` and ``grads`` join the two layers' dicts with prefixes "fwd." and
    "bwd." (the same arrays, so optimisers update the sub-layers in place).
    """

    causal = False

    def __init__(self, fwd, bwd):
        for name, layer in (("fwd", fwd), ("bwd", bwd)):
            if not isinstance(layer, SequenceLayer):
                raise TypeError(f"{name}: expected a recurrent layer (a subclass of "
                                f"rnnlib.layer.SequenceLayer), got {type(layer).__name__}")
        if fwd is bwd:
            raise ValueError("bwd: expected a second layer object, got the same object as fwd "
                             "(the two directions need their own parameters and caches)")
        if fwd.input_size != bwd.input_size:
            raise ValueError(f"bwd: expected input_size {fwd.input_size} (that of fwd), "
                             f"got {bwd.input_size}")
        if fwd.dtype != bwd.dtype:
            raise TypeError(f"bwd: expected dtype {fwd.dtype} (that of fwd), got {bwd.dtype}")
        self.fwd, self.bwd = fwd, bwd
        self.input_size = fwd.input_size
        self.hidden_size = fwd.hidden_size + bwd.hidden_size
        self.dtype = fwd.dtype
        self._cache = None

    @property
    def output_size(self):
        """``fwd.output_size + bwd.output_size``: the width of ``y_t = [hf_t; hb_t]``."""
        return self.fwd.output_size + self.bwd.output_size

    def zero_state(self, batch_size):
        """The pair ``(fwd zero state, bwd zero state)``."""
        return (self.fwd.zero_state(batch_size), self.bwd.zero_state(batch_size))

    def summary(self, outputs, last):
        """``[hf_{T_b}; hb_1]``: each direction's output after it has read the whole sequence."""
        Hf = self.fwd.output_size
        return np.concatenate([self.fwd.summary(outputs[..., :Hf], last),
                               outputs[0, :, Hf:]], axis=-1)

    def summary_backward(self, d_summary, shape, last):
        Hf = self.fwd.output_size
        d_outputs = np.zeros(shape, dtype=d_summary.dtype)
        d_outputs[..., :Hf] = self.fwd.summary_backward(d_summary[:, :Hf], shape[:2] + (Hf,), last)
        d_outputs[0, :, Hf:] = d_summary[:, Hf:]
        return d_outputs

    def __repr__(self):
        return f"Bidirectional({self.fwd!r}, {self.bwd!r})"

    @property
    def params(self):
        """``{"fwd.<name>": ..., "bwd.<name>": ...}``: the sub-layers' own arrays."""
        return {**{f"fwd.{k}": v for k, v in self.fwd.params.items()},
                **{f"bwd.{k}": v for k, v in self.bwd.params.items()}}

    @property
    def grads(self):
        """Gradients keyed like ``params`` (read afresh after each ``backward``)."""
        return {**{f"fwd.{k}": v for k, v in self.fwd.grads.items()},
                **{f"bwd.{k}": v for k, v in self.bwd.grads.items()}}

    def forward(self, x, state=None, lengths=None):
        """Return ``(y (T, B, Hf + Hb), (fwd_final_state, bwd_final_state))``."""
        check_array(x, "x", ("T", "B", self.input_size), self.dtype)
        T, B, _ = x.shape
        lengths = check_lengths(lengths, T, B)
        if state is None:
            state = (None, None)
        elif not isinstance(state, (tuple, list)) or len(state) != 2:
            raise TypeError("state: expected None or a pair (fwd_state, bwd_state), "
                            f"got {type(state).__name__}")
        if lengths is None:
            rev = None
            x_rev = x[::-1]                                    # read right to left
        else:
            rev = (reverse_within_lengths(T, lengths), np.arange(B))
            x_rev = x[rev]                                     # each sequence within its length
        out_f, fin_f = self.fwd.forward(x, state[0], lengths=lengths)
        out_b, fin_b = self.bwd.forward(x_rev, state[1], lengths=lengths)
        out_b = out_b[::-1] if rev is None else out_b[rev]    # re-align hb_t with hf_t
        self._cache = {"TB": (T, B), "rev": rev, "Hf": out_f.shape[-1]}
        return np.concatenate([out_f, out_b], axis=-1), (fin_f, fin_b)

    def backward(self, d_outputs, d_final_state=None):
        """Return ``(dx (T, B, D), (d_fwd_state0, d_bwd_state0))``; ``None`` means zeros."""
        if self._cache is None:
            raise RuntimeError("Bidirectional.backward: no forward pass to differentiate; "
                               "call forward first")
        T, B = self._cache["TB"]
        rev, Hf = self._cache["rev"], self._cache["Hf"]
        if d_final_state is None:
            d_final_state = (None, None)
        elif not isinstance(d_final_state, (tuple, list)) or len(d_final_state) != 2:
            raise TypeError("d_final_state: expected None or a pair (d_fwd_final, d_bwd_final), "
                            f"got {type(d_final_state).__name__}")
        if d_outputs is None:
            d_f = d_b = None
        else:
            check_array(d_outputs, "d_outputs", (T, B, self.output_size), self.dtype)
            d_f = np.ascontiguousarray(d_outputs[..., :Hf])
            d_b = d_outputs[..., Hf:]
            d_b = np.ascontiguousarray(d_b[::-1] if rev is None else d_b[rev])  # bwd layer's time
        dx_f, ds_f = self.fwd.backward(d_f, d_final_state[0])
        dx_b, ds_b = self.bwd.backward(d_b, d_final_state[1])
        return dx_f + (dx_b[::-1] if rev is None else dx_b[rev]), (ds_f, ds_b)
