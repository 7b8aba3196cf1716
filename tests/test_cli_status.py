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
