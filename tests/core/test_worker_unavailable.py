"""A worker process that cannot start is no fault of the file: the file waits for the next run instead
of being marked failed (it was "Internal error while reading the file (RuntimeError)" for good, until the
file changed), and the pool does not try a new process for every file meanwhile."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract import ExtractorPool, WorkerUnavailable
from desktop_search.core.records import FileStatus, IndexProgress, Phase
from tests.core import extract_hooks
from tests.core.extract_samples import make_pdf, write
from tests.support.fake_embedder import HashEmbedder


def test_a_pool_whose_worker_cannot_start_says_so_once_and_still_reads_small_text(tmp_path: Path) -> None:
    pdf = write(tmp_path, "doc.pdf", make_pdf([["Glaciers carve valleys."]]))
    with ExtractorPool(workers=1, initializer=extract_hooks.refuse_to_start) as pool:
        with pytest.raises(WorkerUnavailable, match="could not start: ImportError"):
            pool.extract(pdf)
        started = time.monotonic()
        with pytest.raises(WorkerUnavailable, match="could not start"):
            pool.extract(pdf)  # no second process until the retry interval has passed
        assert time.monotonic() - started < 1.0
        assert pool.extract(write(tmp_path, "notes.txt", b"small text")).text == "small text"


def test_files_no_worker_could_read_wait_for_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("Lighthouse keepers log every passing ship.")
    (docs / "glaciers.pdf").write_bytes(make_pdf([["Glaciers carve valleys."]]))

    def refuse(self: ExtractorPool) -> None:
        raise WorkerUnavailable("The extraction worker could not start: fork refused.")

    monkeypatch.setattr(ExtractorPool, "_start", refuse)
    engine = Engine.open(tmp_path / "home", embedder=HashEmbedder(), settings=Settings(folders=[str(docs)]))
    try:
        result = engine.index()
        assert result.phase == Phase.DONE and result.failed == 0
        assert result.message == (
            "1 file waits for the next run (The extraction worker could not start: fork refused)"
        )
        status = {Path(r.path).name: r.status for r in engine.files()}
        assert status == {"notes.txt": FileStatus.INDEXED, "glaciers.pdf": FileStatus.PENDING}
        assert engine.status()["files"]["pending"] == 1

        monkeypatch.undo()
        engine.index()
        assert {Path(r.path).name: r.status for r in engine.files()}["glaciers.pdf"] == FileStatus.INDEXED
        assert engine.search("glaciers valleys")[0].path.endswith("glaciers.pdf")
    finally:
        engine.close()


def test_the_background_service_reads_the_files_it_left_a_minute_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing changes on disk, and the app is not restarted: the service scans again by itself."""
    from desktop_search.core.extract import pool
    from desktop_search.core.index.service import BackgroundService

    monkeypatch.setattr(BackgroundService, "RETRY_POSTPONED_S", 0.5)
    monkeypatch.setattr(pool, "RETRY_START_S", 0.2)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "glaciers.pdf").write_bytes(make_pdf([["Glaciers carve valleys."]]))
    refusals = {"left": 1}
    start = ExtractorPool._start

    def refuse_once(self: ExtractorPool) -> object:
        if refusals["left"]:
            refusals["left"] -= 1
            raise WorkerUnavailable("The extraction worker could not start: fork refused.")
        return start(self)

    monkeypatch.setattr(ExtractorPool, "_start", refuse_once)
    reports: list[IndexProgress] = []
    engine = Engine.open(tmp_path / "home", embedder=HashEmbedder(), settings=Settings(folders=[str(docs)]))
    try:
        engine.start_background(reports.append, watch=False)
        deadline = time.monotonic() + 60
        # The ledger says "indexed" a moment before the retry's run reports it is done: wait for both.
        while time.monotonic() < deadline and not (
            [r.status for r in engine.files()] == [FileStatus.INDEXED]
            and [r.postponed for r in reports if r.phase == Phase.DONE][-1:] == [0]
        ):
            time.sleep(0.2)
        assert {Path(r.path).name: r.status for r in engine.files()} == {"glaciers.pdf": FileStatus.INDEXED}
        done = [r for r in reports if r.phase == Phase.DONE]
        assert done[0].postponed == 1 and done[-1].postponed == 0
    finally:
        engine.close()


def test_a_run_of_the_watcher_meanwhile_says_the_files_still_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file edited while an earlier run's PDF waits for a worker: that run's report keeps saying a file
    waits (not "Up to date") until the retry reads the PDF."""
    from desktop_search.core.extract import pool
    from desktop_search.core.index.service import BackgroundService

    monkeypatch.setattr(BackgroundService, "RETRY_POSTPONED_S", 2.0)
    monkeypatch.setattr(pool, "RETRY_START_S", 0.2)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "glaciers.pdf").write_bytes(make_pdf([["Glaciers carve valleys."]]))
    allowed = threading.Event()
    start = ExtractorPool._start

    def refuse_until_allowed(self: ExtractorPool) -> object:
        if not allowed.is_set():
            raise WorkerUnavailable("The extraction worker could not start: fork refused.")
        return start(self)

    monkeypatch.setattr(ExtractorPool, "_start", refuse_until_allowed)
    reports: list[IndexProgress] = []
    engine = Engine.open(tmp_path / "home", embedder=HashEmbedder(), settings=Settings(folders=[str(docs)]))

    def status_of(name: str) -> FileStatus | None:
        return {Path(r.path).name: r.status for r in engine.files()}.get(name)

    try:
        engine.start_background(reports.append, watch=True)
        _wait_for(lambda: any(r.phase == Phase.DONE for r in reports))
        (docs / "notes.txt").write_text("Moraines are the rocks a glacier leaves behind.")  # small: no worker
        _wait_for(lambda: status_of("notes.txt") == FileStatus.INDEXED)
        _wait_for(lambda: reports[-1].phase == Phase.DONE)
        done = [r for r in reports if r.phase == Phase.DONE]
        assert all(r.postponed == 1 and "1 file waits" in r.message for r in done)
        allowed.set()
        _wait_for(lambda: status_of("glaciers.pdf") == FileStatus.INDEXED)
        _wait_for(lambda: reports[-1].phase == Phase.DONE and reports[-1].postponed == 0)
    finally:
        engine.close()


def _wait_for(condition, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
