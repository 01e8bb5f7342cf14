"""The character language model of the capstone (chapter 6, label prefix ``lm-``).

* :mod:`~rnnlib.lm.evaluate` -- the loss of a model on a whole text with the state
  carried (:func:`stream_nll`), and per character (:func:`char_nll`).
* :mod:`~rnnlib.lm.ngram` -- the baselines: uniform, unigram and bigram models fitted by
  counting (:func:`ngram_probs`, :func:`ngram_nll`).
* :mod:`~rnnlib.lm.schedule` -- a cosine learning-rate schedule (:func:`cosine_lr`).
* :mod:`~rnnlib.lm.temperature` -- the sampling distribution at a temperature and its
  entropy (:func:`temperature_softmax`, :func:`entropy_bits`).
* :mod:`~rnnlib.lm.inside` -- looking inside: the hidden states over a text
  (:func:`layer_states`), features a reader can name (:func:`line_position`,
  :func:`in_speaker_name`) and the search for the unit that tracks one
  (:func:`unit_correlations`).

A model here is a causal ``rnnlib.SequenceModel`` whose inputs are one-hot characters
(``input_size == output_size == K``, the vocabulary size).
"""
from .evaluate import char_nll, stream_nll
from .inside import in_speaker_name, layer_states, line_position, unit_correlations
from .ngram import ngram_nll, ngram_probs
from .schedule import cosine_lr
from .temperature import entropy_bits, temperature_softmax

__all__ = ["stream_nll", "char_nll", "ngram_probs", "ngram_nll", "cosine_lr", "temperature_softmax",
           "entropy_bits", "layer_states", "line_position", "in_speaker_name",
           "unit_correlations"]
