"""Watching through the real stack: edits, deletes, renames and new files reach the index quickly."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.model.protocol import Embedder
from desktop_search.core.records import FileStatus
from desktop_search.core.store.pathkeys import from_key


def _names(engine: Engine) -> dict[str, FileStatus]:
    return {os.path.basename(from_key(r.path)): r.status for r in engine.files()}


def _wait_for(condition: Callable[[], bool], timeout: float) -> float | None:
    """Seconds until ``condition`` held, or None when it never did within ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def _engine_over(tmp_path: Path, embedder: Embedder, files: dict[str, str]) -> tuple[Engine, Path]:
    """An engine (its home under ``tmp_path``) with a new ``docs`` folder holding ``files`` (name:
    text) added, not yet indexed."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in files.items():
        (docs / name).write_text(text)
    engine = Engine.open(tmp_path / "home", embedder=embedder, settings=Settings())
    engine.add_folder(docs)
    return engine, docs


@pytest.mark.model
def test_watch_updates_the_index_within_three_seconds(tmp_path: Path, real_embedder) -> None:
    files = {
        "edit.txt": "The recipe calls for flour and butter.",
        "gone.txt": "This note will be deleted.",
        "old-name.txt": "Orbital mechanics of geostationary satellites.",
    }
    engine, docs = _engine_over(tmp_path, real_embedder, files)
    try:
        engine.start_background(watch=True)
        assert engine.wait_idle(120)
        assert set(_names(engine)) == {"edit.txt", "gone.txt", "old-name.txt"}
        chunks_before = engine.store.vectors.count()

        # a save that writes three times, a delete, a rename and a new file
        for text in ("draft", "draft two", "The recipe now uses olive oil instead of butter."):
            (docs / "edit.txt").write_text(text)
        (docs / "gone.txt").unlink()
        (docs / "old-name.txt").rename(docs / "new-name.txt")
        (docs / "added.txt").write_text("Beekeeping in winter: keep the hive dry.")

        def reflected() -> bool:
            names = _names(engine)
            if set(names) != {"edit.txt", "new-name.txt", "added.txt"}:
                return False
            edited = engine.extracted_text(str(docs / "edit.txt"))
            return "olive oil" in edited and all(s == FileStatus.INDEXED for s in names.values())

        latency = _wait_for(reflected, 3.0)
        assert latency is not None, f"index not updated within 3 s: {_names(engine)}"
        assert engine.wait_idle(30)
        query = real_embedder.embed_query("keeping bees through the cold season")
        top = engine.store.vectors.query(query, 1)[0].chunk_id
        assert engine.store.ledger.get_chunks([top])[top].path.endswith("added.txt")
        assert engine.check()["consistent"]
        assert engine.store.vectors.count() == chunks_before  # 3 files before, 3 single-chunk files now
    finally:
        engine.close()


@pytest.mark.model
def test_pause_holds_watched_changes_until_resume(tmp_path: Path, real_embedder) -> None:
    engine, docs = _engine_over(tmp_path, real_embedder, {"a.txt": "alpha"})
    try:
        engine.start_background(watch=True)
        assert engine.wait_idle(120)
        engine.pause_indexing()
        assert engine.indexing_paused
        (docs / "b.txt").write_text("bravo")
        time.sleep(1.5)
        assert "b.txt" not in _names(engine) or _names(engine)["b.txt"] == FileStatus.PENDING
        engine.resume_indexing()
        assert _wait_for(lambda: _names(engine).get("b.txt") == FileStatus.INDEXED, 10) is not None
    finally:
        engine.close()


@pytest.mark.model
def test_a_pause_before_the_service_starts_holds_its_first_run(tmp_path: Path, real_embedder) -> None:
    """The window's Pause is live once the index is open, before the indexer's service has started
    (regression: a click in that moment was lost, and the run went on with the button reading Pause)."""
    engine, _docs = _engine_over(
        tmp_path, real_embedder, {"a.txt": "Quinces ripen late in the autumn and smell of honey."}
    )
    try:
        engine.pause_indexing()
        assert engine.indexing_paused
        engine.start_background(watch=False)
        time.sleep(1.5)
        assert engine.indexing_paused and _names(engine).get("a.txt") != FileStatus.INDEXED
        engine.resume_indexing()
        assert not engine.indexing_paused
        assert _wait_for(lambda: _names(engine).get("a.txt") == FileStatus.INDEXED, 60) is not None
        assert engine.search("which fruit smells of honey", k=1)[0].path.endswith("a.txt")
    finally:
        engine.close()


def test_a_file_a_scan_indexed_and_deleted_before_the_next_delivery_is_forgotten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (the storm round took ten minutes to settle): a file created while the watcher's
    window was open, listed by a scan, then deleted in the same window stayed listed until the
    watcher's ten-minute reconciliation, because created-then-deleted cancelled out."""
    from desktop_search.core.watch import watcher
    from tests.support.fake_embedder import HashEmbedder

    class SlowWindows(watcher.FolderWatcher):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, debounce_s=4.0, max_delay_s=8.0, **kwargs)

    monkeypatch.setattr(watcher, "FolderWatcher", SlowWindows)
    engine, docs = _engine_over(tmp_path, HashEmbedder(), {"kept.txt": "present from the start"})
    try:
        engine.start_background(watch=True)
        assert engine.wait_idle(60)
        time.sleep(0.5)  # let the watch settle on the folder
        (docs / "brief.txt").write_text("a file that lives for a moment")  # opens the watcher's window
        engine.request_scan()  # the scan lists it before the window is delivered
        assert _wait_for(lambda: _names(engine).get("brief.txt") == FileStatus.INDEXED, 3.5) is not None
        (docs / "brief.txt").unlink()  # within the same window
        assert _wait_for(lambda: "brief.txt" not in _names(engine), 20) is not None, _names(engine)
        assert engine.wait_idle(30)
        assert set(_names(engine)) == {"kept.txt"}
    finally:
        engine.close()
