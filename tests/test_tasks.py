"""Tests of rnnlib.tasks: shapes, dtypes, determinism and the correctness of every label."""
import re

import numpy as np
import pytest

import rnnlib
from rnnlib import tasks
from rnnlib.tasks import (REBER_SYMBOLS, adding_baseline_mse, adding_problem, copy_task,
                          copy_task_baseline, embedded_reber, encode_reber, future_tagging,
                          is_reber, noisy_sine, one_hot, parity, reber_correct, reber_strings,
                          recall_first, running_count, variable_length_classification)

# Every generator with a small valid call, for the shared checks below.
GENERATORS = {
    "adding_problem": lambda rng, **kw: adding_problem(7, 5, rng, **kw),
    "copy_task": lambda rng, **kw: copy_task(3, 4, 5, rng, **kw),
    "embedded_reber": lambda rng, **kw: tuple(embedded_reber(5, rng, **kw)[:5]),
    "future_tagging": lambda rng, **kw: future_tagging(7, 5, 2, 4, rng, **kw),
    "noisy_sine": lambda rng, **kw: noisy_sine(7, 5, rng, **kw),
    "variable_length_classification":
        lambda rng, **kw: variable_length_classification(5, rng, **kw),
    "recall_first": lambda rng, **kw: recall_first(7, 5, 3, rng, **kw),
    "parity": lambda rng, **kw: parity(7, 5, rng, **kw),
    "running_count": lambda rng, **kw: running_count(7, 5, rng, **kw),
}


# ----------------------------------------------------------------------------- shared behaviour

@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_deterministic_for_a_seed(name):
    a, b = GENERATORS[name](3), GENERATORS[name](3)
    c = GENERATORS[name](np.random.default_rng(3))
    for u, v, w in zip(a, b, c):
        np.testing.assert_array_equal(u, v)
        np.testing.assert_array_equal(u, w)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_different_seeds_differ(name):
    a, b = GENERATORS[name](0), GENERATORS[name](1)
    assert any(u.shape != v.shape or not np.array_equal(u, v) for u, v in zip(a, b))


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_rng_none_is_refused(name):
    with pytest.raises(TypeError, match="rng"):
        GENERATORS[name](None)


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_outputs_have_the_requested_dtype(name, dtype):
    out = GENERATORS[name](0, dtype=dtype)
    floats = [a for a in out if a.dtype.kind == "f"]
    assert floats, "every task has a real-valued input"
    assert all(a.dtype == dtype for a in floats)
    assert all(a.dtype in (np.int64, np.bool_) for a in out if a.dtype.kind != "f")


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_bad_dtype_is_a_type_error(name):
    with pytest.raises(TypeError, match="dtype"):
        GENERATORS[name](0, dtype=np.int32)


@pytest.mark.parametrize("call, arg", [
    (lambda: adding_problem(1, 4, 0), "T"),
    (lambda: adding_problem(0, 4, 0), "T"),
    (lambda: adding_problem(5, 0, 0), "B"),
    (lambda: adding_problem(5.0, 2, 0), "T"),
    (lambda: adding_problem(True, 2, 0), "T"),
    (lambda: copy_task(0, 3, 2, 0), "L"),
    (lambda: copy_task(2, 0, 2, 0), "delay"),
    (lambda: copy_task(2, 3, 2, 0, n_symbols=0), "n_symbols"),
    (lambda: future_tagging(5, 2, 5, 4, 0), "shift"),
    (lambda: future_tagging(5, 2, -5, 4, 0), "shift"),
    (lambda: future_tagging(0, 2, 0, 4, 0), "T"),
    (lambda: noisy_sine(5, 2, 0, noise=-1.0), "noise"),
    (lambda: noisy_sine(5, 2, 0, horizon=0), "horizon"),
    (lambda: noisy_sine(5, 2, 0, periods=(3.0, 1.0)), "periods"),
    (lambda: variable_length_classification(2, 0, min_len=5, max_len=4), "max_len"),
    (lambda: variable_length_classification(2, 0, min_len=0), "min_len"),
    (lambda: recall_first(5, 2, 0, 0), "n_symbols"),
    (lambda: running_count(5, 2, 0, p=1.5), "p"),
    (lambda: reber_strings(0, 0), "n"),
])
def test_bad_arguments_name_the_argument(call, arg):
    with pytest.raises(ValueError, match=rf"^{arg}: expected .*got"):
        call()


def test_wrong_argument_types():
    with pytest.raises(TypeError, match="shift"):
        future_tagging(5, 2, 1.0, 4, 0)
    with pytest.raises(TypeError, match="rng"):
        adding_problem(5, 2, "seed")
    with pytest.raises(TypeError, match="noise"):
        noisy_sine(5, 2, 0, noise="a lot")


# ----------------------------------------------------------------------------- one_hot

def test_one_hot():
    idx = np.array([[0, 2], [1, 1]])
    oh = one_hot(idx, 3, dtype=np.float32)
    assert oh.shape == (2, 2, 3) and oh.dtype == np.float32
    np.testing.assert_array_equal(oh.argmax(-1), idx)
    np.testing.assert_array_equal(oh.sum(-1), 1)
    with pytest.raises(ValueError, match="indices"):
        one_hot(np.array([3]), 3)
    with pytest.raises(TypeError, match="indices"):
        one_hot(np.array([1.0]), 3)


# ----------------------------------------------------------------------------- adding problem

def test_adding_problem_shapes_markers_and_target():
    T, B = 11, 300
    x, y = adding_problem(T, B, 0)
    assert x.shape == (T, B, 2) and y.shape == (B, 1) and x.dtype == np.float64
    values, markers = x[..., 0], x[..., 1]
    assert np.all((values >= 0) & (values < 1))
    assert set(np.unique(markers)) == {0.0, 1.0}
    np.testing.assert_array_equal(markers.sum(axis=0), 2)          # exactly two markers
    np.testing.assert_array_equal(markers[:T // 2].sum(axis=0), 1)  # one in each half
    np.testing.assert_array_equal(markers[T // 2:].sum(axis=0), 1)
    np.testing.assert_allclose(y[:, 0], (values * markers).sum(axis=0), rtol=0, atol=1e-15)


def test_adding_problem_marker_positions_cover_both_halves():
    T = 10
    x, _ = adding_problem(T, 2000, 1)
    first = x[:T // 2, :, 1].argmax(axis=0)
    second = T // 2 + x[T // 2:, :, 1].argmax(axis=0)
    assert set(first) == set(range(T // 2)) and set(second) == set(range(T // 2, T))


def test_adding_problem_smallest_T():
    x, y = adding_problem(2, 3, 0)
    np.testing.assert_array_equal(x[..., 1], 1)
    np.testing.assert_allclose(y[:, 0], x[..., 0].sum(axis=0))


def test_adding_baseline_mse_is_one_sixth():
    _, y = adding_problem(30, 40000, 0)
    assert abs(adding_baseline_mse(y) - 1 / 6) < 0.005
    assert tasks.ADDING_BASELINE_MSE == pytest.approx(1 / 6)
    # the constant 1 is the best constant: any other constant does worse
    assert np.mean((y - 1.1) ** 2) > adding_baseline_mse(y)
    with pytest.raises(ValueError, match="y"):
        adding_baseline_mse(np.zeros(3))


# ----------------------------------------------------------------------------- copy task

def test_copy_task_layout():
    L, delay, B, n = 4, 6, 50, 5
    x, y, mask = copy_task(L, delay, B, 0, n_symbols=n)
    T = 2 * L + delay
    assert x.shape == (T, B, n + 2) and y.shape == (T, B) and mask.shape == (T, B)
    assert y.dtype == np.int64 and mask.dtype == bool
    np.testing.assert_array_equal(x.sum(-1), 1)
    sym = x.argmax(-1)
    assert np.all((sym[:L] >= 1) & (sym[:L] <= n))
    np.testing.assert_array_equal(sym[L + delay - 1], n + 1)          # the delimiter
    assert (sym == n + 1).sum() == B                                   # once per sequence
    np.testing.assert_array_equal(sym[L:L + delay - 1], 0)
    np.testing.assert_array_equal(sym[L + delay:], 0)
    np.testing.assert_array_equal(y[L + delay:], sym[:L])              # copy of the data
    np.testing.assert_array_equal(y[:L + delay], 0)
    np.testing.assert_array_equal(mask, np.broadcast_to(np.arange(T)[:, None] >= L + delay, (T, B)))


def test_copy_task_baseline():
    assert copy_task_baseline(10, 100, 8) == pytest.approx(10 * np.log(8) / 120)


# ----------------------------------------------------------------------------- Reber grammar

# An independent description of the Reber grammar as a regular expression (derived by hand
# from the transition diagram of Reber 1967 / Fahlman 1991), not from rnnlib's automaton.
_TAIL = r"(?:XT*VP)*(?:S|XT*VV)"
REBER_RE = re.compile(rf"B(?:TS*X{_TAIL}|PT*V(?:V|P{_TAIL}))E")
EMBEDDED_RE = re.compile(rf"B(?:T{REBER_RE.pattern}T|P{REBER_RE.pattern}P)E")


def test_regex_itself_on_known_strings():
    for s in ["BTXSE", "BPVVE", "BTSSXXTVVE", "BPTVPXVVE", "BPVPSE", "BTXXVPSE"]:
        assert REBER_RE.fullmatch(s), s
    for s in ["BTXE", "BTSE", "BPVE", "BTXXVVVE", "TXSE"]:
        assert not REBER_RE.fullmatch(s), s


@pytest.mark.parametrize("embedded", [False, True])
def test_reber_strings_accepted_by_independent_check(embedded):
    strings = reber_strings(500, 0, embedded=embedded)
    pattern = EMBEDDED_RE if embedded else REBER_RE
    assert all(pattern.fullmatch(s) for s in strings)
    assert all(is_reber(s, embedded=embedded) for s in strings)
    assert len(set(strings)) > 50                                      # not a few repeats


def test_embedded_reber_branch_is_repeated_and_balanced():
    strings = reber_strings(2000, 1)
    assert all(s[1] == s[-2] and s[1] in "TP" for s in strings)
    frac_t = np.mean([s[1] == "T" for s in strings])
    assert 0.45 < frac_t < 0.55


def test_is_reber_rejects_corrupted_strings():
    rng = np.random.default_rng(0)
    for s in reber_strings(200, 2):
        i = int(rng.integers(len(s)))
        bad = s[:i] + ("P" if s[i] == "T" else "T") + s[i + 1:]
        assert is_reber(bad) == bool(EMBEDDED_RE.fullmatch(bad))
    assert not is_reber("BTBTXSETP")
    assert not is_reber("")
    with pytest.raises(TypeError, match="s"):
        is_reber(["B"])


def test_encode_reber_targets_mask_and_legal_sets():
    batch = embedded_reber(64, 0)
    T = max(len(s) for s in batch.strings) - 1
    assert batch.x.shape == (T, 64, 7) and batch.legal.shape == (T, 64, 7)
    np.testing.assert_array_equal(batch.lengths, [len(s) - 1 for s in batch.strings])
    np.testing.assert_array_equal(batch.mask.sum(0), batch.lengths)
    for b, s in enumerate(batch.strings):
        n = len(s) - 1
        assert "".join(REBER_SYMBOLS[i] for i in batch.x[:n, b].argmax(-1)) == s[:-1]
        assert "".join(REBER_SYMBOLS[i] for i in batch.targets[:n, b]) == s[1:]
        assert not batch.x[n:, b].any() and not batch.legal[n:, b].any()
        # the actual next symbol is always legal
        assert batch.legal[np.arange(n), b, batch.targets[:n, b]].all()
        # after the inner string only the remembered branch symbol is legal
        assert batch.legal[n - 2, b].sum() == 1
        assert batch.legal[n - 2, b, REBER_SYMBOLS.index(s[1])]
        # one or two legal symbols at every step
        assert set(batch.legal[:n, b].sum(-1)) <= {1, 2}


# Legal next symbols worked out by hand from the transition diagram, one set per prefix.
HAND_LEGAL = {
    "BTBTXSETE": ["TP", "B", "TP", "SX", "SX", "E", "T", "E"],
    "BPBPVPXVVEPE": ["TP", "B", "TP", "TV", "PV", "SX", "TV", "PV", "E", "P", "E"],
}


@pytest.mark.parametrize("s", sorted(HAND_LEGAL))
def test_reber_legal_sets_match_hand_derivation(s):
    batch = encode_reber([s])
    got = ["".join(sorted(c for k, c in enumerate(REBER_SYMBOLS) if batch.legal[t, 0, k]))
           for t in range(len(s) - 1)]
    assert got == ["".join(sorted(x)) for x in HAND_LEGAL[s]]


def test_encode_reber_rejects_strings_outside_the_grammar():
    with pytest.raises(ValueError, match=r"strings\[1\]"):
        encode_reber(["BTBTXSETE", "BTBTXSEPE"])
    with pytest.raises(TypeError, match="strings"):
        encode_reber("BTBTXSETE")


def test_plain_reber_encoding():
    batch = embedded_reber(8, 0, embedded=False)
    assert all(REBER_RE.fullmatch(s) for s in batch.strings)
    assert batch.legal[0, :, REBER_SYMBOLS.index("T")].all()
    assert batch.legal[0, :, REBER_SYMBOLS.index("P")].all()


def test_reber_correct():
    batch = embedded_reber(32, 3)
    perfect = np.where(batch.legal, 0.5, 0.0)
    assert reber_correct(perfect, batch.legal, batch.mask).all()
    # the one-hot of the observed next symbol puts a legal symbol on top (argmax mode) but
    # gives an allowed alternative the same score as the illegal ones (strict mode)
    targets_1h = one_hot(batch.targets, 7)
    assert reber_correct(targets_1h, batch.legal, batch.mask, mode="argmax").all()
    assert not reber_correct(targets_1h, batch.legal, batch.mask, mode="strict").any()
    # forgetting the branch symbol at the end (uniform over T and P) fails the string
    forgetful = perfect.copy()
    n = batch.lengths
    forgetful[n - 2, np.arange(32), REBER_SYMBOLS.index("T")] = 0.5
    forgetful[n - 2, np.arange(32), REBER_SYMBOLS.index("P")] = 0.5
    assert not reber_correct(forgetful, batch.legal, batch.mask).any()
    # scores after the end of a string are ignored
    noisy_tail = perfect + 10.0 * ~batch.mask[..., None]
    assert reber_correct(noisy_tail, batch.legal, batch.mask).all()
    with pytest.raises(ValueError, match="mode"):
        reber_correct(perfect, batch.legal, batch.mask, mode="loose")
    with pytest.raises(ValueError, match="scores"):
        reber_correct(perfect[:, :3], batch.legal, batch.mask)


# ----------------------------------------------------------------------------- tagging

@pytest.mark.parametrize("shift", [3, 1, 0, -2])
def test_future_tagging_labels_equal_shifted_input(shift):
    T, B, n = 12, 40, 4
    x, y, mask = future_tagging(T, B, shift, n, 0)
    assert x.shape == (T, B, n) and y.shape == (T, B) and mask.shape == (T, B)
    s = x.argmax(-1)
    for t in range(T):
        if 0 <= t + shift < T:
            assert mask[t].all()
            np.testing.assert_array_equal(y[t], s[t + shift])
        else:
            assert not mask[t].any() and not y[t].any()
    assert mask.sum() == (T - abs(shift)) * B


def test_future_tagging_symbols_uniform():
    x, _, _ = future_tagging(50, 200, 3, 4, 0)
    freq = x.mean(axis=(0, 1))
    np.testing.assert_allclose(freq, 0.25, atol=0.02)


# ----------------------------------------------------------------------------- forecasting

def test_noisy_sine_target_is_the_future_input():
    x, y = noisy_sine(40, 6, 0, horizon=3, noise=0.2)
    assert x.shape == (40, 6, 1) and y.shape == (40, 6, 1)
    np.testing.assert_array_equal(y[:-3], x[3:])


def test_noisy_sine_noise_free_version_of_the_same_waves():
    x, _ = noisy_sine(200, 50, 1, noise=0.3)
    clean, clean_y = noisy_sine(200, 50, 1, noise=0.0)
    residual = (x - clean).ravel()
    assert abs(residual.std() - 0.3) < 0.01 and abs(residual.mean()) < 0.01
    # each clean sequence is a sine of amplitude in [0.5, 1.5] and period in [10, 30]
    amp = np.abs(clean).max(axis=0)[:, 0]
    assert np.all((amp <= 1.5) & (amp > 0.45))
    spectrum = np.abs(np.fft.rfft(clean[:, :, 0], axis=0))
    periods = 200 / (1 + np.argmax(spectrum[1:], axis=0))
    assert np.all((periods > 9) & (periods < 34))
    np.testing.assert_array_equal(clean_y[:-1], clean[1:])


# ----------------------------------------------------------------------------- classification

def test_variable_length_classification():
    B = 300
    x, y, lengths, mask = variable_length_classification(B, 0, min_len=3, max_len=9,
                                                         pad_value=7.5)
    assert x.shape == (9, B, 1) and y.shape == (B,) and lengths.shape == (B,)
    assert y.dtype == np.int64 and lengths.dtype == np.int64 and mask.dtype == bool
    assert lengths.min() == 3 and lengths.max() == 9
    np.testing.assert_array_equal(mask, np.arange(9)[:, None] < lengths[None, :])
    np.testing.assert_array_equal(x[~mask, 0], 7.5)
    for b in range(B):
        assert y[b] == int(x[:lengths[b], b, 0].sum() > 0)
    assert 0.4 < y.mean() < 0.6
    # the padding would change the answer for a model that ignored the lengths
    assert np.any(y != (x[..., 0].sum(0) > 0))


def test_recall_first():
    x, y = recall_first(15, 100, 5, 0)
    assert x.shape == (15, 100, 5) and y.shape == (100,) and y.dtype == np.int64
    np.testing.assert_array_equal(y, x[0].argmax(-1))
    assert set(y) == set(range(5))


# ----------------------------------------------------------------------------- counting

def test_parity():
    x, y = parity(20, 64, 0)
    assert x.shape == (20, 64, 1) and y.shape == (20, 64) and y.dtype == np.int64
    bits = x[..., 0].astype(int)
    acc = np.zeros(64, dtype=int)
    for t in range(20):
        acc ^= bits[t]
        np.testing.assert_array_equal(y[t], acc)
    x2, y_final = parity(20, 64, 0, running=False)
    np.testing.assert_array_equal(x2, x)
    np.testing.assert_array_equal(y_final, y[-1])


def test_running_count():
    x, y = running_count(30, 16, 0, p=0.3)
    assert x.shape == y.shape == (30, 16, 1)
    np.testing.assert_array_equal(y, np.cumsum(x, axis=0))
    assert set(np.unique(x)) <= {0.0, 1.0}
    assert 0.2 < x.mean() < 0.4


def test_reber_correct_checks_mask_and_legal():
    batch = embedded_reber(8, 3)
    perfect = np.where(batch.legal, 0.5, 0.0)
    want = reber_correct(perfect, batch.legal, batch.mask)
    for m in (batch.mask.astype(np.int64), batch.mask.astype(np.float64)):   # 0/1 accepted
        np.testing.assert_array_equal(reber_correct(perfect, batch.legal, m), want)
    with pytest.raises(ValueError, match="mask: expected only 0 and 1"):
        reber_correct(perfect, batch.legal, batch.mask * 2)
    with pytest.raises(TypeError, match="mask: expected a bool or 0/1 array"):
        reber_correct(perfect, batch.legal, batch.mask.astype(str))
    with pytest.raises(TypeError, match="legal: expected a bool array"):
        reber_correct(perfect, batch.legal.astype(np.float64) * 0.5, batch.mask)
    with pytest.raises(TypeError, match="scores"):
        reber_correct(perfect.astype(str), batch.legal, batch.mask)


# ----------------------------------------------------------------------------- package layout

def test_tasks_names_are_importable_as_before():
    assert set(tasks.__all__) == {
        "one_hot", "adding_problem", "adding_baseline_mse", "ADDING_BASELINE_MSE", "copy_task",
        "copy_task_baseline", "REBER_SYMBOLS", "reber_strings", "is_reber", "encode_reber",
        "embedded_reber", "reber_correct", "ReberBatch", "future_tagging", "noisy_sine",
        "variable_length_classification", "recall_first", "parity", "running_count"}
    for name in tasks.__all__:
        assert getattr(rnnlib, name) is getattr(tasks, name)  # rnnlib.X
        assert getattr(rnnlib.tasks, name) is getattr(tasks, name)  # rnnlib.tasks.X
