"""What every sequence layer says about itself (chapter label ``rnn-architectures``).

A sequence layer (every recurrent layer, a stack of them, a model with an output
head, or a window network that reads the last w inputs) maps an input sequence
``x (T, B, D)`` and an initial state to an output sequence ``(T, B, output_size)``
and a final state.  Other parts of
``rnnlib`` (stacks, models, truncated BPTT, generation) need three facts about a
layer, and each layer states them instead of leaving them to be guessed:

* ``causal``: True if the output at step t depends only on ``x_1..x_t``.  A
  bidirectional layer is not causal: it can not be cut into chunks, carried
  from one batch to the next, or used to predict the next input.
* ``output_size``: the width of its outputs (``hidden_size`` for RNN, LSTM and
  GRU; ``O`` for the Jordan network, whose outputs are ``y_t``).
* ``zero_state(B)``: the structure of its state, filled with zeros (an array
  ``(B, H)`` for RNN and GRU, a pair ``(h, c)`` for the LSTM, a pair
  ``(fwd_state, bwd_state)`` for a bidirectional layer, a list for a stack).
* ``summary(outputs, last)``: its output after it has read each whole sequence, what a
  many-to-one head reads (``h_{T_b}``; ``[hf_{T_b}; hb_1]`` for a bidirectional layer).

Every layer also has ``params`` and ``grads`` (dicts with the same keys and
shapes), ``forward(x, state=None, lengths=None) -> (outputs, final_state)`` and
``backward(d_outputs, d_final_state=None) -> (dx, d_initial_state)``.
"""
import numpy as np

__all__ = ["SequenceLayer", "NOT_CAUSAL", "check_lengths"]

NOT_CAUSAL = ("a bidirectional layer reads the future (its backward direction starts at the "
              "end of the sequence), so the sequence can not be cut into chunks or continued "
              "from a carried state")


class SequenceLayer:
    """Base class of the sequence layers: declares ``causal``, ``output_size``, ``zero_state``.

    ``RNN``, ``LSTM``, ``GRU``, ``JordanRNN``, ``Bidirectional``, ``Stacked`` and
    ``SequenceModel`` subclass it.  Subclasses set ``input_size``, ``hidden_size``,
    ``dtype``, ``params`` and ``grads`` and implement ``forward`` and ``backward``.
    A layer written by a student becomes usable in ``Stacked``, ``SequenceModel``,
    ``fit`` and the BPTT functions by subclassing it.
    """

    causal = True

    @property
    def output_size(self):
        """Width of the outputs; ``hidden_size`` unless the layer says otherwise."""
        return self.hidden_size

    def zero_state(self, batch_size):
        """The initial state ``h_0 = 0`` in this layer's state structure: ``(B, H)`` zeros."""
        return np.zeros((batch_size, self.hidden_size), dtype=self.dtype)

    def summary(self, outputs, last):
        """The output after each whole sequence: ``outputs[last[b], b]``, shape ``(B, W)``.

        ``outputs (T, B, W)`` are this layer's outputs and ``last (B,)`` the index of each
        sequence's last valid step (``T - 1`` without padding).
        """
        return outputs[last, np.arange(len(last))]

    def summary_backward(self, d_summary, shape, last):
        """The gradient of ``summary`` spread back onto the outputs: ``(T, B, W)``, zero elsewhere."""
        d_outputs = np.zeros(shape, dtype=d_summary.dtype)
        d_outputs[last, np.arange(len(last))] = d_summary
        return d_outputs

    def forward(self, x, state=None, lengths=None):
        raise NotImplementedError(f"{type(self).__name__}.forward: a SequenceLayer must implement "
                                  f"forward(x, state=None, lengths=None) -> (outputs, final_state)")

    def backward(self, d_outputs, d_final_state=None):
        raise NotImplementedError(f"{type(self).__name__}.backward: a SequenceLayer must implement "
                                  f"backward(d_outputs, d_final_state=None) -> (dx, d_initial_state)")


def check_lengths(lengths, T, B):
    """Check a ``lengths`` array (B,) of ints in ``[1, T]``; return it as ``intp`` (or None).

    ``lengths[b]`` is the number of valid steps of sequence b; steps after it are padding.
    """
    if lengths is None:
        return None
    if not isinstance(lengths, np.ndarray) or lengths.dtype.kind not in "iu":
        got = lengths.dtype if isinstance(lengths, np.ndarray) else type(lengths).__name__
        raise TypeError(f"lengths: expected an integer numpy array of shape ({B},), got {got}")
    if lengths.shape != (B,):
        raise ValueError(f"lengths: expected shape ({B},) (one length per sequence), "
                         f"got {lengths.shape}")
    if lengths.min() < 1 or lengths.max() > T:
        raise ValueError(f"lengths: expected values in [1, {T}] (T = {T}), got values in "
                         f"[{lengths.min()}, {lengths.max()}]")
    return lengths.astype(np.intp)
