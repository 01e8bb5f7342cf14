"""Synthetic sequence tasks, generated on the fly.

Every generator takes an explicit ``rng`` (a ``numpy.random.Generator`` or an
int seed; ``None`` is refused so that every data set in the course is
reproducible) and returns **time-major** arrays: inputs ``(T, B, D)``, per-step
targets ``(T, B)`` or ``(T, B, O)``, per-sequence targets ``(B,)`` or
``(B, O)``.  Real-valued arrays have the requested ``dtype`` (float64 by
default, float32 allowed); class labels are ``int64``; masks are ``bool``.
The same seed gives the same arrays.

Tasks (and the papers they come from)

* :func:`adding_problem`  -- sum of two marked numbers (Hochreiter and Schmidhuber 1997,
  in the form of Le et al. 2015).  Baseline MSE 1/6.
* :func:`copy_task`       -- reproduce a sequence after a delay (Hochreiter and
  Schmidhuber 1997; Arjovsky et al. 2016).
* :func:`embedded_reber`  -- next-symbol prediction in the embedded Reber grammar
  (Reber 1967; Cleeremans et al. 1989; Hochreiter and Schmidhuber 1997).
* :func:`future_tagging`  -- ``y_t = x_{t+shift}``: needs the future (shift > 0) or
  the past (shift < 0) (Schuster and Paliwal 1997).
* :func:`noisy_sine`      -- forecast a noisy sine wave ``horizon`` steps ahead.
* :func:`variable_length_classification` -- padded sequences with lengths and mask.
* :func:`recall_first`    -- report the first symbol after ``T`` steps.
* :func:`parity`, :func:`running_count` -- running parity / number of ones so far.

One module per kind of task: :mod:`~rnnlib.tasks.adding`, :mod:`~rnnlib.tasks.memory`
(copy task, recall first), :mod:`~rnnlib.tasks.reber`, :mod:`~rnnlib.tasks.tagging`,
:mod:`~rnnlib.tasks.forecasting`, :mod:`~rnnlib.tasks.classification`,
:mod:`~rnnlib.tasks.counting`; :func:`one_hot` is in :mod:`~rnnlib.tasks.encoding`.
"""
from .adding import ADDING_BASELINE_MSE, adding_baseline_mse, adding_problem
from .classification import variable_length_classification
from .counting import parity, running_count
from .encoding import one_hot
from .forecasting import noisy_sine
from .memory import copy_task, copy_task_baseline, recall_first
from .reber import (REBER_SYMBOLS, ReberBatch, embedded_reber, encode_reber, is_reber,
                    reber_correct, reber_strings)
from .tagging import future_tagging

__all__ = [
    "one_hot", "adding_problem", "adding_baseline_mse", "ADDING_BASELINE_MSE",
    "copy_task", "copy_task_baseline", "REBER_SYMBOLS", "reber_strings", "is_reber",
    "encode_reber", "embedded_reber", "reber_correct", "ReberBatch", "future_tagging",
    "noisy_sine", "variable_length_classification", "recall_first", "parity",
    "running_count",
]
