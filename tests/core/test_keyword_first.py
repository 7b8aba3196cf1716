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


def test_an_announced_run_holds_a_load_until_it_begins_phase_1_or_is_over() -> None:
    now = [100.0]
    gate = KeywordFirst(cap_s=30.0, clock=lambda: now[0], expect_cap_s=5.0)
    gate.expect()
    assert not gate.reading  # nothing is being read yet: searches wait for no one
    now[0] = 104.0
    threading.Timer(0.2, gate.settled).start()  # the run found nothing to read
    assert gate.wait() == 0.0  # (the clock stands still: it waited for settled, not for the cap)
    gate.expect()
    gate.begin()  # phase 1 came: its own cap counts from its start
    assert gate.reading
    now[0] = 133.0  # past the announcement's cap, not the phase's
    threading.Timer(0.2, gate.end).start()
    assert gate.wait() == 0.0 and not gate.reading  # (held until phase 1 ended)
    gate.expect()
    gate.begin()
    now[0] = 163.5
    assert gate.wait() == 0.0
    gate.end()


def test_an_announcement_nobody_settles_holds_a_load_only_briefly() -> None:
    now = [100.0]
    gate = KeywordFirst(clock=lambda: now[0], expect_cap_s=5.0)
    gate.expect()
    now[0] = 105.5  # the service never got to its scan (no index, say)
    assert gate.wait() == 0.0


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


class BacklogWatcher(GateWatcher):
    """Notes whether the model was loaded while phase 1 cut passages."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded_while_cutting: set[bool] = set()

    def count_tokens(self, texts):  # type: ignore[no-untyped-def]
        self.loaded_while_cutting.add(self.loaded)
        return super().count_tokens(texts)


def test_a_load_at_start_up_waits_for_the_backlog_the_service_finds(tmp_path: Path) -> None:
    """The window loads the model as soon as the service starts: the files changed while the app was
    closed are read first, not beside the load."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(60):
        (docs / f"n{i:02}.txt").write_text(f"Note {i} about the lighthouse keeper and the harbour.\n")
    home = tmp_path / "home"
    engine = Engine.open(home, embedder=HashEmbedder(), settings=Settings().validate())
    engine.add_folder(docs)
    engine.close()
    embedder = BacklogWatcher()
    engine = Engine.open(home, embedder=embedder)
    try:
        engine.start_background(watch=False)
        engine.load_model()  # as the window does right after starting the service
        assert engine.wait_idle(30)
        assert embedder.loaded_while_cutting == {False}
        assert engine.status()["files"]["indexed"] == 60
    finally:
        engine.close()
