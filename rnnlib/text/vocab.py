"""The character vocabulary: map characters to integer ids, back, and to one-hot vectors."""
import numpy as np

from ..tasks.encoding import one_hot

__all__ = ["CharVocab"]


class CharVocab:
    """Map characters to integer ids and back.

    ``CharVocab(text)`` uses the sorted set of characters of ``text``.
    ``encode(s)`` -> ``np.intp`` array ``(len(s),)`` (the platform's index type: int64 here,
    int32 in the browser's 32-bit WebAssembly, where ``np.bincount`` of ids needs it);
    ``decode(ids)`` -> str;
    ``one_hot(ids)`` -> ``ids.shape + (size,)``; ``size`` = number of characters.
    """

    def __init__(self, text):
        if not isinstance(text, str):
            raise TypeError(f"text: expected a str, got {type(text).__name__}")
        if not text:
            raise ValueError("text: expected a non-empty str, got ''")
        self.chars = sorted(set(text))
        self.stoi = {c: i for i, c in enumerate(self.chars)}

    @property
    def size(self):
        return len(self.chars)

    def __len__(self):
        return len(self.chars)

    def __repr__(self):
        return f"CharVocab(size={self.size})"

    def encode(self, s):
        """Ids of the characters of ``s``: ``np.intp`` array ``(len(s),)``."""
        if not isinstance(s, str):
            raise TypeError(f"s: expected a str, got {type(s).__name__}")
        try:
            return np.array([self.stoi[c] for c in s], dtype=np.intp)
        except KeyError as e:
            raise ValueError(f"s: expected characters of the vocabulary, got {e.args[0]!r} "
                             f"which is not in it") from None

    def decode(self, ids):
        """The string of the ids in ``ids`` (a 1-D int array or sequence)."""
        a = np.asarray(ids)
        if a.ndim != 1:
            raise ValueError(f"ids: expected a 1-D sequence of ints, got shape {a.shape}")
        if a.size and a.dtype.kind not in "iu":
            raise TypeError(f"ids: expected integer ids, got dtype {a.dtype}")
        if a.size and (a.min() < 0 or a.max() >= self.size):
            raise ValueError(f"ids: expected values in [0, {self.size}), "
                             f"got values in [{a.min()}, {a.max()}]")
        return "".join(self.chars[i] for i in a.tolist())

    def one_hot(self, ids, *, dtype=np.float64):
        """One-hot vectors ``ids.shape + (size,)``, e.g. ``(T, B)`` -> ``(T, B, size)``."""
        return one_hot(ids, self.size, dtype=dtype)
