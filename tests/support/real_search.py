"""The real engine over a folder, for tests that check what a search finds and paints.

These tests index the same real manuals in many modules. The real model embeds each passage once per
test process: :func:`remembering` hands the engine a copy of the shared embedder that keeps the vectors
it computed (the model's own float32 vectors, keyed by the exact text), as the index's vector cache
does within one home. Tests of the embedder itself (threads, batches, int8 switches) use the fixture's
embedder directly, which remembers nothing.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from desktop_search.core import Engine, SearchHit, Settings

_VECTORS: dict[tuple[str, str, str], np.ndarray] = {}  # (model, precision, text) → vector
_VECTORS_LOCK = threading.Lock()


def remembering(embedder: Any) -> Any:
    """``embedder``, or for the real model a shallow copy (the same loaded model) whose
    ``embed_documents`` reuses vectors computed before in this test process."""
    from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder

    if not isinstance(embedder, SentenceTransformerEmbedder):
        return embedder
    inner = embedder.embed_documents
    twin = copy.copy(embedder)

    def embed_documents(texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return inner(texts)
        key = (twin.model_name, twin.precision)  # the copy's: an engine may switch its precision
        with _VECTORS_LOCK:
            todo = [t for t in dict.fromkeys(texts) if (*key, t) not in _VECTORS]
        if todo:
            fresh = np.asarray(inner(todo), dtype=np.float32)
            with _VECTORS_LOCK:
                _VECTORS.update({(*key, t): v for t, v in zip(todo, fresh, strict=True)})
        with _VECTORS_LOCK:
            return np.stack([_VECTORS[(*key, t)] for t in texts])

    twin.embed_documents = embed_documents
    return twin


@contextmanager
def indexed_engine(docs: Path, home: Path, embedder: Any) -> Iterator[Engine]:
    """The real engine with ``docs`` as its folder, indexed; closed on leaving."""
    engine = Engine.open(home, embedder=remembering(embedder), settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        yield engine
    finally:
        engine.close()


def search_folder(docs: Path, home: Path, embedder: Any, query: str, k: int = 5) -> list[SearchHit]:
    """The top ``k`` passages (flat) for ``query`` from the real engine after indexing ``docs``."""
    with indexed_engine(docs, home, embedder) as engine:
        return engine.search(query, k=k, grouped=False)
