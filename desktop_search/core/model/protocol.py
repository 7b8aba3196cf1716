"""What an embedder is: the :class:`Embedder` protocol the rest of the core uses, the load-progress steps
it reports (:class:`LoadProgress`), and the text normalisation every embedder applies (:func:`clean_text`).

All vectors are L2-normalised float32, so a dot product is the cosine similarity.
"""

from __future__ import annotations

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
