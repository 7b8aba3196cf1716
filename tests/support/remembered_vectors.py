"""The real model's passage vectors, computed once per test run and remembered by their exact text.

Many test modules index the same real manuals (the bzip2 manual alone in four), and a passage costs
the real model the same CPU time in each. :func:`remembering` gives the engine a copy of the shared
embedder (the same loaded model) whose ``embed_documents`` asks the model only for texts no test of
the run has embedded before, as the index's own vector cache does within one home. The vectors are
the model's float32 vectors, keyed by (model, precision, text); queries are always embedded afresh.

Under pytest-xdist the workers of one run share what they computed through a SQLite file in the run's
temporary folder (``pytest-N``, which pytest itself removes three runs later), so the second worker
to reach a manual reads its vectors instead of computing them. A run without xdist remembers in
memory only. Tests of the embedder itself (its threads, batches, precisions) use the ``real_encoder``
fixture, which remembers nothing.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np


class RememberedVectors:
    """Vectors by (model, precision, text): in memory, and in ``shared`` (a SQLite file) if given."""

    def __init__(self, shared: Path | None = None) -> None:
        self._memory: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._shared = shared
        if shared is not None:
            with self._connect(shared) as db:
                db.execute("PRAGMA journal_mode=WAL")  # kept by the file: the workers read while one writes
                db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    @staticmethod
    @contextlib.contextmanager
    def _connect(path: Path) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(path, timeout=60)
        try:
            yield db
            db.commit()
        finally:
            db.close()

    @staticmethod
    def key(model: str, precision: str, text: str) -> str:
        return hashlib.sha256(f"{model}\0{precision}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()

    def find(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The vectors known for ``keys`` (those not known are left out)."""
        with self._lock:
            found = {k: self._memory[k] for k in keys if k in self._memory}
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing and self._shared is not None:
            shared: dict[str, np.ndarray] = {}
            with self._connect(self._shared) as db:
                for start in range(0, len(missing), 500):
                    part = missing[start : start + 500]
                    marks = ",".join("?" * len(part))
                    rows = db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part)
                    shared.update((k, np.frombuffer(blob, dtype=np.float32)) for k, blob in rows)
            with self._lock:
                self._memory.update(shared)
            found.update(shared)
        return found

    def keep(self, vectors: dict[str, np.ndarray]) -> None:
        rows = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in vectors.items()}
        with self._lock:
            self._memory.update(rows)
        if self._shared is not None:
            with self._connect(self._shared) as db:
                db.executemany(
                    "INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)",
                    [(k, v.tobytes()) for k, v in rows.items()],
                )


def remembering(embedder: Any, remembered: RememberedVectors) -> Any:
    """A shallow copy of the real ``embedder`` (the same loaded model) whose ``embed_documents`` takes
    the vectors of texts embedded before from ``remembered``."""
    twin = copy.copy(embedder)

    def inner(texts: Sequence[str]) -> np.ndarray:
        return type(twin).embed_documents(twin, texts)  # the model's own path, with the copy's settings

    def embed_documents(texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return inner(texts)
        keys = [remembered.key(twin.model_name, twin.precision, t) for t in texts]  # the copy's precision
        found = remembered.find(keys)
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        if todo:
            fresh = np.asarray(inner(list(todo.values())), dtype=np.float32)
            computed = dict(zip(todo, fresh, strict=True))
            remembered.keep(computed)
            found.update(computed)
        return np.stack([found[k] for k in keys])

    twin.embed_documents = embed_documents
    return twin
