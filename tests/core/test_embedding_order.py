"""Phase 2 embeds the files cheapest to finish first, recent ones favoured (``index.embedding_order``):
unit tests of the order on a real store with a fake embedder, and the real stack's ledger after phase 1
(real files and mtimes, the real chunker and model)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.index.embedding import GROUP_BATCHES, EmbeddingPhase
from desktop_search.core.index.embedding_order import DAY_S, embedding_order, file_cost, next_waiting
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.index.progress import RunProgress
from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.store.ledger import ChunkRow, WaitingFile
from desktop_search.core.store.pathkeys import chunk_id, to_key
from desktop_search.core.store.store import Store
from tests.support.fake_embedder import HashEmbedder
from tests.support.gated_embedder import gated

NOW = 1_800_000_000.0
BATCH = 4


def _waiting_file(store: Store, name: str, passages: int, age_days: float = 0.0) -> str:
    key = to_key(f"/docs/{name}")
    texts = [f"{name} passage {i:04}" for i in range(passages)]  # all of one length: order decides
    rows = [ChunkRow(chunk_id(key, i), key, i, t, 0, len(t)) for i, t in enumerate(texts)]
    record = FileRecord(key, to_key("/docs"), FileStatus.PENDING, mtime=NOW - age_days * DAY_S)
    store.write_passages([(record, rows)])
    return key


def test_a_file_costs_its_waiting_passages_more_with_age() -> None:
    assert file_cost(10, NOW, NOW) == 10
    assert file_cost(10, NOW - 30 * DAY_S, NOW) == 20  # a month old: worth half as much
    assert file_cost(10, NOW + DAY_S, NOW) == 10  # a clock ahead of ours is no younger than now
    files = [
        WaitingFile("/b/log", 2000, NOW - 700 * DAY_S),
        WaitingFile("/b/today", 300, NOW),
        WaitingFile("/b/old-note", 3, NOW - 700 * DAY_S),
        WaitingFile("/a/same", 3, NOW - 700 * DAY_S),
        WaitingFile("/b/last-week", 40, NOW - 7 * DAY_S),
    ]
    order = [f.path for f in embedding_order(files, NOW)]
    assert order == ["/b/last-week", "/a/same", "/b/old-note", "/b/today", "/b/log"]


def test_next_waiting_takes_the_cheapest_files_each_in_its_order(tmp_path: Path) -> None:
    store = Store(tmp_path / "index", "test/hash-embedder")
    try:
        big = _waiting_file(store, "big.txt", 50)
        old = _waiting_file(store, "old.txt", 2, age_days=365)  # cost 2 x 13 = 26
        new = _waiting_file(store, "new.txt", 5)
        got = next_waiting(store.ledger, 20, now=NOW)
        assert [c.path for c in got] == [new] * 5 + [old] * 2 + [big] * 13
        assert [c.number for c in got[7:]] == list(range(13))
        assert len(next_waiting(store.ledger, 1000, now=NOW)) == 57
        assert [f.waiting for f in sorted(store.ledger.waiting_files(), key=lambda f: f.path)] == [50, 5, 2]
    finally:
        store.close()


def test_passages_whose_file_row_is_gone_are_still_embedded(tmp_path: Path) -> None:
    store = Store(tmp_path / "index", "test/hash-embedder")
    try:
        key = _waiting_file(store, "orphan.txt", 3)
        with store.ledger.transaction() as tx:
            tx.execute("DELETE FROM files WHERE path = ?", (key,))
        assert [(f.path, f.waiting, f.mtime) for f in store.ledger.waiting_files()] == [(key, 3, 0.0)]
        assert len(next_waiting(store.ledger, 10)) == 3
    finally:
        store.close()


class CallRecorder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__(batch_size=BATCH)
        self.paths_by_call: list[list[str]] = []

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        self.paths_by_call.append([t.split(" passage ")[0] for t in texts])
        return super().embed_documents(texts)


def test_phase_two_finishes_small_and_recent_files_before_a_big_old_one(tmp_path: Path) -> None:
    store = Store(tmp_path / "index", "test/hash-embedder")
    try:
        group = max(16, GROUP_BATCHES * BATCH)
        _waiting_file(store, "logs0.txt", 6 * group, age_days=400)
        for i in range(6):
            _waiting_file(store, f"note{i}.txt", 3, age_days=i)
        embedder = CallRecorder()
        EmbeddingPhase(store, embedder).run(RunProgress(None, 7, 1.0), JobControl(), lambda: True)
        first = embedder.paths_by_call[0]
        assert first[:18] == [f"note{i}.txt" for i in range(6) for _ in range(3)]
        assert all(p == "logs0.txt" for call in embedder.paths_by_call[1:] for p in call)
        assert store.ledger.unembedded_counts() == (0, 0)
    finally:
        store.close()


def test_files_of_passages_unlike_in_length_are_finished_in_order(tmp_path: Path) -> None:
    """Each group is the passages most alike in length, but always with the next in order: a note's
    long passage does not wait for the end of the run (seven real PDF manuals finished all together in
    the last group before)."""
    store = Store(tmp_path / "index", "test/hash-embedder")
    try:
        group = max(16, GROUP_BATCHES * BATCH)
        _waiting_file(store, "logs0.txt", 6 * group, age_days=400)  # 22 characters each
        for i in range(4):
            key = to_key(f"/docs/note{i}.txt")
            texts = [f"note{i}.txt passage {n:04}" + " word" * (40 * n) for n in range(3)]  # 22 to 422
            rows = [ChunkRow(chunk_id(key, n), key, n, t, 0, len(t)) for n, t in enumerate(texts)]
            store.write_passages([(FileRecord(key, to_key("/docs"), FileStatus.PENDING, mtime=NOW), rows)])
        embedder = CallRecorder()
        EmbeddingPhase(store, embedder).run(RunProgress(None, 5, 1.0), JobControl(), lambda: True)
        calls = embedder.paths_by_call
        last_note = max(n for n, call in enumerate(calls) if any(p.startswith("note") for p in call))
        assert len(calls) >= 7 and last_note <= 2  # 4 x 3 passages of three lengths: in by the third call
    finally:
        store.close()


def test_an_older_ledger_swaps_its_newest_first_index_for_the_waiting_one(tmp_path: Path) -> None:
    store = Store(tmp_path / "index", "test/hash-embedder")
    ledger_file = tmp_path / "index" / "ledger.sqlite3"
    store.close()
    with sqlite3.connect(ledger_file) as conn:  # as a ledger of the previous release has it
        conn.execute("DROP INDEX chunks_waiting")
        conn.execute("CREATE INDEX chunks_unembedded ON chunks(mtime DESC, path, number) WHERE embedded = 0")
    store = Store(tmp_path / "index", "test/hash-embedder")
    try:
        rows = store.ledger.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        names = {r[0] for r in rows}
        assert "chunks_waiting" in names and "chunks_unembedded" not in names
    finally:
        store.close()


@pytest.mark.model
def test_real_stack_orders_the_ledger_phase_one_wrote(tmp_path: Path, real_embedder) -> None:
    """Real files with real mtimes, cut by the real chunker while the real model waits: phase 2 reads
    today's note, then today's report, then last year's note, then last year's long log; all are then
    embedded and found by meaning."""
    blocked, release = gated(real_embedder)  # phase 2 stands still until released
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note-today.txt").write_text("Call the plumber about the dripping kitchen tap on Monday.")
    region = "The quarterly report covers sales region {} in detail. "
    paragraphs = [f"Section {i}. " + region.format(i) * 12 for i in range(8)]
    (docs / "report-today.txt").write_text("\n\n".join(paragraphs))
    (docs / "note-old.txt").write_text("The spare house key is under the blue flower pot.")
    lines = [f"2025-01-{1 + i % 28:02} worker {i}: job done, {i * 7} records written." for i in range(900)]
    (docs / "log-old.txt").write_text("\n".join(lines))
    year_ago = time.time() - 365 * DAY_S
    for name in ("note-old.txt", "log-old.txt"):
        os.utime(docs / name, (year_ago, year_ago))
    engine = Engine.open(tmp_path / "home", embedder=blocked, settings=Settings().validate())
    try:
        engine.add_folder(docs)
        thread = threading.Thread(target=engine.index, daemon=True)
        thread.start()
        deadline = time.monotonic() + 120
        while engine.status()["files"]["keyword_only"] < 4:
            assert time.monotonic() < deadline, "phase 1 did not list the files"
            time.sleep(0.05)
        waiting = store_order(engine)
        assert waiting == ["note-today.txt", "report-today.txt", "note-old.txt", "log-old.txt"]
        release.set()
        thread.join(300)
        assert engine.status()["files"]["indexed"] == 4
        assert Path(engine.search("where is the spare key hidden", k=1)[0].path).name == "note-old.txt"
    finally:
        release.set()
        engine.close()


def store_order(engine: Engine) -> list[str]:
    """The files in the order phase 2 reads their passages."""
    names: list[str] = []
    for row in next_waiting(engine.store.ledger, 100_000):
        name = Path(row.path).name
        if name not in names:
            names.append(name)
    return names
