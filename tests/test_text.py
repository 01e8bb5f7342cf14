"""Tests of rnnlib.text: the generated corpus, CharVocab and character batches."""
import builtins
import math
import re

import numpy as np
import pytest

import rnnlib
from rnnlib import text
from rnnlib.text.prose import _generate
from rnnlib.text import CharVocab, bits_per_char, char_batch, char_stream, corpus, split_text


# ----------------------------------------------------------------------------- corpus

def test_corpus_default_size_and_determinism():
    c = corpus()
    assert isinstance(c, str) and len(c) == 200_000 >= 100_000
    assert corpus() == c
    assert corpus(5000) == c[:5000]                     # a prefix of one stream
    other = corpus(5000, seed=1)
    assert len(other) == 5000 and other != c[:5000]


def test_corpus_is_generated_not_read(monkeypatch):
    def no_files(*args, **kwargs):
        raise AssertionError("corpus() must not read files")
    monkeypatch.setattr(builtins, "open", no_files)
    c = _generate(3000, 12345)                     # uncached
    assert len(c) == 3000


def test_corpus_characters_and_shape():
    c = corpus(50_000)
    assert set(c) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,?!\"\n")
    assert 40 <= len(set(c)) <= 70
    paragraphs = c.split("\n\n")[:-1]                   # the last one is cut off
    assert len(paragraphs) > 100
    assert "\n" not in "".join(paragraphs)              # paragraphs are single lines
    for p in paragraphs:
        assert p[0].isupper() or p[0] == '"'
        assert p[-1] in '.?!"'
        assert "  " not in p


def test_corpus_spelling_rules():
    c = corpus()
    words = re.findall(r"[A-Za-z]+", c)
    assert 400 <= len(set(w.lower() for w in words)) <= 1000
    assert not re.search(r"\ba [aeiou]", c)             # "an apple", never "a apple"
    assert not re.search(r"\ban [^aeiou]", c)
    # sentences start with a capital letter
    assert not re.search(r"[.?!] [a-z]", c)


def test_corpus_agreement_and_tense():
    c = corpus()
    # subject-verb agreement in present-tense descriptions
    assert "the cat sleeps" in c.lower() or "the cats sleep" in c.lower() or \
        re.search(r"\bthe (cat|dog|farmer) [a-z]+s\b", c)
    assert not re.search(r"\b(She|He) (sleep|carry|find|sing)\b", c)
    assert not re.search(r"\bthe (cats|dogs|farmers) (sleeps|carries|finds|sings)\b", c)
    # each paragraph keeps one tense: none mixes "slept" and "sleeps" narration
    for p in c.split("\n\n")[:-1]:
        narration = re.sub(r'"[^"]*"', "", p)
        assert not (re.search(r"\b(slept|carried|found)\b", narration)
                    and re.search(r"\b(sleeps|carries|finds)\b", narration)), p


def test_corpus_bad_arguments():
    with pytest.raises(ValueError, match="n_chars"):
        corpus(0)
    with pytest.raises(ValueError, match="seed"):
        corpus(100, seed=-1)


# ----------------------------------------------------------------------------- vocabulary

def test_vocab_round_trip():
    c = corpus(20_000)
    v = CharVocab(c)
    assert v.size == len(v) == len(set(c))
    assert v.chars == sorted(set(c))
    ids = v.encode(c)
    assert ids.dtype == np.intp and ids.shape == (len(c),)   # int64 here, int32 in wasm32
    assert ids.min() == 0 and ids.max() == v.size - 1
    assert v.decode(ids) == c
    assert v.decode(list(ids[:10])) == c[:10]
    assert v.decode(np.array([], dtype=np.int64)) == ""


def test_vocab_one_hot():
    v = CharVocab("abc")
    ids = np.array([[0, 2], [1, 1]])
    oh = v.one_hot(ids, dtype=np.float32)
    assert oh.shape == (2, 2, 3) and oh.dtype == np.float32
    np.testing.assert_array_equal(oh.argmax(-1), ids)


def test_vocab_errors():
    v = CharVocab("hello")
    with pytest.raises(ValueError, match="s: .*'z'"):
        v.encode("hez")
    with pytest.raises(TypeError, match="s"):
        v.encode(["h"])
    with pytest.raises(ValueError, match="ids"):
        v.decode([0, 7])
    with pytest.raises(ValueError, match="ids"):
        v.decode(np.zeros((2, 2), dtype=int))
    with pytest.raises(TypeError, match="ids"):
        v.decode([0.5])
    with pytest.raises(ValueError, match="text"):
        CharVocab("")
    with pytest.raises(TypeError, match="text"):
        CharVocab(b"bytes")


# ----------------------------------------------------------------------------- batches

def test_char_batch_shapes_and_targets():
    ids = np.arange(1000) % 37
    x, y = char_batch(ids, 25, 8, 0)
    assert x.shape == y.shape == (25, 8) and x.dtype == y.dtype == np.int64
    np.testing.assert_array_equal(x[1:], y[:-1])        # y is x shifted by one
    # every column is a contiguous window of the text
    for b in range(8):
        start = np.flatnonzero(np.lib.stride_tricks.sliding_window_view(ids, 25)
                               .__eq__(x[:, b]).all(axis=1))
        assert start.size >= 1
        assert ids[start[0] + 25] == y[-1, b]
    x2, y2 = char_batch(ids, 25, 8, 0)
    np.testing.assert_array_equal(x, x2)
    assert not np.array_equal(x, char_batch(ids, 25, 8, 1)[0])


def test_char_batch_reaches_the_end_of_the_text():
    ids = np.arange(12)
    x, y = char_batch(ids, 5, 400, 0)
    assert y.max() == 11 and x.min() == 0


def test_char_stream_continues_across_batches():
    ids = np.arange(1001)
    batches = list(char_stream(ids, 10, 4))
    assert len(batches) == (1000 // 4) // 10
    for x, y in batches:
        assert x.shape == y.shape == (10, 4) and x.dtype == np.int64
        np.testing.assert_array_equal(y, x + 1)
    for (x0, y0), (x1, _) in zip(batches, batches[1:]):
        np.testing.assert_array_equal(x1[0], y0[-1])    # stream b continues where it stopped
    # the streams are B contiguous pieces of the text
    np.testing.assert_array_equal(batches[0][0][0], [0, 250, 500, 750])


def test_batch_errors():
    with pytest.raises(ValueError, match="ids"):
        char_batch(np.arange(5), 5, 2, 0)
    with pytest.raises(TypeError, match="ids"):
        char_batch(np.arange(50.0), 5, 2, 0)
    with pytest.raises(TypeError, match="rng"):
        char_batch(np.arange(50), 5, 2, None)
    with pytest.raises(ValueError, match="T"):
        char_batch(np.arange(50), 0, 2, 0)
    with pytest.raises(ValueError, match="ids"):
        next(char_stream(np.arange(20), 10, 4))


def test_split_text_and_bits():
    train, valid = split_text("abcdefghij", 0.2)
    assert (train, valid) == ("abcdefgh", "ij")
    a, b = split_text(np.arange(100), 0.1)
    assert a.size == 90 and b.size == 10
    with pytest.raises(ValueError, match="valid_fraction"):
        split_text("abc", 1.0)
    assert bits_per_char(math.log(2)) == pytest.approx(1.0)
    assert bits_per_char(math.log(65)) == pytest.approx(math.log2(65))


def test_bits_per_char_checks_its_argument():
    with pytest.raises(ValueError, match="mean_nll: expected a finite number >= 0"):
        bits_per_char(-0.5)
    with pytest.raises(ValueError, match="mean_nll"):
        bits_per_char(float("nan"))
    with pytest.raises(TypeError, match="mean_nll"):
        bits_per_char("1.0")
    assert bits_per_char(0) == 0.0
    assert bits_per_char(np.float32(math.log(2))) == pytest.approx(1.0)


# ----------------------------------------------------------------------------- package layout

def test_text_names_are_importable_as_before():
    assert set(text.__all__) == {"corpus", "CharVocab", "char_batch", "char_stream", "split_text",
                                 "bits_per_char", "shakespeare", "shakespeare_split",
                                 "SHAKESPEARE_SHA256"}
    for name in ("corpus", "CharVocab", "char_batch", "char_stream", "split_text",
                 "bits_per_char"):
        assert getattr(rnnlib, name) is getattr(text, name)  # rnnlib.X
        assert getattr(rnnlib.text, name) is getattr(text, name)  # rnnlib.text.X
