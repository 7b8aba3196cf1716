"""Keyword first, meaning next: files are keyword-searchable before their passages are embedded, a
search during the embedding phase answers from both legs, the model loads while files are read, and
the status, the CLI summary and the check know the new state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.records import IndexProgress, Phase
from desktop_search.core.store.pathkeys import to_key
from tests.support.fake_embedder import HashEmbedder, LoadOnReleaseEmbedder
from tests.support.gated_embedder import SCALE_PASSAGES, gated

REPO = Path(__file__).resolve().parents[2]
TOPICS = ["glacier", "volcano", "harbour", "orchard", "comet", "lantern"]


class BlockingEmbedder(HashEmbedder):
    """Embeds only once ``release`` is set: phase 2 stands still, phase 1 goes on."""

    def __init__(self) -> None:
        super().__init__(batch_size=4)
        self.release = threading.Event()
        self.waiting = threading.Event()
        self.embedded = 0  # passages of phase 2 embedded

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        if list(texts) == SCALE_PASSAGES:  # the match scale (measured as the model loads) is not phase 2
            return super().embed_documents(texts)
        self.waiting.set()
        assert self.release.wait(60), "the test never released the embedder"
        self.embedded += len(texts)
        return super().embed_documents(texts)


def _engine(home: Path, embedder) -> Engine:  # type: ignore[no-untyped-def]
    return Engine.open(home, embedder=embedder, settings=Settings().validate())


def _write_topics(folder: Path, n: int, prefix: str = "f") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        path = folder / f"{prefix}{i:02}.txt"
        # words of their own per file: copies and near-identical passages would fold into one result
        own = " ".join(f"{prefix}{word}{i}" for word in ("team", "site", "season", "method"))
        path.write_text(f"Notes on the {topic} number {i}. The {topic} was studied at length ({own}).\n")
        paths.append(path)
    return paths


def _wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _in_background(engine: Engine, seen: list[IndexProgress]) -> threading.Thread:
    thread = threading.Thread(target=lambda: engine.index(seen.append), daemon=True)
    thread.start()
    return thread


def test_a_file_is_keyword_searchable_before_it_is_embedded(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write_topics(docs, 12)
    embedder = BlockingEmbedder()
    engine = _engine(tmp_path / "home", embedder)
    seen: list[IndexProgress] = []
    try:
        engine.add_folder(docs)
        thread = _in_background(engine, seen)
        _wait_for(lambda: engine.status()["files"]["keyword_only"] == 12)
        assert not embedder.embedded  # nothing embedded yet
        files = engine.status()["files"]
        assert files["indexed"] == 0 and files["pending"] == 0
        hits = engine.search("volcano", k=10, mode="keyword")
        assert len(hits) == 2 and all(h.similarity is None for h in hits)
        hybrid = engine.search("volcano", k=10)  # the dense leg has no vector yet: keyword ranks alone
        assert {h.path for h in hybrid} == {h.path for h in hits}
        # phase 1 reports keyword-ready just after its last file is written
        _wait_for(lambda: any(p.keyword_ready_s is not None for p in list(seen)))
        embedder.release.set()
        thread.join(60)
        assert not thread.is_alive()
        files = engine.status()["files"]
        assert files["indexed"] == 12 and files["keyword_only"] == 0
        assert engine.check()["consistent"] and engine.check()["passages_without_vectors"] == 0
        assert all(h.similarity is not None for h in engine.search("volcano", k=10))
        last = seen[-1]
        assert last.phase == Phase.DONE and last.meaning_done == last.meaning_total == 12
        assert last.files_indexed == 12 and last.chunks_done == 12
    finally:
        embedder.release.set()
        engine.close()


def test_a_search_during_phase_two_returns_both_kinds(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write_topics(docs, 6, prefix="old")
    embedder = BlockingEmbedder()
    embedder.release.set()
    engine = _engine(tmp_path / "home", embedder)
    try:
        engine.add_folder(docs)
        engine.index()
        embedder.release.clear()
        _write_topics(docs, 6, prefix="new")
        thread = _in_background(engine, [])
        _wait_for(lambda: engine.status()["files"]["keyword_only"] == 6)
        hits = engine.search("harbour", k=10)
        kinds = {os.path.basename(h.path)[:3]: h.similarity is not None for h in hits}
        assert kinds == {"old": True, "new": False}  # the embedded file has its cosine, the new one not yet
        embedder.release.set()
        thread.join(60)
        assert engine.status()["files"]["keyword_only"] == 0
    finally:
        embedder.release.set()
        engine.close()


def test_the_model_loads_while_files_become_searchable(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write_topics(docs, 8)
    embedder = LoadOnReleaseEmbedder(batch_size=4)
    engine = _engine(tmp_path / "home", embedder)
    seen: list[IndexProgress] = []
    try:
        engine.add_folder(docs)
        thread = _in_background(engine, seen)
        _wait_for(lambda: engine.status()["files"]["keyword_only"] == 8 and embedder.loading.is_set())
        assert not embedder.loaded
        # the indexer is loading the model: a search answers from the keyword leg instead of waiting
        hits = engine.search("comet", k=10)
        assert hits and all(h.similarity is None for h in hits)
        embedder.release.set()
        thread.join(60)
        assert engine.status()["files"]["indexed"] == 8
        assert all(h.similarity is not None for h in engine.search("comet", k=10))
    finally:
        embedder.release.set()
        engine.close()


def test_passages_left_waiting_are_embedded_by_the_next_run(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write_topics(docs, 5)
    home = tmp_path / "home"
    engine = _engine(home, HashEmbedder())
    try:
        engine.add_folder(docs)
        engine.index()
        # as a kill in phase 2 leaves it: passages without vectors, and vectors of a vanished passage
        ledger = engine.store.ledger
        key = to_key(str(docs / "f00.txt"))
        engine.store.vectors.delete(ledger.chunk_ids_of(key))
        with ledger.transaction() as tx:
            ledger.set_embedded(tx, ledger.chunk_ids_of(key), False)
        assert engine.status()["files"]["keyword_only"] == 1
        assert engine.check()["consistent"]  # waiting passages are a normal state
        seen: list[IndexProgress] = []
        result = engine.index(seen.append)
        assert result.phase == Phase.DONE and result.chunks_done == 1 and result.files_indexed == 0
        # the run reads no file: the one the last left keyword-only is searchable from its start
        assert all(p.keyword_only_at_start == 1 for p in seen if p.meaning_total)
        assert result.keyword_only_at_start == 1 and result.meaning_total == 1
        assert engine.status()["files"] == {
            "indexed": 5,
            "keyword_only": 0,
            "failed": 0,
            "skipped": 0,
            "pending": 0,
        }
        assert engine.store.vectors.count() == ledger.chunk_total()
    finally:
        engine.close()


def test_status_keeps_every_key_and_adds_keyword_only(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "home", HashEmbedder())
    try:
        assert set(engine.status()["files"]) == {"indexed", "keyword_only", "failed", "skipped", "pending"}
    finally:
        engine.close()


def test_index_json_prints_one_summary_line(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write_topics(docs, 4)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DESKTOP_SEARCH_HOME", None)
    command = ["-m", "tests.support.hash_cli", "index", "--json", "--data-dir", str(tmp_path / "h")]
    done = subprocess.run(
        [sys.executable, *command, str(docs)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert set(summary) == {
        "files_indexed",
        "passages_embedded",
        "passages_reused",
        "seconds",
        "keyword_ready_s",
    }
    assert summary["files_indexed"] == 4 and summary["passages_embedded"] == 4
    assert summary["passages_reused"] == 0
    assert 0 < summary["keyword_ready_s"] <= summary["seconds"]


@pytest.mark.model
def test_real_model_keyword_first_then_meaning(tmp_path: Path, real_model_folder: Path) -> None:
    """The real stack: the real tokenizer cuts passages before the model has loaded (the same counts
    as the model's own), files are keyword-searchable while the load waits, then embedded for real."""
    from desktop_search.core.config.settings import DEFAULT_MODEL
    from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder

    gate, loading = threading.Event(), threading.Event()

    class GatedLoad(SentenceTransformerEmbedder):
        def load(self, progress=None) -> None:  # type: ignore[no-untyped-def]
            loading.set()
            assert gate.wait(120)
            super().load(progress)

    docs = tmp_path / "docs"
    (docs).mkdir()
    (docs / "bees.txt").write_text("Honey bees keep the hive warm in winter by shivering their muscles.")
    (docs / "tax.md").write_text("# Taxes\n\nThe deadline for filing form ERR-4021 is the end of April.")
    embedder = GatedLoad(DEFAULT_MODEL, real_model_folder, device="cpu", precision="float32")
    sample = ["Honey bees keep the hive warm.", "Überprüfung der Steuererklärung ERR-4021"]
    early = embedder.count_tokens(sample)
    assert embedder.max_tokens == 512 and not embedder.loaded
    engine = _engine(tmp_path / "home", embedder)
    try:
        engine.add_folder(docs)
        thread = _in_background(engine, [])
        _wait_for(lambda: engine.status()["files"]["keyword_only"] == 2 and loading.is_set(), timeout=120)
        early_hit = engine.search("ERR-4021", k=5)[0]
        assert early_hit.path.endswith("tax.md") and not early_hit.has_strength  # shows "words", not 0 %
        gate.set()
        thread.join(300)
        assert embedder.loaded and embedder.count_tokens(sample) == early
        assert engine.status()["files"]["indexed"] == 2
        best = engine.search("how do insects survive the cold", k=2)[0]
        assert best.path.endswith("bees.txt") and best.similarity is not None and best.has_strength
        assert engine.check()["consistent"]
    finally:
        gate.set()
        engine.close()


def test_a_batch_is_the_waiting_passages_most_alike_in_length() -> None:
    from desktop_search.core.index.embedding import most_alike
    from desktop_search.core.store.ledger import ChunkRow

    def row(n: int, length: int) -> ChunkRow:
        return ChunkRow(f"c{n}", "/f", n, "x" * length, 0, length)

    lengths = [45, 500, 40, 900, 50, 42, 700, 48]
    chosen = most_alike([row(n, length) for n, length in enumerate(lengths)], 4)
    assert sorted(len(c.text) for c in chosen) == [40, 42, 45, 48]  # not the first four waiting
    assert len(most_alike([row(0, 10)], 4)) == 1
    # the next waiting passage is always in, however long: it does not stay behind group after group
    chosen = most_alike([row(n, length) for n, length in enumerate([900, 40, 42, 45, 48, 50])], 4)
    assert sorted(len(c.text) for c in chosen) == [45, 48, 50, 900]


def test_closing_during_a_run_stops_it_first(tmp_path: Path) -> None:
    """close() while another thread's index run is embedding cancels the run and waits for it, rather
    than closing SQLite under a running query (which crashed the process)."""
    docs = tmp_path / "docs"
    _write_topics(docs, 8)
    embedder = BlockingEmbedder()
    engine = _engine(tmp_path / "home", embedder)
    seen: list[IndexProgress] = []
    engine.add_folder(docs)
    thread = _in_background(engine, seen)
    _wait_for(embedder.waiting.is_set)
    threading.Timer(0.3, embedder.release.set).start()  # the batch in hand ends after close() began
    engine.close()
    thread.join(30)
    assert not thread.is_alive()
    assert seen[-1].phase == Phase.CANCELLED
    reopened = _engine(tmp_path / "home", HashEmbedder())
    try:
        assert reopened.check()["consistent"]
        reopened.index()
        assert reopened.status()["files"]["indexed"] == 8
    finally:
        reopened.close()


def test_a_keyword_hit_waiting_for_its_vector_is_not_outvoted_by_embedded_passages(
    tmp_path: Path, real_embedder
) -> None:
    """The real stack during phase 2: the file that has every word of the query waits for its vector,
    files embedded before have one word each. The dense leg cannot see the waiting file yet; its
    keyword rank stands in, so it is not ranked under the embedded files for lacking a vector."""
    blocked, release = gated(real_embedder)  # phase 2 stands still until released
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "harbour.txt").write_text("The harbour master records every ship that enters the harbour.")
    (docs / "lantern.txt").write_text("A paper lantern lights the garden path at night.")
    (docs / "market.txt").write_text("The autumn market sells apples, honey and warm bread.")
    release.set()
    engine = _engine(tmp_path / "home", blocked)
    try:
        engine.add_folder(docs)
        engine.index()
        release.clear()
        (docs / "festival.txt").write_text("Every autumn the lantern festival fills the harbour with lights.")
        thread = _in_background(engine, [])
        _wait_for(lambda: engine.status()["files"]["keyword_only"] == 1, timeout=120)
        hits = engine.search("lantern festival harbour", k=4)
        assert hits[0].path.endswith("festival.txt") and hits[0].similarity is None
        assert {Path(h.path).name for h in hits[1:3]} == {"harbour.txt", "lantern.txt"}
        release.set()
        thread.join(120)
        assert engine.search("lantern festival harbour", k=1)[0].path.endswith("festival.txt")
    finally:
        release.set()
        engine.close()
