"""The shipped Tiny Shakespeare corpus: its checksum, its clear errors, nanoGPT's split."""
import hashlib

import pytest

from rnnlib.text import SHAKESPEARE_SHA256, CharVocab, shakespeare, shakespeare_split
from rnnlib.text.shakespeare import SHAKESPEARE_PATH


def test_the_shipped_copy_is_the_published_file():
    text = shakespeare()
    assert len(text) == 1_115_394
    assert len(set(text)) == 65
    assert CharVocab(text).size == 65
    assert hashlib.sha256(text.encode("ascii")).hexdigest() == SHAKESPEARE_SHA256
    assert text.startswith("First Citizen:\nBefore we proceed any further, hear me speak.")


def test_an_altered_copy_is_refused_with_both_checksums(tmp_path):
    raw = SHAKESPEARE_PATH.read_bytes()
    altered = tmp_path / "input.txt"
    altered.write_bytes(raw.replace(b"First Citizen", b"First Citizen!", 1))
    with pytest.raises(ValueError, match=SHAKESPEARE_SHA256) as err:
        shakespeare(altered)
    assert str(altered) in str(err.value) and "altered" in str(err.value)
    truncated = tmp_path / "short.txt"
    truncated.write_bytes(raw[:-1])
    with pytest.raises(ValueError, match="1115393 bytes"):
        shakespeare(truncated)
    assert shakespeare(SHAKESPEARE_PATH) == raw.decode("ascii")


def test_a_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "nowhere.txt"
    with pytest.raises(FileNotFoundError, match="nowhere.txt.*missing"):
        shakespeare(missing)


def test_the_split_is_nanogpts():
    text = shakespeare()
    train, valid = shakespeare_split(text)
    n = len(text)
    assert (len(train), len(valid)) == (1_003_854, 111_540)
    assert train == text[:int(n * 0.9)] and valid == text[int(n * 0.9):]
    assert train + valid == text


@pytest.mark.parametrize("bad, error", [(b"abc", TypeError), ("short", ValueError)])
def test_the_split_rejects_what_it_cannot_split(bad, error):
    with pytest.raises(error, match="text: expected"):
        shakespeare_split(bad)
