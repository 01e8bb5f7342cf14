"""Full and truncated backpropagation through time (chapter label ``bptt-truncated``).

Full BPTT (Werbos 1990) differentiates the loss of the whole sequence through
all T steps.  Truncated BPTT (Williams and Peng 1990) cuts the sequence into
chunks of k steps, ``[1..k], [k+1..2k], ...``: the forward pass is unchanged
(each chunk starts from the previous chunk's final state, so the outputs are
exactly those of the full forward pass), but the gradient is *not* passed back
across a chunk boundary (the carried state is "detached"), so no gradient path
goes back more than k - 1 steps (from the last step of a chunk to its first).
The parameter gradients of the chunks are added up and one update is made per
call.  With k >= T it is exactly full BPTT.

The loss is the same in both: ``loss, dy = loss_fn(y, d, mask=mask, reduction=reduction)``
on the outputs of the whole sequence, so it may reduce in any way (rnnlib's
``softmax_cross_entropy`` and ``mse`` take these arguments; a loss of your own must
too).  Truncated BPTT runs forward over the chunks (keeping the state at each chunk
start), computes that loss once, then backpropagates ``dy`` chunk by chunk: the last
chunk straight away, every earlier one after running it forward again from its stored
start state (the layer keeps the cache of its last forward only).  That costs one
extra forward pass over the first T - k steps.
"""
import inspect

import numpy as np

from ._checks import check_positive_int
from .layer import NOT_CAUSAL, SequenceLayer

__all__ = ["full_bptt", "truncated_bptt", "check_loss_fn"]

REDUCTIONS = ("mean", "sum")


def check_loss_fn(loss_fn, reduction):
    """Raise unless ``loss_fn(y, d, mask=..., reduction=...)`` can be called and
    ``reduction`` is "mean" or "sum"."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction: expected 'mean' or 'sum', got {reduction!r}")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn: expected a function loss_fn(y, targets, mask=None, "
                        f"reduction='mean') -> (loss, dy), got {type(loss_fn).__name__}")
    try:
        signature = inspect.signature(loss_fn)
    except ValueError:              # no signature available (a builtin): trust the caller
        return
    try:
        signature.bind(None, None, mask=None, reduction=reduction)
    except TypeError:
        raise TypeError(f"loss_fn: expected a function loss_fn(y, targets, mask=None, "
                        f"reduction='mean') -> (loss, dy) (like rnnlib.softmax_cross_entropy), "
                        f"got {loss_fn!r} with the signature {signature}") from None


def check_recurrent(model):
    """Raise TypeError unless ``model`` is a recurrent layer or model."""
    if not isinstance(model, SequenceLayer):
        raise TypeError(f"model: expected a recurrent layer or model (a subclass of "
                        f"rnnlib.layer.SequenceLayer, e.g. a SequenceModel), "
                        f"got {type(model).__name__}")


def _check_targets_mask(x, targets, mask):
    T = x.shape[0] if isinstance(x, np.ndarray) and x.ndim >= 1 else None
    if not isinstance(targets, np.ndarray) or targets.ndim < 2 or targets.shape[0] != T:
        got = targets.shape if isinstance(targets, np.ndarray) else type(targets).__name__
        raise ValueError(f"targets: expected an array with one entry per time step, shape "
                         f"(T, B, ...) with T = {T}, got {got}")
    if mask is not None and (not isinstance(mask, np.ndarray) or mask.shape != targets.shape[:2]):
        got = mask.shape if isinstance(mask, np.ndarray) else type(mask).__name__
        raise ValueError(f"mask: expected shape {targets.shape[:2]} (T, B), got {got}")


def full_bptt(model, x, targets, loss_fn, state=None, mask=None, reduction="mean"):
    """Forward over all T steps, ``loss_fn(y, targets, mask=mask, reduction=reduction)``, backward.

    ``model``: a recurrent layer or model whose outputs ``y`` are the per-step
    predictions (e.g. a many-to-many ``SequenceModel``).  Fills ``model.grads``;
    returns ``(loss, final_state)``.
    """
    check_recurrent(model)
    check_loss_fn(loss_fn, reduction)
    y, final = model.forward(x, state)
    loss, dy = loss_fn(y, targets, mask=mask, reduction=reduction)
    model.backward(dy)
    return loss, final


def truncated_bptt(model, x, targets, loss_fn, k, state=None, mask=None, reduction="mean"):
    """Truncated BPTT with chunks of ``k`` steps; ``model.grads`` gets the sum over chunks.

    Parameters
    ----------
    model : recurrent layer or many-to-many model; ``forward(x_c, state)`` must return
        per-step outputs ``(T_c, B, K)``.  For k < T it must be causal (``model.causal``):
        a model with a Bidirectional layer (which reads the future) raises ValueError,
        since its sequences can not be cut.
    x : (T, B, D) inputs.  targets : (T, B) or (T, B, K), per-step targets ``d^(t)``.
    loss_fn : ``loss_fn(y, d, mask=m, reduction=r) -> (loss, dy)``, e.g. rnnlib's
        ``softmax_cross_entropy`` or ``mse``.
    k : chunk length, a positive int (k >= T gives full BPTT, the same numbers exactly).
    state : initial state (None = zeros).  mask : optional (T, B) 0/1 for padding.
    reduction : "mean" or "sum", passed to ``loss_fn``.

    Returns ``(loss, final_state)``: the full-sequence loss and the state after step T.
    """
    k = check_positive_int(k, "k")
    check_recurrent(model)
    check_loss_fn(loss_fn, reduction)
    _check_targets_mask(x, targets, mask)
    T = x.shape[0]
    if k >= T:
        return full_bptt(model, x, targets, loss_fn, state, mask, reduction)
    if not model.causal:
        raise ValueError(f"model: expected a causal model for truncated BPTT with k = {k} < "
                         f"T = {T}, got one with a Bidirectional layer; {NOT_CAUSAL}; "
                         f"use full BPTT (k >= T)")

    starts = list(range(0, T, k))
    chunk_states, outputs = [], []
    for s in starts:                      # forward over the chunks, state carried
        chunk_states.append(state)
        y, state = model.forward(x[s:s + k], state)
        if not isinstance(y, np.ndarray) or y.ndim != 3 or y.shape[0] != min(k, T - s):
            raise ValueError(f"model: expected per-step outputs of shape ({min(k, T - s)}, B, K) "
                             f"for a chunk of {min(k, T - s)} steps, got "
                             f"{y.shape if isinstance(y, np.ndarray) else type(y).__name__} "
                             f"(a many-to-one model can not be trained with truncated BPTT)")
        outputs.append(y.copy())
    loss, dy = loss_fn(np.concatenate(outputs), targets, mask=mask, reduction=reduction)

    acc = {name: np.zeros_like(g) for name, g in model.grads.items()}
    for c in reversed(range(len(starts))):
        s = starts[c]
        dy_c = dy[s:s + k]
        if not dy_c.any():                # no target in this chunk: no gradient
            continue
        if c < len(starts) - 1:           # the layer's cache holds the last chunk only
            model.forward(x[s:s + k], chunk_states[c])
        model.backward(dy_c)              # d_final_state = None: the carried state is detached
        for name, g in model.grads.items():
            acc[name] += g
    for name, g in model.grads.items():   # write the sum back, in place
        np.copyto(g, acc[name])
    return float(loss), state
