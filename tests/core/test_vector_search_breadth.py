"""The dense leg's HNSW search breadth: new collections get it, older ones are widened on open."""

from __future__ import annotations

from pathlib import Path

import chromadb
import numpy as np

from desktop_search.core.store.vectors import EF_SEARCH, VectorMeta, VectorStore, collection_name

MODEL = "test/model"


def _vectors() -> np.ndarray:
    rng = np.random.default_rng(7)
    v = rng.normal(size=(50, 16)).astype("float32")
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_a_new_collection_searches_at_the_products_breadth(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "chroma", MODEL)
    assert store.ef_search == EF_SEARCH > 100  # Chroma's default is 100
    assert store.collection.configuration["hnsw"]["space"] == "cosine"


def test_an_older_collection_is_widened_on_open_and_keeps_its_vectors(tmp_path: Path) -> None:
    chroma_dir = tmp_path / "chroma"
    vectors = _vectors()
    client = chromadb.PersistentClient(path=str(chroma_dir))
    old = client.get_or_create_collection(
        collection_name(MODEL), metadata={"hnsw:space": "cosine", "model": MODEL}
    )
    old.add(
        ids=[f"c{i}" for i in range(len(vectors))],
        embeddings=vectors,
        metadatas=[VectorMeta("/p", "/", ("/",), "txt", 0.0).as_dict()] * len(vectors),
    )
    assert old.configuration["hnsw"]["ef_search"] == 100

    store = VectorStore(chroma_dir, MODEL)

    assert store.ef_search == EF_SEARCH
    assert store.count() == len(vectors)
    hits = store.query(vectors[3], 5)
    assert hits[0].chunk_id == "c3" and abs(hits[0].similarity - 1.0) < 1e-5  # still cosine
    exact = [f"c{i}" for i in np.argsort(-(vectors @ vectors[3]))[:5]]
    assert [h.chunk_id for h in hits] == exact
    reopened = chromadb.PersistentClient(path=str(chroma_dir)).get_collection(collection_name(MODEL))
    assert reopened.configuration["hnsw"]["ef_search"] == EF_SEARCH  # stored, not only for this process
