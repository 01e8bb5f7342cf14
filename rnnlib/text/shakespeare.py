"""The real-text corpus of the course: Tiny Shakespeare, checked by its sha256.

``rnnlib/data/tinyshakespeare.txt`` is the ``data/tinyshakespeare/input.txt`` of karpathy/char-rnn
(commit 6f9487a): 1,115,394 ASCII characters, 65 distinct symbols, a selection of Shakespeare's
plays (public domain). It is the Shakespeare corpus of char-rnn and of Karpathy's post "The
Unreasonable Effectiveness of Recurrent Neural Networks" (2015), and of nanoGPT's
character-level baseline, so numbers measured on it can be compared with published ones. The
copy ships inside the package (no download at run time) and is refused unless its sha256 is the
published one.
"""
import hashlib
import pathlib

__all__ = ["SHAKESPEARE_SHA256", "SHAKESPEARE_PATH", "shakespeare", "shakespeare_split"]

SHAKESPEARE_SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"
SHAKESPEARE_PATH = pathlib.Path(__file__).resolve().parents[1] / "data" / "tinyshakespeare.txt"


def shakespeare(path=None):
    """The text of Tiny Shakespeare as a str, after checking its sha256.

    ``path`` defaults to the copy inside rnnlib. A missing file raises FileNotFoundError and a
    file whose sha256 differs (altered, truncated, re-encoded) raises ValueError; both name the
    path and what was expected."""
    path = SHAKESPEARE_PATH if path is None else pathlib.Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"Tiny Shakespeare: expected the file {path} (shipped with rnnlib as "
            "rnnlib/data/tinyshakespeare.txt), but it is missing") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SHAKESPEARE_SHA256:
        raise ValueError(
            f"Tiny Shakespeare: {path} has sha256 {digest} ({len(raw)} bytes), expected "
            f"{SHAKESPEARE_SHA256} (1115394 bytes): the file was altered")
    return raw.decode("ascii")


def shakespeare_split(text):
    """nanoGPT's split: ``(train, valid)``, the first 90% and the last 10% of ``text``.

    The cut is at ``int(0.9 * len(text))``, as in nanoGPT's ``shakespeare_char/prepare.py``:
    1,003,854 training and 111,540 validation characters for Tiny Shakespeare."""
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, got {type(text).__name__}")
    if len(text) < 10:
        raise ValueError(f"text: expected at least 10 characters to split 90/10, got {len(text)}")
    cut = int(len(text) * 0.9)
    return text[:cut], text[cut:]
