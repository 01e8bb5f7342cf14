"""Full and truncated backpropagation through time (chapter label ``bptt-truncated``).

Full BPTT (Werbos 1990) differentiates the loss of the whole sequence through
all T steps.  Truncated BPTT (Williams and Peng 1990) cuts the sequence into
chunks of k steps, ``[1..k], [k+1..2k], ...``: the forward pass is unchanged
(each chunk starts from the previous chunk's final state, so the outputs are
exactly those of the full forward pass), but the gradient is *not* passed back
across a chunk boundary (the carried state is "detached"), so no gradient path
is longer than k steps.  The parameter gradients of the chunks are added up and
one update is made per call.  With k >= T it is exactly full BPTT.

The loss is the same function of the outputs in both cases: the full-sequence
loss ``loss_fn(y, d, mask)``.  For ``reduction="mean"`` (the ``loss_fn`` returns
a mean over its unmasked (t, b) steps, like ``softmax_cross_entropy`` and ``mse``
by default) chunk c is weighted by ``n_c / N`` (its share of the unmasked steps),
for ``reduction="sum"`` by 1, so the chunk losses add up to the full loss.
"""
import functools

import numpy as np

from ._checks import check_positive_int

__all__ = ["full_bptt", "truncated_bptt"]


def _call_loss(loss_fn, y, d, mask):
    return loss_fn(y, d) if mask is None else loss_fn(y, d, mask=mask)


def _check_targets_mask(x, targets, mask):
    T = x.shape[0] if isinstance(x, np.ndarray) and x.ndim >= 1 else None
    if not isinstance(targets, np.ndarray) or targets.ndim < 2 or targets.shape[0] != T:
        got = targets.shape if isinstance(targets, np.ndarray) else type(targets).__name__
        raise ValueError(f"targets: expected an array with one entry per time step, shape "
                         f"(T, B, ...) with T = {T}, got {got}")
    if mask is not None and (not isinstance(mask, np.ndarray) or mask.shape != targets.shape[:2]):
        got = mask.shape if isinstance(mask, np.ndarray) else type(mask).__name__
        raise ValueError(f"mask: expected shape {targets.shape[:2]} (T, B), got {got}")


def full_bptt(model, x, targets, loss_fn, state=None, mask=None):
    """Forward over all T steps, ``loss, dy = loss_fn(y, targets[, mask=mask])``, backward.

    ``model``: a layer or model with the recurrent contract whose outputs ``y`` are the
    per-step predictions (e.g. a many-to-many ``SequenceModel``).  Fills ``model.grads``;
    returns ``(loss, final_state)``.
    """
    y, final = model.forward(x) if state is None else model.forward(x, state)
    loss, dy = _call_loss(loss_fn, y, targets, mask)
    model.backward(dy)
    return loss, final


def truncated_bptt(model, x, targets, loss_fn, k, state=None, mask=None, reduction="mean"):
    """Truncated BPTT with chunks of ``k`` steps; ``model.grads`` gets the sum over chunks.

    Parameters
    ----------
    model : layer or many-to-many model; ``forward(x_c, state)`` must return per-step
        outputs ``(T_c, B, K)``.  For k < T it must be causal: a model with a Bidirectional
        layer (which reads the future) raises ValueError, since its sequences can not be cut.
    x : (T, B, D) inputs.  targets : (T, B) or (T, B, K), per-step targets ``d^(t)``.
    loss_fn : ``loss_fn(y, d[, mask=m]) -> (loss, dy)``.
    k : chunk length, a positive int (k >= T gives full BPTT, the same numbers exactly).
    state : initial state (None = zeros).  mask : optional (T, B) 0/1 for padding.
    reduction : "mean" or "sum", the reduction ``loss_fn`` uses (see the module docstring).
        With "mean" (the default), ``loss_fn`` must be one of rnnlib's losses
        (``softmax_cross_entropy``, ``mse``) called with its default mean reduction, i.e. a
        mean over the unmasked (t, b) steps of its input: the chunk weights ``n_c / N``
        assume it.  A ``loss_fn`` that sums (e.g. ``partial(mse, reduction="sum")``) needs
        ``reduction="sum"``; with "mean" the result would be wrongly scaled.  A
        ``functools.partial`` whose ``reduction`` keyword disagrees raises ValueError; other
        mismatches can not be detected.

    Returns ``(loss, final_state)``: the full-sequence loss and the state after step T.
    """
    k = check_positive_int(k, "k")
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction: expected 'mean' or 'sum', got {reduction!r}")
    given = (getattr(loss_fn, "keywords", None) or {}).get("reduction")
    if isinstance(loss_fn, functools.partial) and given is not None and given != reduction:
        raise ValueError(f"reduction: expected the reduction loss_fn uses ({given!r}, from its "
                         f"functools.partial keywords), got {reduction!r}")
    _check_targets_mask(x, targets, mask)
    T = x.shape[0]
    if k >= T:
        return full_bptt(model, x, targets, loss_fn, state, mask)
    from .model import NOT_CAUSAL, _is_causal
    if not _is_causal(model):
        raise ValueError(f"model: expected a causal model for truncated BPTT with k = {k} < "
                         f"T = {T}, got one with a Bidirectional layer; {NOT_CAUSAL}; "
                         f"use full BPTT (k >= T)")

    starts = range(0, T, k)
    if mask is None:
        counts = [min(k, T - s) * x.shape[1] for s in starts]
    else:
        counts = [int(np.count_nonzero(mask[s:s + k])) for s in starts]
    total = sum(counts)
    if total == 0:
        raise ValueError("mask: expected at least one unmasked (True) entry, got none")

    loss = 0.0
    acc = None
    for s, n_c in zip(starts, counts):
        xc = x[s:s + k]
        y, state = model.forward(xc) if state is None else model.forward(xc, state)
        if n_c == 0:                      # all padding: no loss, no gradient, state still carried
            continue
        if not isinstance(y, np.ndarray) or y.ndim != 3 or y.shape[0] != xc.shape[0]:
            raise ValueError(f"model: expected per-step outputs of shape ({xc.shape[0]}, B, K) "
                             f"for a chunk of {xc.shape[0]} steps, got "
                             f"{getattr(y, 'shape', type(y).__name__)} (a many-to-one model "
                             f"can not be trained with truncated BPTT here)")
        l_c, dy = _call_loss(loss_fn, y, targets[s:s + k], None if mask is None else mask[s:s + k])
        w = n_c / total if reduction == "mean" else 1.0
        if w != 1.0:
            dy = dy * dy.dtype.type(w)
        loss += w * l_c
        model.backward(dy)                # d_final_state = None: the carried state is detached
        grads = model.grads
        if acc is None:
            acc = {name: g.copy() for name, g in grads.items()}
        else:
            for name, g in grads.items():
                acc[name] += g
    for name, g in model.grads.items():   # write the sum back, in place
        np.copyto(g, acc[name])
    return float(loss), state
