"""What ``desktop-search status`` and ``index`` tell a person about files searchable by keyword alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.cli import _files_line
from desktop_search.core.errors import ModelUnavailableError
from tests.support.cli_inline import run_cli
from tests.support.fake_embedder import HashEmbedder


class UnloadableEmbedder(HashEmbedder):
    """A model whose files cannot be read: phase 1 runs, phase 2 cannot."""

    @property
    def loaded(self) -> bool:  # type: ignore[override]
        return False

    def load(self, progress: object = None) -> None:
        raise ModelUnavailableError("The model files are damaged.")


def test_the_files_line_names_keyword_only_files_while_there_are_some() -> None:
    counts = {"indexed": 2, "keyword_only": 0, "skipped": 1, "failed": 0, "pending": 0}
    assert _files_line(counts) == "2 indexed, 1 skipped, 0 failed, 0 pending"
    waiting = {**counts, "keyword_only": 3}
    assert _files_line(waiting) == (
        "2 indexed, 3 searchable by keyword (meaning not yet embedded), 1 skipped, 0 failed, 0 pending"
    )


def test_status_says_the_files_are_searchable_by_keyword_when_the_model_cannot_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a.txt", "b.txt"):
        (docs / name).write_text(f"Notes {name}: the boiler needs a service every autumn.", encoding="utf-8")
    home = tmp_path / "home"

    run_cli(monkeypatch, capsys, UnloadableEmbedder(), home, "index", str(docs))
    code, out, _err = run_cli(monkeypatch, capsys, UnloadableEmbedder(), home, "status")
    assert code == 0
    assert "files:    0 indexed, 2 searchable by keyword (meaning not yet embedded)" in out, out

    search = ("search", "--mode", "keyword", "boiler")
    code, out, _err = run_cli(monkeypatch, capsys, UnloadableEmbedder(), home, *search)
    assert code == 0 and "a.txt" in out and "b.txt" in out


def test_status_in_another_process_tells_where_the_windows_run_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: ``status`` run beside the indexing window said "idle" (its own engine has no run)."""
    import json
    import threading
    import time

    from desktop_search.core.engine import Engine

    entered, release = threading.Event(), threading.Event()

    class HeldEmbedder(HashEmbedder):
        def embed_documents(self, texts):  # type: ignore[no-untyped-def]
            if any("boiler" in text for text in texts):  # the files' batch, not the model's anchors
                entered.set()
                release.wait(60)
            return super().embed_documents(texts)

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"n{i}.txt").write_text(
            f"Note {i}: the boiler needs a service every autumn.", encoding="utf-8"
        )
    home = tmp_path / "home"
    window = Engine.open(data_dir=home, embedder=HeldEmbedder())
    try:
        window.add_folder(docs)
        window.start_background(watch=False)
        assert entered.wait(60)  # phase 1 is done, phase 2 embeds
        for _ in range(50):  # phase 1's last report may still be on its way
            code, out, _err = run_cli(monkeypatch, capsys, HashEmbedder(), home, "status", "--json")
            indexing = json.loads(out)["indexing"]
            if code or indexing["files_done"] == 3:
                break
            time.sleep(0.1)
        assert code == 0
        assert indexing["phase"] == "indexing" and indexing["files_done"] == indexing["files_total"] == 3
        assert indexing["meaning_total"] == 3 and indexing["meaning_done"] == 0
        code, out, _err = run_cli(monkeypatch, capsys, HashEmbedder(), home, "status")
        assert "indexing: indexing, 3 / 3 files searchable · meaning 0 / 3" in out, out
        release.set()
        assert window.wait_idle(60)
    finally:
        release.set()
        window.close()
    code, out, _err = run_cli(monkeypatch, capsys, HashEmbedder(), home, "status", "--json")
    assert json.loads(out)["indexing"]["phase"] == "idle"  # the window closed: nothing runs
    assert not (home / "index").exists() or not list((home / "index").glob("indexing.json"))


def test_progress_left_by_a_killed_process_is_not_read(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    from desktop_search.core.index.beacon import ProgressBeacon, process_alive
    from desktop_search.core.records import IndexProgress, Phase

    beacon = ProgressBeacon(tmp_path / "indexing.json")
    beacon.publish(IndexProgress(Phase.INDEXING, files_done=5, files_total=9))
    assert beacon.read() == IndexProgress(Phase.INDEXING, files_done=5, files_total=9)
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(gone.stdout)
    assert not process_alive(dead_pid)
    record = json.loads((tmp_path / "indexing.json").read_text())
    (tmp_path / "indexing.json").write_text(json.dumps({**record, "pid": dead_pid}))
    assert beacon.read() is None
    (tmp_path / "indexing.json").write_text("{not json")
    assert beacon.read() is None
