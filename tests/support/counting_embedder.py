"""An embedder wrapper that counts the passages reaching the encoder (tests and benchmarks)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


class CountingEmbedder:
    """Delegates everything to ``inner``; :attr:`embedded` counts the texts of ``embed_documents``."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.embedded = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    @property
    def model_name(self) -> str:
        return str(self.inner.model_name)

    @property
    def batch_size(self) -> int:
        return int(self.inner.batch_size)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)
