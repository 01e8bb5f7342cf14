"""Bidirectional recurrent layer (Schuster and Paliwal 1997).

Two independent layers read the sequence in opposite directions::

    forward layer:   hf_t = f(hf_{t-1}, x_t)      t = 1..T
    backward layer:  hb_t = f(hb_{t+1}, x_t)      t = T..1
    output:          y_t  = [hf_t; hb_t]           (concatenated on the last axis)

The backward layer is run on the time-reversed input ``x[::-1]`` and its
outputs are reversed again, so that ``y[t]`` pairs ``hf_t`` with ``hb_t`` of the
*same* time step.  Every y_t depends on the whole sequence x_1..x_T, past and
future: a bidirectional layer can not be used to predict the next input.
"""
import numpy as np

from ._checks import check_array


class Bidirectional:
    """Run ``fwd`` left to right and ``bwd`` right to left; concatenate their outputs.

    ``fwd`` and ``bwd`` are recurrent layers with the same ``input_size`` and
    ``dtype`` (e.g. two ``RNN``/``LSTM``/``GRU``; their hidden sizes may differ).
    ``output_size`` is the width of the outputs ``y``: the sum of the two sub-layers' output
    widths (``output_size`` if the layer has one, e.g. ``JordanRNN`` whose outputs are not its
    hidden states, else ``hidden_size``).  ``hidden_size`` = fwd.hidden_size + bwd.hidden_size
    is the sum of the hidden sizes; the two are equal for RNN, LSTM and GRU sub-layers.

    ``forward(x (T, B, D), state=None) -> (y (T, B, Hf + Hb), (fwd_final, bwd_final))``;
    ``state`` is ``None`` or a pair ``(fwd_state, bwd_state)`` (either may be ``None``);
    ``bwd_final`` is the backward layer's state after reading x_1, i.e. ``hb_1``.
    ``backward(d_outputs (T, B, Hf + Hb) or None, d_final_state=None)
    -> (dx, (d_fwd_state0, d_bwd_state0))``  (the widths Hf, Hb being the output widths).

    ``params`` and ``grads`` join the two layers' dicts with prefixes "fwd." and
    "bwd." (the same arrays, so optimisers update the sub-layers in place).
    """

    def __init__(self, fwd, bwd):
        for name, layer in (("fwd", fwd), ("bwd", bwd)):
            for attr in ("forward", "backward", "params", "grads", "hidden_size", "input_size"):
                if not hasattr(layer, attr):
                    raise TypeError(f"{name}: expected a recurrent layer with .{attr}, "
                                    f"got {type(layer).__name__}")
        if fwd is bwd:
            raise ValueError("bwd: expected a second layer object, got the same object as fwd "
                             "(the two directions need their own parameters and caches)")
        if fwd.input_size != bwd.input_size:
            raise ValueError(f"bwd: expected input_size {fwd.input_size} (that of fwd), "
                             f"got {bwd.input_size}")
        if getattr(fwd, "dtype", None) != getattr(bwd, "dtype", None):
            raise TypeError(f"bwd: expected dtype {fwd.dtype} (that of fwd), got {bwd.dtype}")
        self.fwd, self.bwd = fwd, bwd
        self.input_size = fwd.input_size
        self.hidden_size = fwd.hidden_size + bwd.hidden_size
        self.output_size = (getattr(fwd, "output_size", None) or fwd.hidden_size) \
            + (getattr(bwd, "output_size", None) or bwd.hidden_size)
        self.dtype = fwd.dtype
        self._TB = None

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

    def forward(self, x, state=None):
        """Return ``(y (T, B, Hf + Hb), (fwd_final_state, bwd_final_state))``."""
        check_array(x, "x", ("T", "B", self.input_size), self.dtype)
        if state is None:
            state = (None, None)
        elif not isinstance(state, (tuple, list)) or len(state) != 2:
            raise TypeError("state: expected None or a pair (fwd_state, bwd_state), "
                            f"got {type(state).__name__}")
        out_f, fin_f = self.fwd.forward(x, state[0])
        out_b, fin_b = self.bwd.forward(x[::-1], state[1])    # read right to left
        self._TB = x.shape[:2]
        self._widths = (out_f.shape[-1], out_b.shape[-1])     # output widths (Hf, Hb)
        y = np.concatenate([out_f, out_b[::-1]], axis=-1)     # re-align hb_t with hf_t
        return y, (fin_f, fin_b)

    def backward(self, d_outputs, d_final_state=None):
        """Return ``(dx (T, B, D), (d_fwd_state0, d_bwd_state0))``; ``None`` means zeros."""
        if self._TB is None:
            raise RuntimeError("Bidirectional.backward: no forward pass to differentiate; "
                               "call forward first")
        Hf, Hb = self._widths
        if d_final_state is None:
            d_final_state = (None, None)
        elif not isinstance(d_final_state, (tuple, list)) or len(d_final_state) != 2:
            raise TypeError("d_final_state: expected None or a pair (d_fwd_final, d_bwd_final), "
                            f"got {type(d_final_state).__name__}")
        if d_outputs is None:
            d_f = d_b = None
        else:
            check_array(d_outputs, "d_outputs", (*self._TB, Hf + Hb), self.dtype)
            d_f = np.ascontiguousarray(d_outputs[..., :Hf])
            d_b = np.ascontiguousarray(d_outputs[::-1, :, Hf:])   # back into the bwd layer's time
        dx_f, ds_f = self.fwd.backward(d_f, d_final_state[0])
        dx_b, ds_b = self.bwd.backward(d_b, d_final_state[1])
        return dx_f + dx_b[::-1], (ds_f, ds_b)
