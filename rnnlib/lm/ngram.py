"""Baselines of a character language model: uniform, unigram and bigram (label ``lm-baselines``).

Fitted by counting on the training text, with add-``alpha`` smoothing so that no
character of the validation text gets probability 0 (K = vocabulary size)::

    uniform:   p(c) = 1 / K                                  (loss log K)
    unigram:   p(c) = (n(c) + alpha) / (N + alpha K)                         lm-eq-unigram
    bigram:    p(c | b) = (n(b c) + alpha) / (n(b .) + alpha K)              lm-eq-bigram

``n(c)``: count of c; ``n(b c)``: count of c right after b; ``n(b .)``: count of b
followed by any character.
"""
import numpy as np

from .evaluate import _check_ids

__all__ = ["ngram_probs", "ngram_nll"]

ORDERS = (0, 1, 2)


def _check(ids, K, minimum):
    if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or K < 1:
        raise ValueError(f"K: expected a positive int (the vocabulary size), got {K!r}")
    return _check_ids(ids, K, minimum)


def _check_order(order):
    if isinstance(order, bool) or order not in ORDERS:
        raise ValueError(f"order: expected 0 (uniform), 1 (unigram) or 2 (bigram), got {order!r}")


def ngram_probs(ids, K, order, *, alpha=1.0):
    """Probabilities fitted on ``ids``: order 0 and 1 give ``(K,)``, order 2 ``(K, K)``
    with row b the distribution of the character after b."""
    _check_order(order)
    a = _check(ids, K, 2)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not alpha > 0:
        raise ValueError(f"alpha: expected a number > 0 (add-alpha smoothing), got {alpha!r}")
    if order == 0:
        return np.full(K, 1.0 / K)
    if order == 1:
        n = np.bincount(a.astype(np.intp), minlength=K) + alpha
        return n / n.sum()
    n = np.bincount((a[:-1] * K + a[1:]).astype(np.intp), minlength=K * K).reshape(K, K) + alpha
    return n / n.sum(axis=1, keepdims=True)


def ngram_nll(probs, ids):
    """Mean loss in nats per predicted character of ``ids[1:]`` under ``probs``.

    ``probs`` from :func:`ngram_probs`: ``(K,)`` (each character predicted alone) or
    ``(K, K)`` (character t + 1 predicted from character t)."""
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim not in (1, 2) or (p.ndim == 2 and p.shape[0] != p.shape[1]):
        raise ValueError(f"probs: expected shape (K,) or (K, K), got {p.shape}")
    a = _check(ids, p.shape[-1], 2)
    q = p[a[1:]] if p.ndim == 1 else p[a[:-1], a[1:]]
    return float(-np.log(q).mean())
