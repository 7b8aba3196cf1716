"""Compaction: the slots of deleted vectors are given back by copying the live ones into a new collection.

Chroma never reuses a deleted vector's HNSW slot, so deleted, renamed and shortened files grew the index
for good. These tests run the real Chroma store on disk (the hash embedder stands in for the model).
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.errors import Cancelled
from desktop_search.core.index import compaction
from desktop_search.core.store import generations, vectors
from desktop_search.core.store.generations import hnsw_slots
from desktop_search.core.store.store import Store
from desktop_search.core.store.vectors import VectorMeta, VectorStore
from tests.support.fake_embedder import HashEmbedder

MODEL = "test/hash-embedder"
DIM = 16


def meta(n: int) -> VectorMeta:
    return VectorMeta(f"/docs/f{n // 10}.txt", "/docs", ("/docs",), ".txt", 1.0 + n, page=n % 7)


def filled(chroma: Path, store: VectorStore, live: int, dead: int) -> np.ndarray:
    """``live + dead`` vectors added, then ``dead`` of them deleted (1,000 adds and more: Chroma saves
    its HNSW header only every thousand or so changes)."""
    total = live + dead
    vecs = np.random.default_rng(0).standard_normal((total, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = [f"p{n}" for n in range(total)]
    for start in range(0, total, 500):
        end = min(total, start + 500)
        store.upsert(ids[start:end], vecs[start:end], [meta(n) for n in range(start, end)])
    store.delete(ids[live:])
    return vecs[:live]


def segment_folders(chroma: Path) -> list[str]:
    return sorted(p.name for p in chroma.iterdir() if p.is_dir())


def no_pause() -> None:
    pass


def test_compaction_keeps_every_vector_and_gives_the_dead_slots_back(tmp_path: Path) -> None:
    chroma = tmp_path / "chroma"
    store = VectorStore(chroma, MODEL)
    live = filled(chroma, store, live=600, dead=1400)
    before = store.slots()
    assert before is not None and before >= 1500  # deleted vectors keep their slots
    old_folder = segment_folders(chroma)
    answers = [[h.chunk_id for h in store.query(live[n], 5)] for n in range(0, 600, 60)]
    steps: list[tuple[int, int]] = []

    store.compact(threading.Lock(), no_pause, lambda done, total: steps.append((done, total)))

    assert store.count() == 600
    assert steps[-1] == (600, 600)
    assert store.collection.name == "chunks-test-hash-embedder.1"
    assert (
        store.collection.configuration["hnsw"]["space"] == "cosine" and store.ef_search == vectors.EF_SEARCH
    )
    got = store.get_vectors([f"p{n}" for n in range(600)])
    assert np.allclose(np.stack([got[f"p{n}"] for n in range(600)]), live, atol=1e-6)
    metadata = store.collection.get(ids=["p123"], include=["metadatas"])["metadatas"][0]
    assert (
        metadata["path"] == "/docs/f12.txt" and metadata["page"] == 123 % 7 and metadata["dirs"] == ["/docs"]
    )
    assert [[h.chunk_id for h in store.query(live[n], 5)] for n in range(0, 600, 60)] == answers
    assert [c.name for c in store._client.list_collections()] == ["chunks-test-hash-embedder.1"]
    assert old_folder[0] not in segment_folders(chroma)  # Chroma leaves a deleted collection's folder
    store.close()

    reopened = VectorStore(chroma, MODEL)  # the new generation is the live one from now on
    assert reopened.collection.name == "chunks-test-hash-embedder.1"
    assert reopened.count() == 600
    assert reopened.query(live[7], 1)[0].chunk_id == "p7"
    reopened.close()


def test_writes_during_a_compaction_reach_the_new_collection(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(vectors, "COPY_BATCH", 100)
    chroma = tmp_path / "chroma"
    store = VectorStore(chroma, MODEL)
    live = filled(chroma, store, live=500, dead=600)
    fresh = np.ones((1, DIM), dtype=np.float32) / np.sqrt(DIM)
    steps = iter(range(100))

    def between_steps() -> None:  # the indexer writes while the copy goes on
        step = next(steps)
        if step == 2:
            store.upsert(["new"], fresh, [meta(9999)])  # a new passage
            store.delete(["p450"])  # a passage the copy has not reached yet
            store.delete(["p10"])  # one it has copied
        if step == 3:
            store.upsert(["p20"], fresh, [meta(20)])  # an overwrite of a copied passage

    store.compact(threading.Lock(), between_steps, lambda d, t: None)

    ids = store.all_ids()
    assert "new" in ids and "p450" not in ids and "p10" not in ids
    assert len(ids) == 500 - 2 + 1
    assert np.allclose(store.get_vectors(["p20"])["p20"], fresh[0], atol=1e-6)
    assert np.allclose(store.get_vectors(["p21"])["p21"], live[21], atol=1e-6)
    store.close()


def test_a_cancelled_compaction_leaves_the_old_collection_live(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(vectors, "COPY_BATCH", 100)
    chroma = tmp_path / "chroma"
    store = VectorStore(chroma, MODEL)
    filled(chroma, store, live=400, dead=700)
    calls = iter(range(100))

    def cancel_on_third() -> None:
        if next(calls) == 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        store.compact(threading.Lock(), cancel_on_third, lambda d, t: None)

    assert store.collection.name == "chunks-test-hash-embedder"
    assert [c.name for c in store._client.list_collections()] == ["chunks-test-hash-embedder"]
    assert store.count() == 400
    store.upsert(["after"], np.ones((1, DIM), dtype=np.float32), [meta(1)])  # writes go on as before
    assert store.count() == 401
    store.close()


def _compact_until_killed(chroma: str, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    store = VectorStore(Path(chroma), MODEL)
    calls = iter(range(1000))

    def stall_after_one_step() -> None:
        if next(calls) == 1:
            ready.set()
            time.sleep(600)  # killed here, with 2,000 of 2,500 vectors copied

    store.compact(threading.Lock(), stall_after_one_step, lambda d, t: None)


def test_a_compaction_killed_halfway_leaves_the_old_collection_live(tmp_path: Path, monkeypatch) -> None:
    chroma = tmp_path / "chroma"
    store = VectorStore(chroma, MODEL)
    live = filled(chroma, store, live=2500, dead=1000)  # more than one copy step of 2,000
    store.close()
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    child = context.Process(target=_compact_until_killed, args=(str(chroma), ready))
    child.start()
    assert ready.wait(120)
    os.kill(child.pid, signal.SIGKILL)
    child.join()

    reopened = VectorStore(chroma, MODEL)
    assert reopened.collection.name == "chunks-test-hash-embedder"  # the half-filled one is not live
    assert reopened.count() == 2500
    assert reopened.query(live[1234], 1)[0].chunk_id == "p1234"
    names = sorted(c.name for c in reopened._client.list_collections())
    assert names == ["chunks-test-hash-embedder", "chunks-test-hash-embedder.1"]
    reopened.remove_stale()  # the writer tidies up what the killed compaction left
    assert [c.name for c in reopened._client.list_collections()] == ["chunks-test-hash-embedder"]
    assert len(segment_folders(chroma)) == 1
    reopened.compact(threading.Lock(), no_pause, lambda d, t: None)  # and compacts again
    assert reopened.collection.name == "chunks-test-hash-embedder.1"
    assert reopened.count() == 2500
    reopened.close()


def test_a_reader_whose_collection_was_compacted_away_follows_the_new_one(tmp_path: Path) -> None:
    """Another process (a CLI search beside the app) holds the collection a compaction deletes."""
    chroma = tmp_path / "chroma"
    writer = VectorStore(chroma, MODEL)
    live = filled(chroma, writer, live=300, dead=800)
    reader = VectorStore(chroma, MODEL)
    writer.compact(threading.Lock(), no_pause, lambda d, t: None)

    assert reader.query(live[42], 1)[0].chunk_id == "p42"
    assert reader.count() == 300
    assert reader.collection.name == "chunks-test-hash-embedder.1"
    reader.close()
    writer.close()


def test_the_slot_count_reads_hnswlibs_header(tmp_path: Path) -> None:
    chroma = tmp_path / "chroma"
    store = VectorStore(chroma, MODEL)
    filled(chroma, store, live=200, dead=1300)
    folder = generations.segment_dir(chroma, str(store.collection.id))
    assert folder is not None and hnsw_slots(folder) == store.slots()
    assert store.slots() is not None and 1000 <= store.slots() <= 1500  # type: ignore[operator]
    (folder / "header.bin").write_bytes(b"\x07" * 40)  # an unknown format says nothing
    assert hnsw_slots(folder) is None
    assert hnsw_slots(tmp_path / "nowhere") is None
    store.close()


def test_the_policy_compacts_when_dead_slots_reach_half_the_live_vectors() -> None:
    assert not compaction.Slots(filled=13_000, live=10_000).due  # 3,000 dead: under both bounds
    assert not compaction.Slots(filled=14_000, live=10_000).due  # 4,000 dead: under half of 10,000
    assert compaction.Slots(filled=15_000, live=10_000).due
    assert not compaction.Slots(filled=3_900, live=100).due  # a few MB: not worth a copy
    assert compaction.Slots(filled=4_100, live=100).due
    assert compaction.Slots(filled=900, live=1_000).dead == 0  # the header lags behind the log


def test_renamed_folders_are_compacted_after_the_run(tmp_path: Path, monkeypatch) -> None:
    """Through the engine: every rename of a folder leaves its files' vector slots behind; once they
    pile up, the run ends with a compaction, reported as progress, and search goes on as before."""
    monkeypatch.setattr(compaction, "MIN_DEAD_SLOTS", 1000)
    docs = tmp_path / "docs"
    (docs / "v0").mkdir(parents=True)
    for n in range(700):
        text = f"Notes {n}: the ferry number {n} leaves the harbour at dawn when the tide is high."
        (docs / "v0" / f"note{n}.txt").write_text(text)
    engine = Engine.open(tmp_path / "home", embedder=HashEmbedder(), settings=Settings(folders=[str(docs)]))
    messages: list[str] = []
    try:
        engine.index()
        for rename in range(1, 4):
            (docs / f"v{rename - 1}").rename(docs / f"v{rename}")
            last = engine.index(lambda p: messages.append(f"{p.phase}: {p.message}"))
            assert last.phase == "done"
        compacting = [m for m in messages if "Compacting the vector index" in m]
        assert compacting[0].endswith("Compacting the vector index: 0 / 700 passages")  # said before the copy
        assert compacting[-1].endswith("Compacting the vector index: 700 / 700 passages")
        assert messages[-1].startswith("done")  # the run's own report comes last
        found = compaction.slots(engine.store)
        assert found is not None and found.dead < 1000
        assert engine.store.vectors.collection.name.endswith(".1")
        hits = engine.search("Notes 123: the ferry number 123 leaves the harbour at dawn")
        assert hits[0].path.endswith(os.path.join("v3", "note123.txt"))
        assert engine.check()["consistent"]
    finally:
        engine.close()


_COMPACTING_CHILD = """
import sys
from pathlib import Path
from desktop_search.core.store.store import Store
store = Store(Path(sys.argv[1]), "test/hash-embedder")
print("open", flush=True)
store.compact_vectors(lambda: None, lambda done, total: None)
store.close()
"""


@pytest.mark.slow
def test_kills_at_random_moments_of_a_compaction_never_lose_a_vector(tmp_path: Path) -> None:
    """kill -9 while a compaction writes (Store, its write marker and probe, as the app runs them)."""
    index = tmp_path / "index"
    store = Store(index, MODEL)
    live = filled(index / "chroma", store.vectors, live=6000, dead=6000)
    store.close()
    rng = random.Random(7)
    for _round in range(6):
        child = subprocess.Popen(
            [sys.executable, "-c", _COMPACTING_CHILD, str(index)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert child.stdout is not None and child.stdout.readline().strip() == "open"
        time.sleep(rng.uniform(0.0, 4.0))
        child.kill()
        child.wait()
        store = Store(index, MODEL)
        try:
            assert store.vectors.count() == 6000
            assert store.vectors.query(live[4321], 1)[0].chunk_id == "p4321"
            store.vectors.remove_stale()
            assert [c.name for c in store.vectors._client.list_collections()] == [
                store.vectors.collection.name
            ]
            assert len(segment_folders(index / "chroma")) == 1
        finally:
            store.close()


def test_a_compaction_that_fails_leaves_the_index_and_the_run_as_they_were(
    tmp_path: Path, monkeypatch
) -> None:
    """A full disk mid-copy (the copy needs room for a second collection): the run still ends done, the
    old collection stays live and whole, the user reads why, and the next run does not try at once."""
    monkeypatch.setattr(compaction, "MIN_DEAD_SLOTS", 1000)
    monkeypatch.setattr(compaction, "_failed_at", {})
    monkeypatch.setattr(vectors, "COPY_BATCH", 300)
    docs = tmp_path / "docs"
    (docs / "v0").mkdir(parents=True)
    for n in range(700):
        (docs / "v0" / f"note{n}.txt").write_text(
            f"Notes {n}: the ferry number {n} leaves the harbour at dawn."
        )
    engine = Engine.open(tmp_path / "home", embedder=HashEmbedder(), settings=Settings(folders=[str(docs)]))
    real = engine.store.compact_vectors
    attempts: list[int] = []

    def disk_fills(checkpoint, progress) -> None:  # type: ignore[no-untyped-def]
        def full(done: int, total: int) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        attempts.append(1)
        real(checkpoint, full)

    monkeypatch.setattr(engine.store, "compact_vectors", disk_fills)
    try:
        engine.index()
        messages: list[str] = []
        for rename in range(1, 4):
            (docs / f"v{rename - 1}").rename(docs / f"v{rename}")
            last = engine.index(lambda p: messages.append(p.message))
            assert last.phase == "done"
        assert attempts == [1]  # tried once, not again at the next run
        said = [m for m in messages if "could not be compacted" in m]
        assert said == [
            "The vector index could not be compacted (The disk holding the index is full); it works as before"
        ]
        live = engine.store.vectors
        assert live.collection.name == "chunks-test-hash-embedder"
        assert [c.name for c in live._client.list_collections()] == ["chunks-test-hash-embedder"]
        assert live.count() == 700
        hits = engine.search("Notes 123: the ferry number 123 leaves the harbour at dawn.")
        assert hits[0].path.endswith(os.path.join("v3", "note123.txt"))
        assert engine.check()["consistent"]
    finally:
        engine.close()
