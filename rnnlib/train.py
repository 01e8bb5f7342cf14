"""A training loop with a fixed number of iterations (chapter label ``train-loop``).

Each iteration: take a batch, compute the loss and the gradients (full or
truncated BPTT), record the loss and the global gradient norm ``||g||`` *before*
clipping, clip (optional), and update the parameters in place.  No randomness
inside: given seeded data and a seeded model the run is deterministic (with
``OPENBLAS_NUM_THREADS=1``, bit for bit).
"""
import math
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_positive_int
from .bptt import check_loss_fn, check_recurrent, full_bptt, truncated_bptt
from .layer import NOT_CAUSAL
from .optim import Optimizer
from .clip import clip_grad_norm, clip_grad_value, global_norm

__all__ = ["History", "fit"]


@dataclass(repr=False)
class History:
    """What ``fit`` recorded.

    ``loss`` (n,) and ``grad_norm`` (n,): per iteration, float64 (``grad_norm`` before
    clipping); ``eval_steps``: the iteration counts (1-based, after that many updates)
    at which ``eval_fn`` ran, and ``evals`` its results; ``stopped_at``: the iteration
    (0-based) at which a non-finite loss or gradient stopped training, else None.
    """
    loss: np.ndarray
    grad_norm: np.ndarray
    eval_steps: list = field(default_factory=list)
    evals: list = field(default_factory=list)
    stopped_at: int = None

    def __repr__(self):
        n = len(self.loss)
        last = f", last loss {self.loss[-1]:.4g}" if n else ""
        return f"History({n} iterations{last}, {len(self.evals)} evaluations)"


def _unpack(batch):
    """(x, targets), (x, targets, mask) or a dict with "x", "targets" and optional "mask", "lengths"."""
    if isinstance(batch, dict):
        missing = {"x", "targets"} - batch.keys()
        if missing:
            raise ValueError(f"batch_fn: expected a dict with keys 'x' and 'targets', "
                             f"missing {sorted(missing)}")
        return batch["x"], batch["targets"], batch.get("mask"), batch.get("lengths")
    if isinstance(batch, tuple) and len(batch) in (2, 3):
        return batch[0], batch[1], (batch[2] if len(batch) == 3 else None), None
    raise TypeError(f"batch_fn: expected to return (x, targets), (x, targets, mask) or a dict, "
                    f"got {type(batch).__name__}"
                    + (f" of length {len(batch)}" if isinstance(batch, tuple) else ""))


def fit(model, batch_fn, loss_fn, optimizer, iterations, *, clip_norm=None, clip_value=None,
        bptt_k=None, reduction="mean", carry_state=False, eval_fn=None, eval_every=None,
        print_every=None, nonfinite="raise"):
    """Train ``model`` for exactly ``iterations`` updates; return a :class:`History`.

    Parameters
    ----------
    model : a recurrent layer or model (``rnnlib.layer.SequenceLayer``), e.g. a ``SequenceModel``.
    batch_fn : ``batch_fn(i) -> (x, targets)`` or ``(x, targets, mask)`` or a dict with
        ``"x"``, ``"targets"`` and optional ``"mask"``, ``"lengths"`` (``lengths`` is passed
        to ``model.forward``; for per-step outputs without a ``"mask"``, the mask
        ``t < lengths[b]`` is passed to the loss, so padded steps count nowhere); ``i`` = 0, 1, ...
    loss_fn : ``loss_fn(y, targets, mask=None, reduction="mean") -> (loss, dy)``, e.g.
        ``softmax_cross_entropy``; ``fit`` passes the mask and the reduction.
    optimizer : e.g. ``Adam(1e-2)``; ``optimizer.step(model.params, model.grads)``.
    iterations : number of updates (a positive int).
    clip_norm : rescale the gradient if ``||g|| > clip_norm`` (``clip_grad_norm``).
    clip_value : clip every gradient entry to ``[-clip_value, clip_value]``.
    bptt_k : None = full BPTT; an int k = truncated BPTT in chunks of k steps (causal models
        only: with a Bidirectional layer, bptt_k or carry_state=True raises ValueError).
    reduction : "mean" (default) or "sum", passed to ``loss_fn`` at every call (truncated
        BPTT weights its chunks by it); the recorded ``loss`` is reduced this way.
    carry_state : if True, the final state of iteration i is the initial state of i + 1
        (detached), e.g. for a language model reading a long text in consecutive batches.
    eval_fn, eval_every : ``eval_fn(model)`` (a number or anything) after every
        ``eval_every`` updates and after the last one.
    print_every : print ``iteration, loss, ||g||`` every so many iterations.
    nonfinite : "raise" (FloatingPointError) or "stop" (return the history so far, with
        ``stopped_at`` set) when the loss or the gradient norm is NaN or Inf.
    """
    iterations = check_positive_int(iterations, "iterations")
    if bptt_k is not None:
        bptt_k = check_positive_int(bptt_k, "bptt_k")
    if eval_every is not None:
        eval_every = check_positive_int(eval_every, "eval_every")
    if print_every is not None:
        print_every = check_positive_int(print_every, "print_every")
    check_recurrent(model)
    check_loss_fn(loss_fn, reduction)
    if nonfinite not in ("raise", "stop"):
        raise ValueError(f"nonfinite: expected 'raise' or 'stop', got {nonfinite!r}")
    for name, value in (("clip_norm", clip_norm), ("clip_value", clip_value)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not math.isfinite(value) or value <= 0):
            raise ValueError(f"{name}: expected None or a finite number > 0, got {value!r}")
    if bptt_k is not None or carry_state:
        if not model.causal:
            what = "bptt_k" if bptt_k is not None else "carry_state"
            raise ValueError(f"{what}: truncated BPTT and carry_state need a causal model, got "
                             f"one with a Bidirectional layer; {NOT_CAUSAL}; use bptt_k=None "
                             f"and carry_state=False")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer: expected an rnnlib optimizer (a subclass of "
                        f"rnnlib.optim.Optimizer, e.g. Adam(1e-2)), got {type(optimizer).__name__}")

    losses = np.full(iterations, np.nan)
    norms = np.full(iterations, np.nan)
    hist = History(losses, norms)
    state = None
    for i in range(iterations):
        x, targets, mask, lengths = _unpack(batch_fn(i))
        s0 = state if carry_state else None
        if lengths is not None:
            if bptt_k is not None:
                raise ValueError(f"bptt_k: expected None (full BPTT) for a batch with "
                                 f"'lengths', got {bptt_k}")
            y, state = model.forward(x, s0, lengths=lengths)
            if mask is None and y.ndim == 3:     # many-to-many: no loss at padded steps
                mask = np.arange(y.shape[0])[:, None] < lengths
            loss, dy = loss_fn(y, targets, mask=mask, reduction=reduction)
            model.backward(dy)
        elif bptt_k is None:
            loss, state = full_bptt(model, x, targets, loss_fn, s0, mask, reduction)
        else:
            loss, state = truncated_bptt(model, x, targets, loss_fn, bptt_k, s0, mask,
                                         reduction=reduction)
        grads = model.grads
        norm = global_norm(grads)
        losses[i], norms[i] = loss, norm
        if not (math.isfinite(loss) and math.isfinite(norm)):
            if nonfinite == "raise":
                raise FloatingPointError(f"iteration {i}: loss {loss} and gradient norm {norm}; "
                                         f"not finite (lower lr or set clip_norm)")
            hist.loss, hist.grad_norm, hist.stopped_at = losses[:i + 1], norms[:i + 1], i
            return hist
        if clip_norm is not None:
            clip_grad_norm(grads, clip_norm)
        if clip_value is not None:
            clip_grad_value(grads, clip_value)
        optimizer.step(model.params, grads)
        if print_every is not None and (i + 1) % print_every == 0:
            print(f"iteration {i + 1:5d}  loss {loss:.4f}  |g| {norm:.3g}")
        if eval_fn is not None and ((eval_every is not None and (i + 1) % eval_every == 0)
                                    or i + 1 == iterations):
            hist.eval_steps.append(i + 1)
            hist.evals.append(eval_fn(model))
    return hist
