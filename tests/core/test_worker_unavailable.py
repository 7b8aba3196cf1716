"""A worker process that cannot start is no fault of the file: the file waits for the next run instead
of being marked failed (it was "Internal error while reading the file (RuntimeError)" for good, until the
file changed), and the pool does not try a new process for every file meanwhile."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract import ExtractorPool, WorkerUnavailable
from desktop_search.core.records import FileStatus, Phase
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
