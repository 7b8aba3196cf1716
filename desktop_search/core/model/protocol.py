"""What an embedder is: the :class:`Embedder` protocol the rest of the core uses, the load-progress steps
it reports (:class:`LoadProgress`), and the text normalisation every embedder applies (:func:`clean_text`).

:class:`HashEmbedder` is a deterministic fake of the protocol for fast unit tests.

All vectors are L2-normalised float32, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np


def clean_text(text: str) -> str:
    """NFC-normalise and strip, so composed and decomposed accents embed alike."""
    return unicodedata.normalize("NFC", text).strip()


@dataclass(frozen=True)
class LoadProgress:
    """A step of model loading, for a status line."""

    message: str
    fraction: float | None = None  # 0..1 when known (downloads)


LoadCallback = Callable[[LoadProgress], None]


class Embedder(Protocol):
    """What the engine, the indexer and search need from an embedding model."""

    @property
    def model_name(self) -> str: ...

    @property
    def loaded(self) -> bool:
        """True once :meth:`load` has succeeded."""
        ...

    @property
    def device(self) -> str:
        """Where the model runs (cpu, cuda, mps); empty before it is loaded."""
        ...

    @property
    def precision(self) -> str:
        """The precision in effect (float32, bfloat16, float16, int8); empty before it is loaded."""
        ...

    def load(self, progress: LoadCallback | None = None) -> None:
        """Load the model now (idempotent, blocking), reporting steps such as a download to ``progress``.

        May import torch: never call it on a UI thread.
        """
        ...

    @property
    def dimension(self) -> int: ...

    @property
    def max_tokens(self) -> int:
        """Longest input (prompt included) the model sees without truncation."""
        ...

    @property
    def batch_size(self) -> int: ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts of ``texts`` as the model sees them (special tokens included, no prompt)."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages: shape (len(texts), dimension), normalised."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one search query: shape (dimension,), normalised."""
        ...


class HashEmbedder:
    """A deterministic fake: hashed bag of lower-cased words. For fast unit tests only.

    Texts sharing words get similar vectors, so ranking tests are meaningful without a model.
    """

    model_name = "test/hash-embedder"
    loaded = True
    device = "cpu"
    precision = "float32"

    def __init__(self, dimension: int = 64, max_tokens: int = 512, batch_size: int = 16) -> None:
        self._dimension = dimension
        self._max_tokens = max_tokens
        self._batch_size = batch_size
        self.calls: list[int] = []  # batch sizes seen, for tests of batching

    def load(self, progress: LoadCallback | None = None) -> None:
        """Nothing to load."""

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @staticmethod
    def _words(text: str) -> list[str]:
        return re.findall(r"\w+", clean_text(text).lower())

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(self._words(t)) + 2 for t in texts]

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self._dimension, dtype=np.float32)
        for word in self._words(text):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            vec[int.from_bytes(digest[:4], "little") % self._dimension] += 1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0:
            vec[0] = 1.0
            norm = 1.0
        return vec / norm

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)
