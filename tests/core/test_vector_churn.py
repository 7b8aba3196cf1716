"""Edited files overwrite their vectors in place: the vector index does not grow with every edit.

Chroma (1.5) never reuses the slot of a deleted vector, so deleting a changed file's vectors in the
keyword phase and adding them back in the embedding phase grew the HNSW index, in memory and on disk,
by one vector per passage per edit. The old vectors now stay until the new ones overwrite them, and
readers never see them meanwhile.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.pathkeys import chunk_id, to_key
from desktop_search.core.store.store import Store
from tests.support.fake_embedder import HashEmbedder


def hnsw_bytes(chroma: Path) -> int:
    """The size of Chroma's HNSW files (its SQLite log grows to a bound of its own, then is reused)."""
    return sum(
        os.path.getsize(os.path.join(root, f))
        for root, _dirs, files in os.walk(chroma)
        for f in files
        if not f.startswith("chroma.sqlite3")
    )


def edited(path: str, texts: list[str]) -> tuple[FileRecord, list[ChunkRow]]:
    key = to_key(path)
    rows = [ChunkRow(chunk_id(key, n), key, n, t, 0, len(t), embedded=False) for n, t in enumerate(texts)]
    return FileRecord(key, "/docs", FileStatus.PENDING, size=10, content_hash=f"h-{texts[0]}"), rows


def both_phases(store: Store, embedder: HashEmbedder, path: str, texts: list[str]) -> None:
    record, rows = edited(path, texts)
    store.write_passages([(record, rows)])
    waiting = store.ledger.unembedded(1000)
    store.write_vectors(waiting, embedder.embed_documents([c.text for c in waiting]))


def test_a_waiting_passage_keeps_its_old_vector_out_of_sight(tmp_path: Path) -> None:
    embedder = HashEmbedder()
    store = Store(tmp_path / "index", "test/hash-embedder")
    both_phases(store, embedder, "/docs/a.txt", ["harbour storms at noon", "a second passage"])
    first = chunk_id(to_key("/docs/a.txt"), 0)
    old_vector = embedder.embed_documents(["harbour storms at noon"])[0]
    assert [h.chunk_id for h in store.dense_query(old_vector, 1)] == [first]

    record, rows = edited("/docs/a.txt", ["lanterns in the fog"])  # phase 1 of an edit
    store.write_passages([(record, rows)])

    assert store.vectors.count() == 1  # the surplus passage's vector went; the first's waits, stale
    assert store.current_vectors([first]) == {}
    assert first not in {h.chunk_id for h in store.dense_query(old_vector, 5)}

    waiting = store.ledger.unembedded(10)
    store.write_vectors(waiting, embedder.embed_documents(["lanterns in the fog"]))  # phase 2
    new_vector = embedder.embed_documents(["lanterns in the fog"])[0]
    assert np.allclose(store.current_vectors([first])[first], new_vector, atol=1e-6)
    assert [h.chunk_id for h in store.dense_query(new_vector, 1)] == [first]
    store.close()


def test_two_hundred_edits_leave_the_vector_index_its_size(tmp_path: Path) -> None:
    """Before, 200 edits of a 20-passage file took the HNSW files from 38 KB to 1.4 MB (500: 3.8 MB)."""
    embedder = HashEmbedder()
    store = Store(tmp_path / "index", "test/hash-embedder")
    texts = [f"passage {n} of the notes about harbour storms" for n in range(20)]
    both_phases(store, embedder, "/docs/notes.txt", texts)
    for edit in range(10):
        both_phases(store, embedder, "/docs/notes.txt", [f"edit {edit}: {t}" for t in texts])
    settled = hnsw_bytes(store.index_dir / "chroma")

    for edit in range(10, 200):
        both_phases(store, embedder, "/docs/notes.txt", [f"edit {edit}: {t}" for t in texts])

    assert store.vectors.count() == 20
    assert hnsw_bytes(store.index_dir / "chroma") <= settled * 1.2
    store.close()


def test_edits_through_the_engine_keep_search_current(tmp_path: Path, hash_embedder) -> None:
    """The engine's two phases over a real file: every edit's text is what the meaning leg finds."""
    docs = tmp_path / "docs"
    docs.mkdir()
    notes = docs / "notes.txt"
    engine = Engine.open(tmp_path / "home", embedder=hash_embedder, settings=Settings(folders=[str(docs)]))
    try:
        for edit in range(30):
            notes.write_text(f"edit {edit}: the ferry leaves the harbour at {edit} o'clock.\n")
            engine.index()
            hits = engine.search(f"edit {edit}: the ferry leaves the harbour at {edit} o'clock.")
            assert [h.text.split(":")[0] for h in hits] == [f"edit {edit}"]
        assert engine.check()["consistent"]
    finally:
        engine.close()
