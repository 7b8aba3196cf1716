"""Keyword first: a model load waits while phase 1 reads files (capped), and searches meanwhile answer
by keyword instead of waiting."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.index.keyword_first import KeywordFirst
from tests.support.fake_embedder import HashEmbedder


def test_a_wait_returns_at_once_when_no_phase_1_runs() -> None:
    assert KeywordFirst().wait() < 0.5


def test_a_wait_ends_with_phase_1() -> None:
    gate = KeywordFirst()
    gate.begin()
    assert gate.reading
    threading.Timer(0.3, gate.end).start()
    started = time.monotonic()
    gate.wait()
    assert 0.2 <= time.monotonic() - started < 5 and not gate.reading


def test_a_wait_is_capped_from_the_phases_start() -> None:
    now = [100.0]
    gate = KeywordFirst(cap_s=30.0, clock=lambda: now[0])
    gate.begin()
    now[0] = 129.0
    gate.begin()  # a second begin keeps the first start
    now[0] = 130.5  # past the cap: the load goes on though phase 1 still runs
    assert gate.wait() == 0.0 and gate.reading


class GateWatcher(HashEmbedder):
    """A model that notes whether phase 1 held the gate while it cut passages, and when it loaded."""

    def __init__(self) -> None:
        super().__init__()
        self.gate: KeywordFirst | None = None
        self.gate_seen_while_cutting: set[bool] = set()
        self._loaded = threading.Event()

    @property
    def loaded(self) -> bool:  # type: ignore[override]
        return self._loaded.is_set()

    def load(self, progress: object = None) -> None:
        self._loaded.set()

    def count_tokens(self, texts):  # type: ignore[no-untyped-def]
        if self.gate is not None:
            self.gate_seen_while_cutting.add(self.gate.reading)
        return super().count_tokens(texts)


def test_a_load_waits_for_phase_1_and_a_search_meanwhile_answers_by_keyword(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "keeper.txt").write_text("The lighthouse keeper rowed across the harbour at dawn.\n")
    embedder = GateWatcher()
    engine = Engine.open(tmp_path / "home", embedder=embedder, settings=Settings().validate())
    try:
        engine.add_folder(docs)
        gate = engine._keyword_first
        gate.begin()  # as a running phase 1 holds it
        loader = threading.Thread(target=engine.load_model, daemon=True)
        loader.start()
        time.sleep(0.5)
        assert not embedder.loaded  # held back while phase 1 reads
        started = time.monotonic()
        engine.search("lighthouse", k=5)  # does not wait for the load: answers by keyword
        assert time.monotonic() - started < 5 and not embedder.loaded
        gate.end()
        loader.join(10)
        assert embedder.loaded
    finally:
        gate.end()
        engine.close()


def test_phase_1_holds_the_gate_while_it_reads_and_lets_go_after(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(20):
        (docs / f"n{i:02}.txt").write_text(f"Note {i} about the lighthouse keeper and the harbour.\n")
    embedder = GateWatcher()
    engine = Engine.open(tmp_path / "home", embedder=embedder, settings=Settings().validate())
    try:
        embedder.gate = engine._keyword_first
        engine.add_folder(docs)
        result = engine.index()
        assert embedder.gate_seen_while_cutting == {True}
        assert not engine._keyword_first.reading and embedder.loaded
        assert result.files_done == 20 and engine.status()["files"]["indexed"] == 20
    finally:
        engine.close()
