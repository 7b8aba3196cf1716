"""Embedding through the vector cache: only texts never embedded before reach the encoder.

:func:`embed_with_cache` looks every text up in :class:`~desktop_search.core.store.vector_cache.VectorCache`,
embeds the distinct texts it lacks in one call (a text that repeats within the call is embedded once),
remembers their vectors, and returns one vector per text in the order given, with the count of
texts that cost no encoder time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from desktop_search.core.model.protocol import Embedder
from desktop_search.core.store.vector_cache import VectorCache, text_key


def embed_with_cache(
    embedder: Embedder, texts: Sequence[str], cache: VectorCache | None
) -> tuple[np.ndarray, int]:
    """Vectors of ``texts`` (as :meth:`Embedder.embed_documents` returns them) and how many were reused."""
    if cache is None or not texts:
        return embedder.embed_documents(texts), 0
    keys = [text_key(t) for t in texts]
    known = cache.get_many(keys)
    todo: dict[str, str] = {}  # key -> text, distinct keys not cached, in first-seen order
    for key, text in zip(keys, texts, strict=True):
        if key not in known and key not in todo:
            todo[key] = text
    if todo:
        fresh = np.asarray(embedder.embed_documents(list(todo.values())), dtype=np.float32)
        cache.put_many(list(todo), fresh)
        known.update(zip(todo, fresh, strict=True))
    vectors = np.stack([known[key] for key in keys]).astype(np.float32, copy=False)
    return vectors, len(texts) - len(todo)
