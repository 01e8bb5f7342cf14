"""rnnlib: the NumPy library of the course "Recurrent Neural Networks, executable".

Contract (every chapter and test depends on it)
-----------------------------------------------
* Arrays are time-major: inputs ``(T, B, D)``, outputs ``(T, B, H)``.
  T = time steps, B = batch size, D = input size, H = hidden size.
* Column-vector maths in the course's notation,
  ``h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h)``, ``y_t = W_hy h_t + b_y``,
  so ``W_xh`` has shape ``(H, D)`` and code computes ``x @ W_xh.T``.
* Every layer has ``params`` and ``grads``: dicts with the same keys and shapes.
  Parameters are updated in place (optimizers never rebind the arrays).
* Sequence layers subclass ``SequenceLayer`` and say what they are: ``causal``,
  ``output_size``, ``zero_state(B)`` (the structure of their state).
* Recurrent layers: ``forward(x, state=None, lengths=None) -> (outputs, final_state)`` and
  ``backward(d_outputs, d_final_state=None) -> (dx, d_initial_state)``;
  ``backward`` overwrites ``grads`` with the gradients of the last ``forward``.
* Constructors take ``(input_size, hidden_size, *, rng=None, dtype=np.float64)``;
  ``rng`` is a ``numpy.random.Generator`` or an int seed; float32 and float64 both work.
* Bad input raises ``ValueError``/``TypeError`` naming the argument, what was
  expected and what was given.
"""

# --- layers, initialisers and gradient checks ---
from . import init
from .activations import sigmoid
from .rnn import RNN
from .lstm import LSTM
from .gru import GRU
from .bidirectional import Bidirectional
from .linear import Linear, OutputLayer
from .layer import SequenceLayer
from .gradcheck import gradcheck, gradcheck_report, numerical_gradient, rel_error
from . import reference

# --- losses, optimisers, clipping, BPTT and training ---
from . import losses, optim, clip
from .losses import softmax, log_softmax, softmax_cross_entropy, mse, sequence_error
from .optim import SGD, Momentum, Adagrad, RMSProp, Adam
from .clip import global_norm, clip_grad_norm, clip_grad_value
from . import bptt, train
from .jordan import JordanRNN
from .stacked import Stacked
from .model import SequenceModel, generate
from .bptt import full_bptt, truncated_bptt
from .train import fit, History
from . import jacobians, landscape, direction  # gradients over time (chapter 3)

# --- synthetic data, text and figures ---
from . import tasks, text, viz
from . import lm  # the character language model of chapter 6
from .tasks import (one_hot, adding_problem, adding_baseline_mse, ADDING_BASELINE_MSE,
                    copy_task, copy_task_baseline, REBER_SYMBOLS, reber_strings, is_reber,
                    encode_reber, embedded_reber, reber_correct, ReberBatch, future_tagging,
                    noisy_sine, variable_length_classification, recall_first, parity,
                    running_count)
from .text import corpus, CharVocab, char_batch, char_stream, split_text, bits_per_char
from .viz import (draw_rnn, draw_bptt, plot_per_step, plot_gradient_norms, gradient_heatmap,
                  plot_hidden_states)
