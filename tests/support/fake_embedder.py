"""The fast fake embedder of the tests: no model, deterministic, ranking-aware.

Not part of the app: the engine only uses it when a test hands it in (``Engine.open(embedder=...)``,
or the ``tests.support.hash_cli`` entry for tests that start the CLI or the app as a process).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Sequence

import numpy as np

from desktop_search.core.model.protocol import clean_text


class HashEmbedder:
    """A deterministic fake: hashed bag of lower-cased words. For fast unit tests only.

    Texts sharing words get similar vectors, so ranking tests are meaningful without a model.
    """

    def __init__(
        self, dimension: int = 64, max_tokens: int = 512, batch_size: int = 16, delay_s: float = 0.0
    ) -> None:
        self._delay_s = delay_s  # per embedding call: a slow "encoder", so tests can act during phase 2
        self._dimension = dimension
        self._max_tokens = max_tokens
        self._batch_size = batch_size
        self.calls: list[int] = []  # batch sizes seen, for tests of batching

    model_name = "test/hash-embedder"
    loaded = True
    device = "cpu"
    precision = "float32"

    def load(self, progress: object = None) -> None:
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
        # cleaned as the real embedder cleans its input, so composed and decomposed accents embed alike
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
        if self._delay_s:
            time.sleep(self._delay_s)
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


class LoadOnReleaseEmbedder(HashEmbedder):
    """A model that is not loaded until ``release`` is set (a slow first start); ``loading`` is set
    once its load has begun."""

    def __init__(self, batch_size: int = 16) -> None:
        super().__init__(batch_size=batch_size)
        self.release = threading.Event()
        self.loading = threading.Event()
        self._loaded = False

    @property
    def loaded(self) -> bool:  # type: ignore[override]
        return self._loaded

    def load(self, progress: object = None) -> None:
        self.loading.set()
        assert self.release.wait(60), "the test never let the model load"
        self._loaded = True
